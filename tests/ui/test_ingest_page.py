"""The Ingest page under AppTest on a seeded database: the read options are controls on the page,
the outcome of a real ingest is an error box when nothing was added, a warning on partial success,
and the rejections are grouped by reason with counts and three examples each; the same grouping in
the CLI. (A real upload in a browser: tests/ui/test_browser.py.)"""

from __future__ import annotations

import pytest

from components.cards import escape_md
from components.ingest_view import outcome_of, verdict
from newsdesk.db import schema
from newsdesk.domain.models import Problem
from newsdesk.domain.rejections import describe, group_problems, reason_pattern
from newsdesk.flows import ingest as pipeline
from newsdesk.ingest.options import ReadOptions
from tests.conftest import FIXTURES
from tests.flows.test_cli import run
from tests.seed import seed
from tests.ui.test_pages import open_page

BAD_ROWS = 2_800


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    path = seed(tmp_path / "seed.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def bad_dates_csv(rows: int = BAD_ROWS, good: int = 0) -> bytes:
    lines = ["title,date,source"]
    lines += [f"Fixture story number {n} about freight,{n} moons ago,Fixture Wire" for n in range(rows)]
    lines += [f"Fixture good story {n} about copper,2026-06-0{n + 1}T10:00:00Z,Fixture Wire" for n in range(good)]
    return ("\n".join(lines) + "\n").encode()


def ingest(path, uploads, options: ReadOptions | None = None) -> pipeline.IngestReport:
    db = schema.connect(path)
    try:
        return pipeline.ingest_uploads(db, uploads, options=options)
    finally:
        db.close()


def show(outcome: dict):
    at = open_page("pages/5_Ingest.py")
    at.session_state["nd_last_ingest"] = outcome
    return at.run()


def test_the_read_options_are_controls_on_the_page(seeded) -> None:
    at = open_page("pages/5_Ingest.py")
    assert not at.exception
    labels = {t.key: t.label for t in at.text_input}
    assert {"ingest_columns", "ingest_date_format", "ingest_source"} <= set(labels)
    assert at.radio(key="ingest_on_bad_date").options == [
        "Reject the record",
        "Keep it with an estimated date (flagged; not counted in daily totals)",
    ]
    assert at.selectbox(key="ingest_format").value == "auto"
    shown = " ".join(e.value for e in [*at.markdown, *at.caption, *at.info] if isinstance(e.value, str))
    assert "--" not in shown and "command line" not in shown.lower()


def test_an_all_rejected_upload_is_an_error_box_with_grouped_reasons(seeded) -> None:
    report = ingest(seeded, [("bad_dates.csv", bad_dates_csv())])
    assert (report.added, report.rejected, report.exit_code) == (0, BAD_ROWS, pipeline.EXIT_ALL_REJECTED)
    at = show(outcome_of(report))
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"0 added, 0 duplicates, {BAD_ROWS} rejected",
        f"{escape_md('bad_dates.csv')}: nothing added: every record was rejected ({BAD_ROWS:,}).",
    ]
    assert not at.success
    (groups,) = [t.value for t in at.table]
    assert len(groups) == 1  # one row, not 2,800
    assert list(groups.index) == [f"{BAD_ROWS:,}"]
    row = groups.iloc[0]
    assert row["Reason"].startswith("date '…' is not a recognised date")
    assert "'%d/%m/%Y %H:%M'" in row["Reason"]  # the hint every record shares is kept
    assert row["Examples"] == ", ".join(f"bad_dates.csv:{n + 2} '{n} moons ago'" for n in range(3))  # the values


def test_partial_success_is_a_warning_and_a_repeat_is_not_an_error(seeded) -> None:
    data = (FIXTURES / "jsonl" / "mixed.jsonl").read_bytes()
    first = outcome_of(ingest(seeded, [("mixed.jsonl", data)]))
    assert verdict(first) == "warning"
    at = show(first)
    assert [e.value for e in at.warning] == ["3 added, 0 duplicates, 5 rejected"] and not at.error
    (groups,) = [t.value for t in at.table]
    assert list(groups.index) == ["1"] * 5
    again = outcome_of(ingest(seeded, [("mixed.jsonl", data)]))
    assert (again["added"], again["duplicates"], verdict(again)) == (0, 3, "warning")


def test_estimate_keeps_the_rows_and_marks_them(seeded) -> None:
    options = ReadOptions(on_bad_date="estimate", source="Desk upload")
    report = ingest(seeded, [("bad_dates.csv", bad_dates_csv(rows=3, good=1))], options)
    assert (report.added, report.rejected) == (4, 0)
    at = show(outcome_of(report))
    assert not at.exception and not at.error
    assert [w.value for w in at.warning][0].startswith(escape_md("bad_dates.csv: 3 unreadable dates were estimated"))
    (table,) = [d.value for d in at.dataframe if "date_note" in d.value.columns]
    assert sorted(table["date_note"]) == ["", "estimated", "estimated", "estimated"]


def test_an_unreadable_file_beside_a_good_one(seeded) -> None:
    data = (FIXTURES / "jsonl" / "mixed.jsonl").read_bytes()
    outcome = outcome_of(ingest(seeded, [("mixed.jsonl", data), ("junk.bin", b"\x00\x01\x02")]))
    at = show(outcome)
    assert verdict(outcome) == "warning"
    assert any(e.value.startswith(escape_md("junk.bin") + ": ") for e in at.error)


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (["date '1 moon' is not a recognised date", "date '2 moons' is not a recognised date"], [(2, "date '…'")]),
        (["date 'soon' is not a recognised date", "date 'later' is not a recognised date"], [(2, "date '…'")]),
        (["'title' is missing or empty", "'title' is missing or empty"], [(2, "'title' is missing")]),
        (["'title' is missing or empty", "'url' is missing or empty"], [(1, "'title'"), (1, "'url'")]),
        (
            ["line 3: Sentiment Score 'x y' is not a number", "line 9: Sentiment Score 'z w' is not a number"],
            [(2, "Sentiment Score '…' is not a number")],
        ),
        (["not valid JSON (Expecting value at column 1)"] * 4 + ["odd"], [(4, "not valid JSON"), (1, "odd")]),
        (['category "it\'s" is neither', "category 'x-1' is neither"], [(2, "category '…' is neither")]),
        ([], []),
    ],
)
def test_group_problems(reasons, expected) -> None:
    groups = group_problems([Problem("f", f"f:{n}", r) for n, r in enumerate(reasons, 2)])
    assert [(g.count, g.reason[: len(want)]) for g, (_, want) in zip(groups, expected, strict=True)] == expected
    assert all(len(g.examples) == min(g.count, 3) for g in groups)
    assert all(reason_pattern(g.examples[0].reason) == reason_pattern(g.examples[-1].reason) for g in groups)


def test_the_cli_groups_many_rejections(tmp_path) -> None:
    path = tmp_path / "bad_dates.csv"
    path.write_bytes(bad_dates_csv(rows=2_800, good=1))
    proc = run("ingest", str(path), db=tmp_path / "cli.db")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "1 added, 0 duplicates, 2800 rejected"
    assert len(lines) == 2
    assert lines[1].startswith("  rejected 2,800 × date '…' is not a recognised date")
    assert lines[1].endswith(f"(e.g. {path}:2 '0 moons ago', {path}:3 '1 moons ago', {path}:4 '2 moons ago')")
    one = group_problems([Problem("f", "f:7", "'title' is missing or empty")])
    assert describe(one[0]) == "f:7: 'title' is missing or empty"
