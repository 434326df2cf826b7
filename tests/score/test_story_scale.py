"""The story step at scale (issue 24): the cheap signatures and band tables give datasketch's own
signatures and candidates, and the ways ingest feeds the index (the window kept across chunks, the
window read back, a rebuild, scoring workers) give the same stories."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from newsdesk.db import schema, writes
from newsdesk.db import stories as db_stories
from newsdesk.domain.models import Article
from newsdesk.flows import ingest as pipeline
from newsdesk.score import story_lsh
from newsdesk.score.pipeline import score_article
from newsdesk.score.stories import StoryIndex, _Story, counted, words
from newsdesk.score.story_lsh import Bands, Signer

EVENTS = [
    "EBay rejects Icahn board nominees, asks investors to do same",
    "Apple to buy Beats Electronics for $3 billion",
    "Bank of England holds rates at record low",
    "Toyota recalls 6.4 million vehicles over airbag and steering faults",
    "Pfizer makes new offer for AstraZeneca worth 63 billion pounds",
    "Amazon unveils Fire phone with 3D screen",
    "GM names Mary Barra chief executive",
    "Google unveils smart contact lens for diabetics",
]
START = datetime(2026, 6, 1, 8, tzinfo=UTC)
REWORDS = ["{}", "UPDATE 1-{}", "{} - sources", "Exclusive: {}", "{}, shares move"]


def headlines(n: int, seed: int = 3) -> list[tuple[str, str, int]]:
    """``(title, outlet, minute)`` of ``n`` headlines: the events above reworded by outlets, a few
    minutes apart, with a word dropped now and then (so that stories are near, not exact, copies)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        event = EVENTS[rng.randrange(len(EVENTS))].split()
        if rng.random() < 0.5:
            del event[rng.randrange(1, len(event))]
        title = rng.choice(REWORDS).format(" ".join(event)) + f" ({rng.choice(['AP', 'wire', 'desk'])})"
        out.append((title, f"Outlet {i % 7}", 3 * i))
    return out


# ------------------------------------------------------------------ signatures and bands (pure)

TITLE_SETS = [
    ["fed", "plosser", "taper", "weather"],
    ["apple", "beat", "3", "billion", "apple"],  # a repeated word counts once, as in a set
    ["café", "naïve", "zürich"],  # non-ASCII words hash as their UTF-8 bytes
    ["one"],
    [],
]


@pytest.mark.parametrize("words_", TITLE_SETS)
@pytest.mark.parametrize("num_perm", [64, 32])
def test_signature_is_datasketchs_minhash(words_: list[str], num_perm: int) -> None:
    want = MinHash(num_perm=num_perm, seed=1)
    want.update_batch([w.encode("utf-8") for w in words_])
    assert np.array_equal(Signer(num_perm).signature(words_), want.hashvalues)


@pytest.mark.parametrize("num_perm", [64, 32, 128])
@pytest.mark.parametrize("seed", [1, 7])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    want = MinHash(num_perm=num_perm, seed=seed)
    got = Signer(num_perm, seed)
    assert got.scheme == want.scheme
    assert got.permutations.dtype == want.permutations.dtype
    assert np.array_equal(got.permutations, want.permutations)
    assert np.array_equal(got.empty, want.hashvalues)  # the signature of no words


@pytest.mark.parametrize("setting", sorted(story_lsh.BANDS_AND_ROWS))
def test_kept_bands_and_rows_are_datasketchs(setting: tuple[float, int]) -> None:
    lsh = MinHashLSH(threshold=setting[0], num_perm=setting[1])
    assert story_lsh.BANDS_AND_ROWS[setting] == (lsh.b, lsh.r)


def test_the_story_step_does_not_import_datasketch() -> None:
    """Importing datasketch imports SciPy (~0.35 s of CPU): an ingest process that assigns stories
    with the desk's settings never pays it."""
    code = (
        "import sys\n"
        "from newsdesk.score.stories import cluster\n"
        "got = cluster([('a', 'Apple to buy Beats for $3 billion', 0.0),\n"
        "               ('b', 'Apple buys Beats for $3 billion', 60.0)])\n"
        "assert got == {'a': 'a', 'b': 'a'}, got\n"
        "assert 'datasketch' not in sys.modules and 'scipy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_words_hashed_ahead_in_one_step_give_the_same_signatures() -> None:
    ahead, one_by_one = Signer(64), Signer(64)
    titles = [words(t) for t, _, _ in headlines(60)]
    ahead.learn([w for title in titles for w in title])
    for title in titles:
        assert np.array_equal(ahead.signature(title), one_by_one.signature(title))


def test_signatures_stay_equal_when_the_word_cache_starts_again(monkeypatch) -> None:
    monkeypatch.setattr(story_lsh, "MAX_WORDS", 12)
    signer = Signer(64)
    for title, _, _ in headlines(40):
        got = signer.signature(words(title))
        want = MinHash(num_perm=64, seed=1)
        want.update_batch([w.encode("utf-8") for w in words(title)])
        assert np.array_equal(got, want.hashvalues), title
    assert len(signer.rows) <= 12 + len(max((words(t) for t, _, _ in headlines(40)), key=len))


def test_signatures_of_many_titles_in_one_step_are_datasketchs(monkeypatch) -> None:
    titles = [words(t) for t, _, _ in headlines(80)] + [["one"], ["café", "naïve", "café"]]
    for cap in (story_lsh.MAX_WORDS, 12):  # also when the word cache must start again
        monkeypatch.setattr(story_lsh, "MAX_WORDS", cap)
        got = Signer(64).signatures(titles)
        for row, title in zip(got, titles, strict=True):
            want = MinHash(num_perm=64, seed=1)
            want.update_batch([w.encode("utf-8") for w in title])
            assert np.array_equal(row, want.hashvalues), title


def test_band_keys_of_many_signatures_are_each_ones_keys() -> None:
    signer, bands = Signer(64), Bands(0.2, 64)
    titles = [words(t) for t, _, _ in headlines(50)]
    signatures = signer.signatures(titles)
    assert bands.keys_of(signatures) == [bands.keys(sig) for sig in signatures]
    # distinct bands give distinct keys and equal bands equal keys (the integer map is one-to-one)
    raw = [bytes(sig[: bands.b * bands.r]) for sig in signatures]
    for a, ka, ra in zip(titles, bands.keys_of(signatures), raw, strict=True):
        for b, kb, rb in zip(titles, bands.keys_of(signatures), raw, strict=True):
            for n in range(bands.b):
                width = bands.r * 4
                assert (ka[n] == kb[n]) == (ra[n * width : (n + 1) * width] == rb[n * width : (n + 1) * width]), (a, b)


@pytest.mark.parametrize("threshold", [0.2, 0.5])
@pytest.mark.parametrize("sweep", [4096, 7])
def test_bands_find_the_candidates_of_datasketchs_lsh(threshold: float, sweep: int, monkeypatch) -> None:
    monkeypatch.setattr(story_lsh, "SWEEP", sweep)  # 7: empty buckets swept out many times on the way
    signer, bands = Signer(64), Bands(threshold, 64)
    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    assert (bands.b, bands.r) == (lsh.b, lsh.r)
    window: list[str] = []
    for n, (title, _, _) in enumerate(headlines(300)):
        key, sig = f"a{n}", signer.signature(words(title))
        minhash = MinHash(num_perm=64, seed=1)
        minhash.update_batch([w.encode("utf-8") for w in words(title)])
        assert bands.query(sig) == set(lsh.query(minhash)), title
        bands.insert(key, sig)
        lsh.insert(key, minhash)
        window.append(key)
        if len(window) > 50:  # a sliding window: removals leave no trace
            old = window.pop(0)
            bands.remove(old)
            lsh.remove(old)
    assert len(bands) == 50 and all(k in bands for k in window)


@pytest.mark.parametrize("seed", [3, 4])
def test_skipping_stories_that_cannot_win_picks_what_scoring_them_all_picks(seed: int) -> None:
    """``assign`` skips candidate stories by an upper bound on their margin; ``best_story`` scores
    every candidate. Over 30 hours (so stories also go quiet), they pick the same story each time."""
    index, start = StoryIndex(), START.timestamp()
    joined = 0
    for n, (title, _, minute) in enumerate(headlines(600, seed)):
        at = start + 60.0 * minute
        want, _ = index.best_story(title, at)
        got = index.assign(f"a{n}", title, at)
        assert got == (want or f"a{n}"), title
        joined += want is not None
    assert joined > 300


def test_feeding_a_batch_gives_the_stories_of_seeding_and_assigning_one_by_one() -> None:
    rows = headlines(400, seed=5)
    start = START.timestamp()
    items = [(f"a{n}", title, start + 60.0 * minute) for n, (title, _, minute) in enumerate(rows)]
    items += [("e1", "", start + 5.0), ("e2", "Apple", start + 6.0)]  # no words; one word
    items.sort(key=lambda t: (t[2], t[0]))
    known = {key: f"s{n % 9}" for n, (key, _, _) in enumerate(items[:150])}  # stored earlier: seeded
    one, batch = StoryIndex(), StoryIndex()
    want = {}
    for key, title, at in items:
        if key in known:
            one.seed(key, title, at, known[key])
        else:
            want[key] = one.assign(key, title, at)
    got: dict[str, str] = {}
    for n in range(0, len(items), 60):
        got.update(batch.feed((key, title, at, known.get(key), ()) for key, title, at in items[n : n + 60]))
    assert got == want
    assert len(set(got.values())) < len(got) / 2  # articles do join stories, across batches


def test_counted_words_are_counters_of_the_words() -> None:
    titles = [t for t, _, _ in headlines(60)] + ["Apple, Apple and apple's Apples", "", "a an the", "Fed Fed"]
    for title in titles:
        assert list(counted(title).items()) == list(Counter(words(title)).items()), title


def test_a_story_of_one_member_grows_and_shrinks_as_one_built_member_by_member() -> None:
    """``_Story.of`` leaves a one-member story's centroid and peak weights to be made when a second
    member joins: the same floats as adding each member to an empty story, in and out."""
    index = StoryIndex()
    vectors = []
    for n, (title, _, minute) in enumerate(headlines(40)):
        index.assign(f"a{n}", title, START.timestamp() + 60.0 * minute)
        vectors.append(index.members[f"a{n}"].vector)
    for first in range(0, 30, 3):
        lazy, eager = _Story.of(vectors[first]), _Story()
        eager.add(vectors[first])
        assert lazy.norm2 == eager.norm2 and lazy.size == eager.size == 1
        assert lazy.cosine(vectors[first + 1]) == eager.cosine(vectors[first + 1])
        for sign, vector in [(1.0, vectors[first + 1]), (1.0, vectors[first + 2]), (-1.0, vectors[first])]:
            lazy.add(vector, sign)
            eager.add(vector, sign)
            got, want = (
                (lazy.centroid, lazy.peak, lazy.norm2, lazy.size),
                (eager.centroid, eager.peak, eager.norm2, eager.size),
            )
            assert got == want
            assert lazy.cosine(vectors[-1]) == eager.cosine(vectors[-1])


# ------------------------------------------------------------------ through the write path


def _articles(rows: list[tuple[str, str, int]]) -> list[Article]:
    return [
        Article(
            title=title,
            source=source,
            url=f"https://outlet{n}.example/{n}",
            published_at=(START + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for n, (title, source, minute) in enumerate(rows)
    ]


def _stories(db) -> dict[str, str]:
    return dict(db.execute("SELECT url, story_id FROM articles").fetchall())


def test_window_kept_across_chunks_gives_the_stories_of_reading_it_back(tmp_path: Path) -> None:
    scored = [score_article(a) for a in _articles(headlines(120))]
    results = []
    for mode in ("kept", "read back"):
        db = schema.connect(tmp_path / f"{mode}.db")
        db_stories.forget(db.conn)
        for n in range(0, len(scored), 15):
            if mode == "read back":
                db_stories.forget(db.conn)  # as a new process would: the window is read from the database
            writes.write_batch(db, scored[n : n + 15], [], "test")
        results.append(_stories(db))
        db.close()
    kept, read_back = results
    assert kept == read_back
    assert len(set(kept.values())) < len(kept) / 3  # the stories do span chunks
    db = schema.connect(tmp_path / "kept.db")
    writes.rebuild_stories(db)  # and from scratch, in one pass
    assert _stories(db) == kept
    db.close()


def test_stories_are_the_same_with_scoring_workers(tmp_path: Path) -> None:
    path = tmp_path / "headlines.csv"
    rows = headlines(1_100)  # two chunks of the file reader
    lines = ["title,date,source,url"]
    for n, a in enumerate(_articles(rows)):
        lines.append(f"\"{a.title}\",{a.published_at},{a.source},https://outlet{n}.example/{n}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = []
    for jobs in (1, 2):
        db = schema.connect(tmp_path / f"j{jobs}.db")
        db_stories.forget(db.conn)
        pipeline.ingest_paths(db, [path], jobs=jobs)
        got.append(_stories(db))
        db.close()
    assert got[0] == got[1]
    assert len(set(got[0].values())) < len(got[0]) / 5  # (exact copies of a headline are merged at ingest)
