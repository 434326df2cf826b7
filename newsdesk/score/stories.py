"""Story clusters: which articles tell the same story (pure; no SQL, no streamlit).

A :class:`StoryIndex` takes articles in publish-time order and gives each a story id: the id of the
story it joins, or its own id when it opens a new story. Candidates come from MinHash LSH over the
title words (datasketch's signatures and bands, kept cheaply by :mod:`newsdesk.score.story_lsh`;
so one assignment costs O(candidates), never a scan); each candidate
story is then scored by the TF-IDF cosine of the title with the story's nearest member (document
frequencies counted over the articles of the open window). A member older than the quiet window
leaves the index after ``follow_hours``; a story no one reported on for ``quiet_hours`` takes only a
close rewording of one of its articles (a late follow-up) until then, and is closed after.

Assignment is keyed by article id: an article already in the index keeps its story.
"""

from __future__ import annotations

import math
import re
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter, truediv

WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our out over own same she should so some such than that the their
    them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your says say said new update via report
    reports amp""".split()
)


FOLDED: dict[str, str] = {}  # each token seen and its content word ("" for none): titles repeat their words
MAX_FOLDED = 100_000  # tokens kept; past this the cache starts again


def words(text: str) -> list[str]:
    """The content words of ``text``: lower case, no stop words, possessives and plurals folded."""
    tokens = WORD.findall((text or "").lower())
    got = list(map(FOLDED.get, tokens))
    if None in got:
        if len(FOLDED) > MAX_FOLDED:
            FOLDED.clear()
        for n, w in enumerate(got):
            if w is None:
                got[n] = FOLDED[tokens[n]] = fold(tokens[n])
    return list(filter(None, got))  # (a token without a content word folds to "")


Counts = dict[str, int]  # a title's content words and how often each occurs, in order of first occurrence


def counted(text: str) -> Counts:
    """``Counter(words(text))`` as a plain dict (the same keys, order and counts), made without
    counting when no word repeats (most titles)."""
    ws = words(text)
    counts = dict.fromkeys(ws, 1)
    return counts if len(counts) == len(ws) else dict(Counter(ws))


def fold(token: str) -> str:
    """The content word of one token ("" when it is none: a stop word or a single character)."""
    w = token.removesuffix("'s").replace("'", "")
    if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w if len(w) > 1 and w not in STOPWORDS else ""


@dataclass(frozen=True)
class StoryConfig:
    """How stories are cut: the quiet window, the join threshold and the LSH parameters."""

    quiet_hours: float = 12.0  # a story with no new article for this long takes ordinary matches no more
    follow_hours: float = 12.0  # ... a close rewording may still join until this (off: on UCI it cost precision)
    follow_join: float = 0.8  # the nearest-member cosine such a late follow-up needs
    join: float = 0.35  # TF-IDF cosine with a story's nearest member (or centroid) needed to join it
    lsh_threshold: float = 0.2
    num_perm: int = 64
    min_words: int = 2  # a title with fewer content words opens its own story
    centroid_weight: float = 0.8  # a story's centroid cosine counts this much beside its nearest member


    @property
    def window_hours(self) -> float:
        """How long an article stays in the index."""
        return max(self.quiet_hours, self.follow_hours)


DEFAULT = StoryConfig()
Groups = dict[str, list[dict[str, float]]]  # candidate stories and their candidate members' vectors
STORY = attrgetter("story")
LATER: dict[str, float] = {}  # the centroid and peak weights of a story of one member: made when a second joins


@dataclass(slots=True)
class _Member:
    story: str
    at: float
    vector: dict[str, float] = field(default_factory=dict)
    companies: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Story:
    centroid: dict[str, float] = field(default_factory=dict)
    # each word's largest weight in a member, kept on eviction: every weight is >= 0, so no member's
    # dot product with a vector exceeds the vector's dot product with these (an upper bound)
    peak: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    size: int = 0
    last: float = float("-inf")
    # the vector of the story's one member while it has had no other (then its centroid and peak
    # weights equal that vector's, so one dot product gives the bound, the centroid's and the member's)
    only: dict[str, float] | None = None

    @classmethod
    def of(cls, vector: dict[str, float]) -> _Story:
        """A story of one member: what ``_Story().add(vector)`` makes, without its arithmetic on an
        empty centroid (0.0 + v is v; the dot product with nothing is 0.0, so norm2 is the squares).
        Its centroid and peak weights are the member's (``only``): they are made when another
        member joins (:meth:`add`); most stories of a window never get one."""
        squares = 0.0  # summed as add() sums it
        for v in vector.values():
            squares += v * v
        return cls(LATER, LATER, max(0.0 + 2.0 * 0.0 + squares, 0.0), 1, only=vector)

    def _spread(self, only: dict[str, float]) -> None:
        """The centroid and peak weights of the story of one member ``only`` (see :meth:`of`)."""
        items = only.items()
        self.centroid = {w: 0.0 + v for w, v in items}
        self.peak = {w: v for w, v in items if v > 0.0}
        self.only = None

    def add(self, vector: dict[str, float], sign: float = 1.0) -> None:
        """Add ``vector`` to the story (``sign`` 1.0), or take it out (-1.0)."""
        if self.only is not None:
            self._spread(self.only)
        c = self.centroid
        get = c.get
        # one plain loop (the hot path of ingest), each sum in the order sum() would on Python 3.11 (3.12's
        # sum() of floats is compensated, so not used: the floats would change with the version); a
        # word's weight is read before it is updated (each word once: vectors are dicts)
        dot = squares = 0.0
        if sign > 0:
            peak = self.peak
            top = peak.get
            for w, v in vector.items():
                had = get(w, 0.0)
                dot += v * had
                squares += v * v
                c[w] = had + sign * v
                if v > top(w, 0.0):
                    peak[w] = v
        else:
            for w, v in vector.items():
                had = get(w, 0.0)
                dot += v * had
                squares += v * v
                c[w] = had + sign * v
        self.norm2 = max(self.norm2 + 2.0 * sign * dot + squares, 0.0)
        self.size += int(sign)

    def cosine(self, vector: dict[str, float]) -> float:
        if self.norm2 <= 0.0:
            return 0.0
        get = (self.centroid if self.only is None else self.only).get  # one member: its vector is the centroid
        dot = 0.0
        for w, v in vector.items():
            dot += v * get(w, 0.0)
        return dot / math.sqrt(self.norm2)


class StoryIndex:
    """The open stories of a stream of articles, fed in publish order (see the module docstring)."""

    def __init__(self, config: StoryConfig = DEFAULT) -> None:
        from newsdesk.score.story_lsh import Bands, Signer

        self.config = config
        self.lsh = Bands(config.lsh_threshold, config.num_perm)
        self.signer = Signer(config.num_perm, seed=1)
        self.members: dict[str, _Member] = {}
        self.stories: dict[str, _Story] = {}
        self.order: deque[tuple[float, str]] = deque()
        self.df: dict[str, int] = {}  # the window's document frequencies (no zero counts kept)
        self.story_of: dict[str, str] = {}  # the articles in the window and their stories
        self.latest = float("-inf")  # the latest publish time fed in
        self.span = config.window_hours * 3600.0  # seconds an article stays in the index

    # -------------------------------------------------------------- the window

    def _evict(self, now: float) -> None:
        horizon = now - self.span
        while self.order and self.order[0][0] < horizon:
            _, key = self.order.popleft()
            self.story_of.pop(key, None)
            member = self.members.pop(key, None)
            if member is None:
                continue
            self.lsh.remove(key)
            df = self.df
            for w in member.vector:
                n = df[w]
                if n == 1:
                    del df[w]
                else:
                    df[w] = n - 1
            story = self.stories[member.story]
            if story.size <= 1:  # its last member: the story goes (taking the vector out would be lost work)
                del self.stories[member.story]
            else:
                story.add(member.vector, -1.0)

    def _add(
        self,
        key: str,
        story: str,
        at: float,
        counts: Counts,
        bands: list | None = None,
        companies: frozenset[str] = frozenset(),
        dfs: list[int] | None = None,
    ) -> None:
        """``dfs``: the document frequencies of the words of ``counts`` before this article, when
        known (:meth:`_best` read them)."""
        self.story_of[key] = story
        self.order.append((at, key))
        if at > self.latest:
            self.latest = at
        if not counts:
            return
        df = self.df
        if dfs is None:
            dfs = list(map(df.get, counts, repeat(0)))
        df.update(zip(counts, [d + 1 for d in dfs], strict=True))
        vector = self._weights(counts, dfs, 2)  # with this article counted
        self.members[key] = _Member(story, at, vector, companies)
        entry = self.stories.get(story)
        if entry is None:
            entry = self.stories[story] = _Story.of(vector)
        else:
            entry.add(vector)
        if at > entry.last:
            entry.last = at
        self.lsh.insert_bands(key, self._bands(counts) if bands is None else bands)

    # -------------------------------------------------------------- scoring

    def _bands(self, counts: Counts) -> list:
        """The LSH band keys of one title's words (see :meth:`_prepare` for many)."""
        return self.lsh.keys(self.signer.signature(list(counts)))

    def _prepare(self, texts: list[str]) -> list[tuple[Counts, list | None]]:
        """Each title's word counts and band keys (None when it has no words): the words read once,
        and the signatures and band keys of all the titles made in one numpy step each."""
        counts = list(map(counted, texts))
        titled = [c for c in counts if c]
        keys = iter(self.lsh.keys_of(self.signer.signatures(titled)) if titled else ())
        return [(c, next(keys) if c else None) for c in counts]

    def _weights(self, counts: Counts, dfs: list[int], shift: int) -> dict[str, float]:
        """The unit TF-IDF vector of ``counts`` whose words are in ``dfs[i] + shift - 1`` articles of
        the window (``dfs``: the window's counts; ``shift`` 1 before the article joins, 2 after)."""
        n, log = len(self.members) + 2, math.log
        vs = [c * (log(n / (d + shift)) + 1.0) for c, d in zip(counts.values(), dfs, strict=True)]
        squares = 0.0  # summed as sum() would on 3.11
        for v in vs:
            squares += v * v
        norm = math.sqrt(squares) or 1.0
        return dict(zip(counts, map(truediv, vs, repeat(norm)), strict=True))  # v / norm each

    def _best(
        self,
        counts: Counts,
        at: float,
        companies: frozenset[str] = frozenset(),
        full: bool = False,
        bands: list | None = None,
    ) -> tuple[str | None, float, list | None, list[int] | None]:
        """The story to join (or None), its score, the title's band keys (``bands`` when given) and
        its words' document frequencies in the window (None for a title too short to join).
        ``full``: score every candidate (the score is then exact); else stories that cannot win are
        skipped."""
        self._evict(at)
        if len(counts) < self.config.min_words:
            return None, 0.0, bands, None
        if bands is None:
            bands = self._bands(counts)
        dfs = list(map(self.df.get, counts, repeat(0)))
        vec = self._weights(counts, dfs, 1)
        found = list(map(self.members.__getitem__, self.lsh.query_bands(bands)))
        if companies:  # a member that names companies, none of them the title's: another event
            found = [m for m in found if not (m.companies and companies.isdisjoint(m.companies))]
        if full:
            groups: Groups = {}
            for member in found:
                groups.setdefault(member.story, []).append(member.vector)
            return (*self._best_of_all(vec, groups, at), bands, dfs)
        return (*self._best_bounded(vec, found, at), bands, dfs)

    def _best_of_all(self, vec: dict[str, float], groups: Groups, at: float) -> tuple[str | None, float]:
        """Every candidate story scored: its nearest candidate member (or centroid), the largest margin
        over its threshold wins (ties: the smallest story id)."""
        items = list(vec.items())
        scores: dict[str, float] = {}
        for story, group in groups.items():
            for vector in group:
                get = vector.get
                sim = 0.0  # the dot product, in a plain loop (this is the hot path of ingest)
                for w, v in items:
                    sim += v * get(w, 0.0)
                if sim > scores.get(story, -1.0):
                    scores[story] = sim
        quiet = at - self.config.quiet_hours * 3600.0
        best, best_score, best_margin = None, 0.0, float("-inf")
        for story in sorted(scores):
            entry = self.stories[story]
            if entry.last >= quiet:  # open: its nearest member or its centroid, against ``join``
                score = max(scores[story], self.config.centroid_weight * entry.cosine(vec))
                margin = score - self.config.join
            else:  # quiet: only a close rewording of one of its articles follows it up
                score = scores[story]
                margin = score - self.config.follow_join
            if margin > best_margin:
                best, best_score, best_margin = story, score, margin
        if best_margin < 0:
            return None, best_score
        return best, best_score

    def _best_bounded(self, vec: dict[str, float], found: list[_Member], at: float) -> tuple[str | None, float]:
        """The story :meth:`_best_of_all` picks among the stories of the candidate members ``found``,
        with less work: stories are taken by an upper bound on their margin (from ``_Story.peak``;
        float rounding keeps it an upper bound), a story whose bound cannot reach the best margin so
        far is skipped, and a story's members are read only until its margin beats every bound left
        (in any order: the story picked is the same). The score returned is then a lower bound.

        Each dot product runs over the title's words that the story (or member) has, in the title's
        order: a word it lacks adds v * 0.0 = +0.0 to the plain loop's sum, which leaves any sum but
        -0.0 as it is, and these sums never are -0.0 (they start at +0.0, and x + y is -0.0 only
        when both are). So the floats are those of the loops over every word in :meth:`_best_of_all`.
        ``_Story.peak`` has no word that ``_Story.centroid`` lacks (weights are > 0)."""
        title = list(vec)
        config, quiet = self.config, at - self.config.quiet_hours * 3600.0
        join, follow_join, weight = config.join, config.follow_join, config.centroid_weight
        ceiling = 1.0 + 1e-9  # a cosine of unit vectors (float rounding can pass 1 by an ulp)
        no_floor = float("-inf")
        stories = self.stories
        ranked: list[tuple[float, str, float, float, float | None]] = []
        for story in set(map(STORY, found)):
            entry = stories[story]
            only, known = entry.only, None
            if only is not None:  # one member (so the one found): bound, centroid and member alike
                known = 0.0  # summed as every dot product here
                for w in filter(only.__contains__, title):
                    known += vec[w] * only[w]
                if entry.last >= quiet:
                    cosine = known / math.sqrt(entry.norm2) if entry.norm2 > 0.0 else 0.0
                    floor, threshold = weight * cosine, join
                else:
                    floor, threshold = no_floor, follow_join
                ranked.append((threshold - max(min(known, ceiling), floor), story, floor, threshold, known))
                continue
            peak = entry.peak.get
            bound = 0.0  # the upper bound (see _Story.peak)
            centroid = entry.centroid
            if entry.last >= quiet:  # open: the centroid's cosine too (the dot product of _Story.cosine)
                dot = 0.0
                for w in filter(centroid.__contains__, title):
                    v = vec[w]
                    bound += v * peak(w, 0.0)
                    dot += v * centroid[w]
                cosine = dot / math.sqrt(entry.norm2) if entry.norm2 > 0.0 else 0.0
                floor, threshold = weight * cosine, join
            else:  # quiet: no centroid
                for w in filter(centroid.__contains__, title):
                    bound += vec[w] * peak(w, 0.0)
                floor, threshold = no_floor, follow_join
            bound = min(bound, ceiling)
            # the bound on the margin, negated (exactly: -(a - b) == b - a in floats), so that a plain
            # sort takes the largest bound first and ties by the smallest story id (ids are unique)
            ranked.append((threshold - max(bound, floor), story, floor, threshold, known))
        ranked.sort()
        last = len(ranked) - 1
        best, best_score, best_margin = None, 0.0, 0.0  # a story is joined at a margin >= 0
        for n, (neg_top, story, floor, threshold, known) in enumerate(ranked):
            top = -neg_top
            if top < best_margin:
                break  # neither this story nor any after it can reach the best margin
            rest = -ranked[n + 1][0] if n < last else no_floor
            nearest = -1.0 if known is None else known  # a one-member story's member: scored above
            unscored = [m.vector for m in found if m.story == story] if known is None else []
            for vector in unscored:
                sim = 0.0  # summed as _best_of_all sums it
                for w in filter(vector.__contains__, title):
                    sim += vec[w] * vector[w]
                if sim > nearest:
                    nearest = sim
                    if max(nearest, floor) - threshold > max(rest, best_margin):
                        break  # this story beats every story left already
            score = max(nearest, floor)
            margin = score - threshold
            if margin > best_margin or (margin == best_margin and (best is None or story < best)):
                best, best_score, best_margin = story, score, margin
                if margin > rest:
                    break
        return best, best_score

    def best_story(self, text: str, at: float) -> tuple[str | None, float]:
        """The open story that ``text`` (published at ``at``, epoch seconds) would join and the
        similarity, or ``(None, best similarity)`` when none reaches the join threshold."""
        story, score, _, _ = self._best(counted(text), at, full=True)
        return story, score

    # -------------------------------------------------------------- the public steps

    def feed(self, items: Iterable[tuple[str, str, float, str | None, Iterable[str]]]) -> dict[str, str]:
        """Seed and assign many articles in one pass, in the order given (publish-time order):
        ``(article id, title, epoch seconds, story id or None, companies)``; an article with a story
        id is seeded (:meth:`seed`), one with None assigned (:meth:`assign`). Returns ``{article id:
        story id}`` of the assigned ones. The same stories as seeding and assigning one by one; the
        titles' words are read once and their signatures made in one step."""
        items = list(items)
        out = {}
        prepared = self._prepare([item[1] for item in items])
        for (key, _, at, story, named), (counts, bands) in zip(items, prepared, strict=True):
            if story is not None:
                self._seed(key, at, story, counts, bands, frozenset(named))
            else:
                out[key] = self._assign(key, at, counts, bands, frozenset(named))
        return out

    def seed(self, article_id: str, text: str, at: float, story_id: str, companies: Iterable[str] = ()) -> None:
        """Put an article whose story is already known (stored earlier) into the window."""
        self._seed(article_id, at, story_id, counted(text), None, frozenset(companies))

    def _seed(
        self, article_id: str, at: float, story_id: str, counts: Counts, bands: list | None, named: frozenset[str]
    ) -> None:
        if article_id in self.story_of:
            return
        self._evict(at)
        self._add(article_id, story_id, at, counts, bands, named)

    def assign(self, article_id: str, text: str, at: float, companies: Iterable[str] = ()) -> str:
        """The story of a new article (its own id when it opens one); an article already seen keeps
        its story. Call in publish-time order. ``companies`` (tickers; none when unknown): an article
        never joins through a member that names companies none of which it names."""
        return self._assign(article_id, at, counted(text), None, frozenset(companies))

    def _assign(self, article_id: str, at: float, counts: Counts, bands: list | None, named: frozenset[str]) -> str:
        if article_id in self.story_of:
            return self.story_of[article_id]
        story, _, bands, dfs = self._best(counts, at, named, bands=bands)
        story = story or article_id
        self._add(article_id, story, at, counts, bands, named, dfs)
        return story


def cluster(items: list[tuple], config: StoryConfig = DEFAULT) -> dict[str, str]:
    """``{article id: story id}`` of ``(id, title, epoch seconds)`` or ``(id, title, epoch seconds,
    companies)`` items, taken in time order (ties by id), so the same items always give the same
    stories."""
    index = StoryIndex(config)
    return index.feed(
        (item[0], item[1], item[2], None, item[3] if len(item) > 3 else ())
        for item in sorted(items, key=lambda t: (t[2], t[0]))
    )
