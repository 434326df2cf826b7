"""A batch's duplicate look-ups read up front (``dedupe.StoredRows``, issue 27) give the rows, in the
order, that one query per record gives, and query again once a merge rewrote a stored article."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.db import dedupe, schema, writes
from newsdesk.domain.models import Article


def _article(i: int, day: int, source: str = "wire") -> Article:
    return Article(
        title=f"Steel output {'rises' if i % 2 else 'falls'} in quarter {i % 4}",
        source=source,
        url=f"https://{source}.example/{i % 5}" if i % 3 else None,
        published_at=f"2026-03-{day:02d}T{i % 24:02d}:00:00Z",
        summary=f"Output changed {i % 3} percent.",
    )


@pytest.mark.parametrize("changed", [False, True])
def test_stored_rows_answer_what_one_query_per_record_answers(tmp_path: Path, changed: bool) -> None:
    db = schema.connect(tmp_path / "d.db")
    writes.write_batch(db, [_article(i, 1 + i % 6, ("wire", "desk")[i % 2]) for i in range(40)], [], "first")
    batch = [_article(i, 1 + i % 8, ("wire", "desk", "post")[i % 3]) for i in range(60)]
    hashed = [(dedupe.assign_identity(a, "2026-03-20T00:00:00Z"), dedupe.text_hash(a)) for a in batch]
    stored = dedupe.StoredRows(db.conn, hashed)
    if changed:
        stored.changed()
    assert stored.stories and any(stored.by_title.values()) and any(stored.by_hash.values())
    conn = db.conn
    for a, chash in hashed:
        for candidate in dedupe.candidate_ids(a):
            assert stored.story(candidate) == conn.execute(dedupe.STORY_SQL, [candidate]).fetchone()
        lo, hi = dedupe.shift_hours(a.published_at, -48), dedupe.shift_hours(a.published_at, 48)
        key = dedupe.title_key(a.title)
        assert stored.same_title(key, lo, hi) == conn.execute(dedupe.TITLE_SQL, [key, lo, hi]).fetchall()
        assert stored.same_text(chash, lo, hi) == conn.execute(dedupe.HASH_SQL, [chash, lo, hi]).fetchall()
