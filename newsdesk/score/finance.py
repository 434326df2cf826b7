"""newsdesk's finance-aware sentiment scorer.

Rules over the lexicon of :mod:`newsdesk.score.lexicon`, clause by clause:

1. A direction word moves the nearest metric in its clause (within five words): "sales rose",
   "cut costs", "loss narrowed". Up on a good metric or down on a bad one is positive.
2. A direction word with no metric nearby falls back to its own polarity ("shares down" is a
   metric; a bare "down" is mildly negative).
3. Polar words count on their own ("beat", "downgrade", "bankruptcy"); phrases win over words, and
   the amounts inside a phrase are skipped ("cut 550 jobs" is "cut jobs", "agrees to pay $2bn to
   settle" is "agrees to pay ... settle"); a span of time is one word ("3-month high" is "n-month high").
4. A negator flips the next cue within three words; an intensifier scales the next cue within two.
5. Two amounts compared ("EUR 9.1 mn compared with EUR 7.2 mn", "from 5 % to 7 %") act as a
   direction word when the clause has none.
6. A metric nothing moved keeps its own polarity ("posted a loss"); a move that lands on a bad metric
   is bad whatever its direction ("slumped to a loss", "fell into deficit").
7. Word sense and scope: a cue that is the subject of a framing clause ("the contrarian miss is that
   ...", "the risk was that ...") only introduces what follows and counts for nothing; a negated noun
   phrase ("not primarily a currency or tariff story") names topics the text sets aside, so the nouns
   in it count for nothing (an adjective in it is still flipped: "not a good quarter"); a positive
   quality noun of something that is not a figure ("the strength of the alliance", "supply-chain
   resilience") counts for nothing when its clause has no metric.
8. A hypothetical sentence ("if", "could", "would", "might", "unless", "scenario") counts half.
9. Negative events (collapse, administration, insolvency, job losses, deadly strikes, fraud,
   recession) are negative whatever metric stands near them; in the first clause that carries a cue
   they set the sentence's sign however it continues ("collapses with loss of 300 jobs", "to go into
   administration but 300 jobs saved"); in a later clause beside a positive main clause they count half
   ("Stripe wins business following Wirecard's collapse": the subject gains).

A text's raw score is the sum over clauses, divided by the square root of the number of sentences
that carry a cue; the title of an article counts twice. The score is ``tanh(raw / 2)`` in (-1, 1).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from newsdesk.score.lexicon import Entry, Lexicon, load_lexicon, noun_words, tokenize

WINDOW = 5
NEGATION_REACH = 3
INTENSIFIER_REACH = 2
TITLE_WEIGHT = 2.0
SCALE = 0.5
# "as" and "after" join two clauses in headlines ("shares fall as debt fears grow"): a move in one
# never takes the metric of the other
HARD_STOPS = {";", ".", "!", "?", "as", "after", "but", "while", "whereas", "although", "though", "however", "despite"}
HARD_STOPS |= {"yet", "following"}
EVENT_ASIDE = 0.5  # a negative event in a later clause than a positive main clause
COMPARATORS = {("compared", "to"), ("compared", "with"), ("versus",), ("vs",), ("against",), ("from",)}
COMPARATOR_FIRST = {c[0] for c in COMPARATORS}
FRAMING = {("is", "that"), ("was", "that"), ("'s", "that"), ("here", "is"), ("is", "whether")}
NP_NEGATORS = {"not", "never", "isn't", "wasn't", "isn’t", "wasn’t"}
NP_ADVERBS = {"just", "simply", "merely", "really", "even", "necessarily", "only", "so", "much", "quite", "entirely"}
DETERMINERS = {"a", "an", "the", "any", "another"}
NP_ENDS = {"is", "are", "was", "were", "that", "which", "who", "it", "but", "about", "because", "as", "than"}
NP_REACH = 8
NP_STOPS = NP_ENDS | HARD_STOPS
HYPOTHETICAL = {"if", "unless", "scenario", "would", "could", "might"}
HYPOTHETICAL_FACTOR = 0.5
ABSTRACT_FACTOR = 0.0  # a positive quality noun of a non-figure counts for nothing
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
QUANTITY = re.compile(r"^\$?\d+(?:[.,]\d+)*(?:[a-z]{1,3})?$")  # 550, 3.2, $12, 10bn, 100m, 5pct
QUANTIFIERS = {"about", "around", "nearly", "almost", "some", "over", "another", "roughly", "approximately"}
AMOUNT_FIRST = frozenset("$0123456789")
_AMOUNT_CHAR = re.compile(r"[$0-9]")  # a sentence without one holds no amount
NEGATED = ("n't", "n’t")  # a word ending so is a negator unless the lexicon says otherwise
AMOUNT_UNITS = {"pct", "percent", "per", "cent", "euros", "dollars", "pounds", "points"}
UNITS = {
    "mn": 1e6,
    "m": 1e6,
    "million": 1e6,
    "mln": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "billion": 1e9,
    "k": 1e3,
    "thousand": 1e3,
    "tn": 1e12,
    "trillion": 1e12,
}


@dataclass
class Cue:
    """One matched term and what it contributed."""

    term: str
    value: float


@dataclass
class Result:
    """A scored text: raw sum, final score in (-1, 1), the cues, and how many sentences had one."""

    raw: float = 0.0
    score: float = 0.0
    cues: list[Cue] = field(default_factory=list)
    sentences: int = 0
    cue_sentences: int = 0


@dataclass
class _Match:
    start: int
    end: int
    entry: Entry
    used: bool = False


def _matches(tokens: list[str], lex: Lexicon) -> list[_Match]:
    """The lexicon's terms in ``tokens``, longest first from each token, left to right (a term whose
    amounts are left out wins when it is longer), and any other word ending in "n't" as a negator."""
    starts = lex.starts
    trie = lex.trie
    n = len(tokens)
    candidates = [i for i, tok in enumerate(tokens) if tok in starts]  # where a term can start
    joined = " ".join(tokens)
    if "n't" in joined or "n’t" in joined:  # the words ending in n't no term starts with: negators
        negated = [i for i, tok in enumerate(tokens) if tok.endswith(NEGATED) and tok not in starts]
        candidates = sorted(candidates + negated)
    out = []
    amounts: list[int] | None = None  # where the amounts are; read when a longer term first needs them
    i = 0  # the first token no earlier match covers
    for j in candidates:
        if j < i:
            continue
        tok = tokens[j]
        longest = starts.get(tok)
        if longest is None:
            out.append(_Match(j, j + 1, Entry(tok, negator=-0.8)))
            i = j + 1
            continue
        entry, following = trie[tok]  # the longest term from here (Lexicon.match, inline)
        length = 1 if entry is not None else 0
        k = j + 1
        while following and k < n:
            node = following.get(tokens[k])
            if node is None:
                break
            k += 1
            if node[0] is not None:
                entry, length = node[0], k - j
            following = node[1]
        if longest > 1:
            if amounts is None:
                amounts = (
                    [k for k, t in enumerate(tokens) if t[0] in AMOUNT_FIRST and QUANTITY.match(t)]
                    if _AMOUNT_CHAR.search(joined)
                    else []
                )
            if amounts and j < amounts[-1] and _amount_within(amounts, j, j + longest + 1):
                wide, end = _match_over_amounts(tokens, j, lex)
                if wide is not None and len(wide.term.split()) > (len(entry.term.split()) if entry else 0):
                    entry, length = wide, end - j
        if entry is None:
            i = j + 1
            continue
        if not entry.neutral:
            out.append(_Match(j, j + length, entry))
        i = j + length
    return out


def _amount_within(amounts: list[int], lo: int, hi: int) -> bool:
    k = bisect_left(amounts, lo + 1)
    return k < len(amounts) and amounts[k] <= hi


def _amount_span(tokens: list[str], j: int) -> int:
    """The index after an amount starting at ``tokens[j]`` ("550", "about 500", "$2 billion",
    "5 per cent", "up to 60"), or ``j`` when none starts there."""
    k = j
    if tokens[k] in QUANTIFIERS and k + 1 < len(tokens) and QUANTITY.match(tokens[k + 1]):
        k += 1
    elif tuple(tokens[k : k + 2]) == ("up", "to") and k + 2 < len(tokens) and QUANTITY.match(tokens[k + 2]):
        k += 2
    if not QUANTITY.match(tokens[k]):
        return j
    k += 1
    while k < len(tokens) and (tokens[k] in UNITS or tokens[k] in AMOUNT_UNITS):
        k += 1
    return k


def _match_over_amounts(tokens: list[str], i: int, lex: Lexicon) -> tuple[Entry | None, int]:
    """The longest term of two or more words starting at ``tokens[i]`` when the amounts inside it are
    left out ("cut 550 jobs" is "cut jobs", "agree to pay $2 billion to settle" is "agree to pay to
    settle"), with the index just after its last token; (None, i) when none fits."""
    words, ends = [tokens[i]], [i + 1]
    j = i + 1
    longest = lex.starts[tokens[i]]
    while j < len(tokens) and len(words) < longest:
        after = _amount_span(tokens, j)
        if after > j:
            j = after
            continue
        words.append(tokens[j])
        j += 1
        ends.append(j)
    for k in range(len(words), 1, -1):
        entry = lex.entries.get(tuple(words[:k]))
        if entry is not None and not entry.neutral:
            return entry, ends[k - 1]
    return None, i


def _set_aside(tokens: list[str], matches: list[_Match]) -> None:
    """Mark (as used) the cues that say nothing about direction in context (rule 7)."""
    nouns = noun_words()
    for m in matches:
        if tuple(tokens[m.end : m.end + 2]) in FRAMING and m.entry.negator is None:
            m.used = True
    if NP_NEGATORS.isdisjoint(tokens):
        return
    for i in [i for i, tok in enumerate(tokens) if tok in NP_NEGATORS]:
        j = i + 1
        while j < len(tokens) and (tokens[j] in NP_ADVERBS or tokens[j].endswith("ly")) and j - i <= 2:
            j += 1
        if j >= len(tokens) or tokens[j] not in DETERMINERS:
            continue
        end = j + 1
        while end < len(tokens) and end - j <= NP_REACH and tokens[end] not in NP_STOPS:
            end += 1
            if tokens[end - 1] in (",", ":"):
                break
        for m in matches:
            if j < m.start and m.end <= end and tokens[m.end - 1] in nouns and m.entry.negator is None:
                m.used = True


def _amount_after(tokens: list[str], i: int, hi: int) -> tuple[float | None, int]:
    """The amount at ``tokens[i]`` (a short currency word may come first), scaled by a following
    unit word; returns (value, index after it) or (None, i)."""
    j = i
    if j + 1 < hi and not _NUMBER.match(tokens[j]) and len(tokens[j]) <= 4:
        j += 1  # currency: eur, usd, $, rs, yen
    if j >= hi or not _NUMBER.match(tokens[j]):
        return None, i
    value = float(tokens[j].replace(",", ""))
    j += 1
    if j < hi and tokens[j] in UNITS:
        value *= UNITS[tokens[j]]
        j += 1
    return value, j


def _amount_before(tokens: list[str], i: int, lo: int) -> float | None:
    """The nearest amount ending within six tokens before ``tokens[i]``."""
    for j in range(i - 1, max(lo, i - 7) - 1, -1):
        if _NUMBER.match(tokens[j]):
            value, _ = _amount_after(tokens, j, i)
            return value
    return None


def _number_direction(tokens: list[str], lo: int, hi: int) -> tuple[float, int] | None:
    """The direction two compared amounts imply in tokens[lo:hi] — "from A to B", or "B compared
    with A" / "B versus A" / "B from A" — as (sign, position), or None."""
    for i in range(lo, hi):
        if tokens[i] not in COMPARATOR_FIRST:
            continue
        for comp in COMPARATORS:
            if tuple(tokens[i : i + len(comp)]) != comp:
                continue
            first, end = _amount_after(tokens, i + len(comp), hi)
            if first is None:
                continue
            if comp == ("from",) and end < hi and tokens[end] == "to":
                second, _ = _amount_after(tokens, end + 1, hi)
                if second is not None and second != first:
                    return (1.0 if second > first else -1.0), i
                continue
            before = _amount_before(tokens, i, lo)
            if before is not None and before != first:
                return (1.0 if before > first else -1.0), i
    return None


def _clauses(tokens: list[str]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i in [i for i, tok in enumerate(tokens) if tok in HARD_STOPS]:
        if i > start:
            spans.append((start, i))
        start = i + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def score_tokens(tokens: list[str], lex: Lexicon) -> tuple[float, list[Cue]]:
    """Raw score and cues of one sentence's tokens."""
    matches = _matches(tokens, lex)
    compared = [] if COMPARATOR_FIRST.isdisjoint(tokens) else [i for i, t in enumerate(tokens) if t in COMPARATOR_FIRST]
    if not matches and not compared:  # no term and no comparison of amounts: nothing to score
        return 0.0, []
    _set_aside(tokens, matches)
    nouns = noun_words()
    cues: list[Cue] = []
    raw = 0.0
    starts = [m.start for m in matches]
    lead = 0.0  # the first cue-bearing clause's value
    lead_event = 0.0  # the negative events of that clause
    seen_lead = False
    for lo, hi in _clauses(tokens):
        first, last = bisect_left(starts, lo), bisect_left(starts, hi)
        compares = bool(compared) and bisect_left(compared, lo) < bisect_left(compared, hi)
        if first == last and not compares:  # no term, no comparison: the clause adds nothing
            continue
        clause_raw = 0.0
        clause_event = 0.0
        clause = matches[first:last]
        has_direction = any(m.entry.direction is not None for m in clause)
        has_metric = any(m.entry.metric is not None for m in clause)
        if not has_direction and compares:
            implied = _number_direction(tokens, lo, hi)
            if implied is not None:
                sign, pos = implied
                clause.append(_Match(pos, pos + 1, Entry("amounts compared", direction=sign)))
                clause.sort(key=lambda m: m.start)
        for k, m in enumerate(clause):
            e = m.entry
            if m.used or e.negator is not None or e.intensifier is not None:
                continue
            value = 0.0
            if e.event is not None:
                value, term = e.event, _span(tokens, m)
                if seen_lead and lead > 0:
                    value *= EVENT_ASIDE  # the main clause's subject gains from another's trouble
            elif e.direction is not None:
                target = _nearest_metric(clause, k)
                if target is not None and target.entry.metric is not None:  # a metric, by _nearest_metric
                    target.used = True
                    value = e.direction * target.entry.metric
                    if target.entry.metric < 0 and _reaches(tokens, m, target):
                        value = -abs(e.direction)  # "slumps to a loss": the loss is where it lands
                    term = f"{_span(tokens, m)} … {_span(tokens, target)}"
                elif e.polar is not None:
                    value, term = e.polar, _span(tokens, m)
                else:
                    value, term = 0.5 * e.direction, _span(tokens, m)
            elif e.polar is not None:
                value, term = e.polar, _span(tokens, m)
                if value > 0 and not has_metric and _qualifies_a_thing(tokens, m, nouns):
                    value *= ABSTRACT_FACTOR  # "the strength of the alliance": no figure is said to be strong
            else:
                continue
            value *= _modifier(clause, k)
            m.used = True
            if value:
                cues.append(Cue(term, round(value, 3)))
                clause_raw += value
                if e.event is not None and not seen_lead:
                    clause_event += value
        for k, m in enumerate(clause):
            if not m.used and m.entry.metric is not None and m.entry.metric_weight:
                value = m.entry.metric_weight * _modifier(clause, k)
                cues.append(Cue(_span(tokens, m), round(value, 3)))
                clause_raw += value
                m.used = True
        raw += clause_raw
        if clause_raw and not seen_lead:
            seen_lead, lead, lead_event = True, clause_raw, clause_event
    if lead_event < 0:  # a negative event leads: the sentence reads negative however it continues
        raw = min(raw, lead_event)
    if raw and not HYPOTHETICAL.isdisjoint(tokens):
        raw *= HYPOTHETICAL_FACTOR
        cues = [Cue(c.term, round(c.value * HYPOTHETICAL_FACTOR, 3)) for c in cues]
    return raw, cues


def _reaches(tokens: list[str], m: _Match, target: _Match) -> bool:
    """True when the metric is where the move ends ("slumped to a loss", "fell into deficit")."""
    return target.start > m.start and any(t in ("to", "into") for t in tokens[m.end : target.start])


def _qualifies_a_thing(tokens: list[str], m: _Match, nouns: frozenset[str]) -> bool:
    """True for a one-word polar noun that names a quality of something other than a figure: "the
    strength of the alliance", "supply-chain resilience" (the clause has no metric)."""
    if m.end - m.start != 1 or tokens[m.start] not in nouns:
        return False
    after = tokens[m.end] if m.end < len(tokens) else ""
    before = tokens[m.start - 1] if m.start else ""
    return after == "of" or "-" in before or before in nouns


def _span(tokens: list[str], m: _Match) -> str:
    return " ".join(tokens[m.start : m.end])


def _nearest_metric(clause: list[_Match], k: int) -> _Match | None:
    """The closest unused metric within :data:`WINDOW` tokens of clause[k] (metrics before the
    direction word win ties: "sales rose"). Each side is walked away from the direction word and stops
    at its first unused metric, or at a match :data:`WINDOW` tokens away or more."""
    here = clause[k]
    before = after = None
    for m in reversed(clause[:k]):
        if here.start - m.end >= WINDOW:
            break
        if not m.used and m.entry.metric is not None:
            before = m
            break
    for m in clause[k + 1 :]:
        if m.start - here.end >= WINDOW:
            break
        if not m.used and m.entry.metric is not None:
            after = m
            break
    if before is None or after is None:
        return after if before is None else before
    return before if here.start - before.end + 1.0 <= after.start - here.end + 1.5 else after


def _modifier(clause: list[_Match], k: int) -> float:
    """Product of the negators and intensifiers just before clause[k], and of an adverb right
    after it ("fell sharply"), which it then takes for itself."""
    if len(clause) == 1:  # nothing before or after it
        return 1.0
    here = clause[k]
    factor = 1.0
    j = k - 1
    while j >= 0 and here.start - clause[j].end < NEGATION_REACH:
        m = clause[j]
        gap = here.start - m.end
        if not m.used and m.entry.negator is not None:
            factor *= m.entry.negator
        elif not m.used and m.entry.intensifier is not None and gap < INTENSIFIER_REACH:
            factor *= m.entry.intensifier
        j -= 1
    if k + 1 < len(clause):
        nxt = clause[k + 1]
        if nxt.entry.intensifier is not None and nxt.entry.term.endswith("ly") and nxt.start - here.end <= 1:
            factor *= nxt.entry.intensifier
            nxt.used = True
    return factor


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
# the same breaks, found faster (the scan skips to a . ! ? or newline): the first form's break is group 1
_BREAK_AFTER = re.compile(r"[.!?](\s+)|\n\s*\n")


@dataclass
class SentenceScore:
    """One sentence of a text: its character span, raw score and cues."""

    start: int
    end: int
    raw: float
    cues: list[Cue]


def sentence_scores(text: str, lex: Lexicon | None = None) -> list[SentenceScore]:
    """Split ``text`` into sentences (at . ! ? followed by space, and at blank lines) and score each."""
    lex = lex or load_lexicon()
    out = []
    pos = 0
    for m in [*_BREAK_AFTER.finditer(text), None]:  # SENTENCE_BREAK's matches
        if m:
            end = m.start(1)
            if end < 0:
                end = m.start()
        else:
            end = len(text)
        segment = text[pos:end]
        if segment.strip():
            raw, cues = score_tokens(tokenize(segment), lex)
            out.append(SentenceScore(pos, end, raw, cues))
        if m:
            pos = m.end()
    return out


def aggregate(scores: list[tuple[SentenceScore, float]]) -> Result:
    """Combine (sentence, weight) pairs into a text's :class:`Result`."""
    result = Result()
    weighted = 0.0
    weight_sum = 0.0
    for s, weight in scores:
        result.sentences += 1
        if s.cues:
            result.cue_sentences += 1
            weighted += weight * s.raw
            weight_sum += weight
            result.cues.extend(s.cues)
    if weight_sum:
        result.raw = weighted / math.sqrt(weight_sum)
    result.score = math.tanh(SCALE * result.raw)
    return result


def analyse(text: str, title: str = "", lex: Lexicon | None = None) -> Result:
    """Score ``text`` (and an optional ``title``, weighted double)."""
    lex = lex or load_lexicon()
    pairs = [(s, TITLE_WEIGHT) for s in sentence_scores(title, lex)] if title else []
    pairs += [(s, 1.0) for s in sentence_scores(text, lex)]
    return aggregate(pairs)
