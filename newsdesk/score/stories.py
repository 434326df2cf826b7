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
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and datasketch (and its scipy) load only when stories are made, not on every page start
    import numpy as np

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


def words(text: str) -> list[str]:
    """The content words of ``text``: lower case, no stop words, possessives and plurals folded."""
    out = []
    for w in WORD.findall((text or "").lower()):
        w = w.removesuffix("'s").replace("'", "")
        if w.endswith("s") and len(w) > 3 and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        if len(w) > 1 and w not in STOPWORDS:
            out.append(w)
    return out


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


@dataclass
class _Member:
    story: str
    at: float
    vector: dict[str, float] = field(default_factory=dict)
    companies: frozenset[str] = frozenset()


@dataclass
class _Story:
    centroid: dict[str, float] = field(default_factory=dict)
    # each word's largest weight in a member, kept on eviction: every weight is >= 0, so no member's
    # dot product with a vector exceeds the vector's dot product with these (an upper bound)
    peak: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    size: int = 0
    last: float = float("-inf")

    def add(self, vector: dict[str, float], sign: float = 1.0) -> None:
        c = self.centroid
        get = c.get
        dot = squares = 0.0  # plain loops, summed in the order sum() would (the hot path of ingest)
        for w, v in vector.items():
            dot += v * get(w, 0.0)
        for v in vector.values():
            squares += v * v
        self.norm2 = max(self.norm2 + 2.0 * sign * dot + squares, 0.0)
        for w, v in vector.items():
            c[w] = get(w, 0.0) + sign * v
        if sign > 0:
            peak = self.peak
            for w, v in vector.items():
                if v > peak.get(w, 0.0):
                    peak[w] = v
        self.size += int(sign)

    def cosine(self, vector: dict[str, float]) -> float:
        if self.norm2 <= 0.0:
            return 0.0
        get = self.centroid.get
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

    # -------------------------------------------------------------- the window

    def _evict(self, now: float) -> None:
        horizon = now - self.config.window_hours * 3600.0
        while self.order and self.order[0][0] < horizon:
            _, key = self.order.popleft()
            self.story_of.pop(key, None)
            member = self.members.pop(key, None)
            if member is None:
                continue
            self.lsh.remove(key)
            df = self.df
            for w in member.vector:
                if df[w] == 1:
                    del df[w]
                else:
                    df[w] -= 1
            story = self.stories[member.story]
            story.add(member.vector, -1.0)
            if story.size <= 0:
                del self.stories[member.story]

    def _add(
        self,
        key: str,
        story: str,
        at: float,
        counts: Counter,
        signature: np.ndarray | None = None,
        companies: frozenset[str] = frozenset(),
    ) -> None:
        self.story_of[key] = story
        self.order.append((at, key))
        self.latest = max(self.latest, at)
        if not counts:
            return
        df = self.df
        for w in counts:
            df[w] = df.get(w, 0) + 1
        vector = self._vector(counts)
        self.members[key] = _Member(story, at, vector, companies)
        entry = self.stories.setdefault(story, _Story())
        entry.add(vector)
        entry.last = max(entry.last, at)
        self.lsh.insert(key, self.signer.signature(list(counts)) if signature is None else signature)

    # -------------------------------------------------------------- scoring

    def _vector(self, counts: Counter) -> dict[str, float]:
        n, get, log = len(self.members) + 2, self.df.get, math.log
        vec = {w: c * (log(n / (get(w, 0) + 1)) + 1.0) for w, c in counts.items()}
        squares = 0.0  # summed as sum() would
        for v in vec.values():
            squares += v * v
        norm = math.sqrt(squares) or 1.0
        return {w: v / norm for w, v in vec.items()}

    def _best(
        self, counts: Counter, at: float, companies: frozenset[str] = frozenset(), full: bool = False
    ) -> tuple[str | None, float, np.ndarray | None]:
        """The story to join (or None), its score and the title's signature. ``full``: score every
        candidate (the score is then exact); else stories that cannot win are skipped."""
        self._evict(at)
        if len(counts) < self.config.min_words:
            return None, 0.0, None
        signature = self.signer.signature(list(counts))
        vec = self._vector(counts)
        groups: Groups = {}
        members = self.members
        for key in self.lsh.query(signature):
            member = members[key]
            if companies and member.companies and companies.isdisjoint(member.companies):
                continue  # both name companies, and none in common: another event
            group = groups.get(member.story)
            if group is None:
                groups[member.story] = [member.vector]
            else:
                group.append(member.vector)
        if full:
            return (*self._best_of_all(vec, groups, at), signature)
        return (*self._best_bounded(vec, groups, at), signature)

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

    def _best_bounded(self, vec: dict[str, float], groups: Groups, at: float) -> tuple[str | None, float]:
        """The story :meth:`_best_of_all` picks, found with less work: stories are taken by an upper
        bound on their margin (from ``_Story.peak``; float rounding keeps it an upper bound), a story
        whose bound cannot reach the best margin so far is skipped, and a story's members are read
        only until its margin beats every bound left. The score returned is then a lower bound."""
        items = list(vec.items())
        config, quiet = self.config, at - self.config.quiet_hours * 3600.0
        ceiling = 1.0 + 1e-9  # a cosine of unit vectors (float rounding can pass 1 by an ulp)
        ranked = []
        for story, group in groups.items():
            entry = self.stories[story]
            peak, centroid = entry.peak.get, entry.centroid.get
            bound = dot = 0.0  # _Story.bound and the dot product of _Story.cosine, in one pass
            for w, v in items:
                bound += v * peak(w, 0.0)
                dot += v * centroid(w, 0.0)
            bound = min(bound, ceiling)
            if entry.last >= quiet:
                cosine = dot / math.sqrt(entry.norm2) if entry.norm2 > 0.0 else 0.0
                floor, threshold = config.centroid_weight * cosine, config.join
            else:
                floor, threshold = float("-inf"), config.follow_join
            ranked.append((max(bound, floor) - threshold, story, group, floor, threshold))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        best, best_score, best_margin = None, 0.0, 0.0  # a story is joined at a margin >= 0
        for n, (top, story, group, floor, threshold) in enumerate(ranked):
            if top < best_margin:
                break  # neither this story nor any after it can reach the best margin
            rest = ranked[n + 1][0] if n + 1 < len(ranked) else float("-inf")
            nearest = -1.0
            for vector in group:
                get = vector.get
                sim = 0.0  # summed as _best_of_all sums it
                for w, v in items:
                    sim += v * get(w, 0.0)
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
        story, score, _ = self._best(Counter(words(text)), at, full=True)
        return story, score

    # -------------------------------------------------------------- the public steps

    def prepare(self, texts: Iterable[str]) -> None:
        """Hash the words of many titles at once (the window read back and a batch) before they are
        seeded or assigned one by one: the same signatures, computed in fewer steps."""
        self.signer.learn([w for text in texts for w in words(text)])

    def seed(self, article_id: str, text: str, at: float, story_id: str, companies: Iterable[str] = ()) -> None:
        """Put an article whose story is already known (stored earlier) into the window."""
        if article_id in self.story_of:
            return
        self._evict(at)
        self._add(article_id, story_id, at, Counter(words(text)), companies=frozenset(companies))

    def assign(self, article_id: str, text: str, at: float, companies: Iterable[str] = ()) -> str:
        """The story of a new article (its own id when it opens one); an article already seen keeps
        its story. Call in publish-time order. ``companies`` (tickers; none when unknown): an article
        never joins through a member that names companies none of which it names."""
        if article_id in self.story_of:
            return self.story_of[article_id]
        counts, named = Counter(words(text)), frozenset(companies)
        story, _, signature = self._best(counts, at, named)
        story = story or article_id
        self._add(article_id, story, at, counts, signature, named)
        return story


def cluster(items: list[tuple], config: StoryConfig = DEFAULT) -> dict[str, str]:
    """``{article id: story id}`` of ``(id, title, epoch seconds)`` or ``(id, title, epoch seconds,
    companies)`` items, taken in time order (ties by id), so the same items always give the same
    stories."""
    index = StoryIndex(config)
    return {
        item[0]: index.assign(item[0], item[1], item[2], item[3] if len(item) > 3 else ())
        for item in sorted(items, key=lambda t: (t[2], t[0]))
    }
