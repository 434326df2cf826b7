"""The fast term and phrase matching against the plain ways it replaced (kept here as the reference):
the lexicon's token tree against the longest-tuple lookup, the finance scorer's term finder against the
token-by-token loop, the phrase matcher against a check of every occurrence. Same answers on the demo
corpus and on texts built to hit the edges (amounts inside terms, words ending in n't, phrases inside
words, characters that lower-case to two)."""

from __future__ import annotations

import random
from bisect import bisect_left
from typing import Any

import ahocorasick
import pytest

from newsdesk.flows.ingest import demo_files
from newsdesk.ingest import read_path
from newsdesk.score import finance, impact
from newsdesk.score.finance import AMOUNT_FIRST, QUANTITY, _Match, _match_over_amounts
from newsdesk.score.lexicon import Entry, Lexicon, load_lexicon, tokenize
from newsdesk.score.market import market_matcher
from newsdesk.score.matcher import PhraseMatcher
from newsdesk.score.topics import topic_matcher


def reference_match(lex: Lexicon, tokens: list[str], i: int) -> tuple[Entry | None, int]:
    """The longest entry at ``tokens[i]``: every length tried, longest first."""
    longest = lex.starts.get(tokens[i])
    if not longest:
        return None, 0
    for n in range(min(longest, len(tokens) - i), 0, -1):
        entry = lex.entries.get(tuple(tokens[i : i + n]))
        if entry is not None:
            return entry, n
    return None, 0


def reference_matches(tokens: list[str], lex: Lexicon) -> list[_Match]:
    """The finance scorer's terms of a sentence, found token by token."""
    out = []
    i = 0
    n = len(tokens)
    starts = lex.starts
    amounts = [k for k, tok in enumerate(tokens) if tok[0] in AMOUNT_FIRST and QUANTITY.match(tok)]
    while i < n:
        tok = tokens[i]
        if tok not in starts:
            if tok.endswith(("n't", "n’t")):
                out.append(_Match(i, i + 1, Entry(tok, negator=-0.8)))
            i += 1
            continue
        entry, length = reference_match(lex, tokens, i)
        k = bisect_left(amounts, i + 1)
        if starts[tok] > 1 and k < len(amounts) and amounts[k] <= i + starts[tok] + 1:
            wide, end = _match_over_amounts(tokens, i, lex)
            if wide is not None and len(wide.term.split()) > (len(entry.term.split()) if entry else 0):
                entry, length = wide, end - i
        if entry is None:
            i += 1
            continue
        if not entry.neutral:
            out.append(_Match(i, i + length, entry))
        i += length
    return out


class ReferenceMatcher:
    """Whole-word, non-overlapping hits: every occurrence found, then checked at its ends."""

    def __init__(self, phrases: list[tuple[str, Any]]) -> None:
        self.automaton = ahocorasick.Automaton()
        store: dict[str, list[Any]] = {}
        for phrase, payload in phrases:
            if phrase.strip():
                store.setdefault(phrase.strip().lower(), []).append(payload)
        for key, payloads in store.items():
            self.automaton.add_word(key, (key, payloads))
        self.empty = not store
        if store:
            self.automaton.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, str, list[Any]]]:
        if self.empty or not text:
            return []
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        hits = []
        for end_idx, (key, payloads) in self.automaton.iter(low):
            start, end = end_idx - len(key) + 1, end_idx + 1
            if start > 0 and low[start - 1].isalnum() and key[0].isalnum():
                continue
            if end < len(low) and low[end].isalnum() and key[-1].isalnum():
                continue
            hits.append((start, end, key, payloads))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out, last_end = [], -1
        for hit in hits:
            if hit[0] >= last_end:
                last_end = hit[1]
                out.append(hit)
        return out


EDGES = [
    "The company will cut 550 jobs and agrees to pay $2 billion to settle",
    "It plans to axe up to 1,200 jobs; sales didn't fall, profit wasn’t up",
    "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn, a 3-month high",
    "shares down 5% vs 3% as the net loss narrowed",
    "not a good quarter but sales rose from 5 % to 7 %",
    "İstanbul oil stocks ﬁnance STRASSE toil separate AI-driven U.S. S&P 500 rally",
    "profit profit profit",
    "",
]


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    articles = [a for f in demo_files() for a in read_path(f, "page").articles]
    texts = [t for a in articles for t in (a.title, a.summary or "", a.body or "")] + EDGES
    out = []
    for text in texts:
        out += [s for s in finance.SENTENCE_BREAK.split(text) if s.strip()]
    return out + EDGES


def test_token_tree_finds_the_longest_term(sentences: list[str]) -> None:
    lex = load_lexicon()
    terms = [list(key) for key in lex.entries]
    token_lists = [tokenize(s) for s in sentences] + terms + [[*a, *b] for a, b in zip(terms, terms[1:], strict=False)]
    checked = 0
    for tokens in token_lists:
        for i in range(len(tokens)):
            assert lex.match(tokens, i) == reference_match(lex, tokens, i), (tokens, i)
            checked += 1
    assert checked > 10_000


def test_term_finder_is_the_token_loop(sentences: list[str]) -> None:
    lex = load_lexicon()
    for sentence in sentences:
        tokens = tokenize(sentence)
        assert finance._matches(tokens, lex) == reference_matches(tokens, lex), sentence


def test_phrase_matcher_is_every_occurrence_checked(sentences: list[str]) -> None:
    rng = random.Random(7)
    pieces = list("abcxyz0123456789 .,;:-'’$&%()/\n_") + ["İ", "ß", "ﬁ", "é", "\u00a0", "²", "Σ"]
    for matcher in (topic_matcher(), market_matcher(), impact._magnitude_matcher()):
        phrases = matcher.phrases()
        keys = sorted({key for key, _p in phrases})
        reference = ReferenceMatcher(phrases)
        texts = list(sentences)
        for _ in range(600):
            words = [rng.choice(keys) if rng.random() < 0.6 else "".join(rng.choices(pieces, k=3)) for _ in range(8)]
            joiner = "" if rng.random() < 0.5 else " "
            texts.append(joiner.join(w.upper() if rng.random() < 0.2 else w for w in words))
        for text in texts:
            assert list(matcher.find(text)) == reference.find(text), text


def test_phrase_matcher_edges() -> None:
    matcher = PhraseMatcher([("oil", 1), ("oil price", 2), ("u.s.", 3), ("$", 4), ("s&p 500", 5)])
    text = "Toil: U.S. oil prices, the oil price and S&P 500 at $5"
    hits = [(text[s:e], key, payloads) for s, e, key, payloads in matcher.find(text)]
    assert hits == [
        ("U.S.", "u.s.", [3]),
        ("oil", "oil", [1]),
        ("oil price", "oil price", [2]),
        ("S&P 500", "s&p 500", [5]),
        ("$", "$", [4]),
    ]
    assert list(PhraseMatcher([]).find(text)) == []
    assert list(matcher.find("")) == []


def test_phrase_matcher_keys_alike_but_for_their_punctuation() -> None:
    # phrases the gapped scan reads alike ("s&p", "s p", "s-p"; "-x" and "x") and ones that open or
    # close on punctuation, against the plain way on random texts of their pieces
    phrases = [("s&p", 1), ("s p", 2), ("s-p", 3), ("-x", 4), ("x", 5), ("yum!", 6), ("x-", 7), ("$x", 8), ("s&p x", 9)]
    matcher, reference = PhraseMatcher(phrases), ReferenceMatcher(phrases)
    rng = random.Random(11)
    pieces = ["s", "p", "x", "yum", "&", " ", "-", "!", "$", "a", "\n", "İ", "é"]
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randrange(1, 14)))
        text = text.upper() if rng.random() < 0.2 else text
        assert list(matcher.find(text)) == reference.find(text), text


def test_sentence_breaks_as_the_plain_pattern() -> None:
    # sentence_scores finds SENTENCE_BREAK's matches with a pattern the scan skips through faster
    rng = random.Random(5)
    pieces = list("ab.!?\n \t\r\x0b\x0c") + ["\u00a0", "\u2028", "\u3000", "\x85", "xy", ". ", "\n\n"]
    for _ in range(20000):
        text = "".join(rng.choices(pieces, k=rng.randrange(0, 16)))
        fast = [(m.start(1) if m.start(1) >= 0 else m.start(), m.end()) for m in finance._BREAK_AFTER.finditer(text)]
        assert fast == [m.span() for m in finance.SENTENCE_BREAK.finditer(text)], text
