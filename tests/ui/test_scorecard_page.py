"""The Scorecard page under AppTest: on the demo (illustrative prices), on a database without prices,
the group control, the filter bar, the detail of one decision, and the cards' result line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.db import schema
from newsdesk.flows import prices as track
from newsdesk.scorecard.groups import group_results
from tests.apptest_util import app, chart_frames, chart_specs
from tests.seed import seed

PAGE = "pages/6_Scorecard.py"


def open_scorecard():
    at = app()
    at.query_params["since"] = "2026-01-01"  # the whole demo, not the default latest 90 days
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from tests.seed import demo_desk

    return demo_desk(tmp_path_factory.mktemp("demo") / "demo.db")


def frame_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_demo_scorecard_shows_groups_chart_and_illustrative_banner(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = open_scorecard()
    assert any("Illustrative prices" in w.value for w in at.warning)
    assert any("What the numbers are" in m.value for m in at.markdown)
    at.segmented_control(key="sc_by").set_value("action").run()
    assert not at.exception
    groups = frame_with(at, "Action")
    results = track.run_scorecard(schema.connect_readonly(demo_db))
    expected = {g.key: g for g in group_results(results, "action")}
    assert set(groups["Action"]) == set(expected)
    for row in groups.itertuples():
        assert row.n == expected[row.Action].n
        assert row.mean_excess_return == pytest.approx(expected[row.Action].mean_excess_return * 100)
    specs = chart_specs(at)
    points = next(f for f in chart_frames(at) if "cumulative" in f.columns)
    closed = [r for r in results if r.status == "closed"]
    assert points["decisions"].iloc[-1] == len(closed)
    assert points["cumulative"].iloc[-1] == pytest.approx(sum(r.excess_return for r in closed))
    assert any("facet" in s for s in specs)  # the evidence chart
    assert any(d.label == "Download groups CSV" for d in at.get("download_button"))


def test_closed_only_and_the_filter_bar_narrow_the_groups(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = open_scorecard()
    everything = int(frame_with(at, "Source")["n"].sum())
    at.toggle(key="sc_closed").set_value(True).run()
    closed = int(frame_with(at, "Source")["n"].sum())
    assert closed < everything
    at.multiselect(key="w_topics").set_value(["Energy & Commodities"]).run()
    assert not at.exception
    assert int(frame_with(at, "Source")["n"].sum()) < closed
    assert len(frame_with(at, "excess_return")) < 372


def test_the_detail_of_a_decision_draws_its_legs(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = open_scorecard()
    picker = at.selectbox(key="sc_pick")
    pair = next(o for o in picker.options if "Long" in o or "pair" in o.lower())
    picker.set_value(pair).run()
    assert not at.exception
    legs = frame_with(at, "side")
    assert set(legs["side"]) & {"long", "short", "funding", "reduce"}
    spec = next(s for s in chart_specs(at) if "rebased" in json.dumps(s))
    lines, marks = spec["layer"][0]["data"]["values"], spec["layer"][1]["data"]["values"]
    entries = [m for m in marks if m["mark"] == "entry"]
    assert entries and all(m["rebased"] == pytest.approx(100) for m in entries)
    assert {m["series"] for m in marks} <= {row["series"] for row in lines}


def test_a_picked_table_row_is_read_whole_for_its_detail(demo_db, monkeypatch) -> None:
    """The table's rows are light rows of the stored grades; the one picked is read whole for its detail:
    the legs, their numbers and the result line of the rules' own result for that decision."""
    from datetime import date

    from components.cards import escape_md
    from newsdesk.domain.filters import Filters
    from newsdesk.flows import grades
    from newsdesk.scorecard.groups import result_line

    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    conn = schema.connect_readonly(demo_db)
    assert grades.summary(conn, Filters(since=date(2026, 1, 1))) is not None  # the stored path
    want = {f"{r.decision.article_id}-{r.decision.position}": r
            for r in track.run_scorecard(conn, Filters(since=date(2026, 1, 1)))}  # fmt: skip
    at = open_scorecard()
    options = at.selectbox(key="sc_pick").options
    for label in [options[0], options[len(options) // 2], options[-1]]:
        at.selectbox(key="sc_pick").set_value(label).run()
        assert not at.exception, at.exception
        result = want[label.split(" · ")[0]]
        legs = frame_with(at, "side")
        assert list(legs["leg"]) == [leg.leg.name for leg in result.legs]
        assert list(legs["status"]) == [leg.status for leg in result.legs]
        shown = [None if pd_missing(x) else x for x in legs["excess"]]
        assert shown == pytest.approx([None if leg.excess_return is None else leg.excess_return * 100
                                       for leg in result.legs])  # fmt: skip
        assert any(escape_md(result_line(result)) == m.value for m in at.markdown), label


def pd_missing(value) -> bool:
    from newsdesk.domain.cells import missing

    return missing(value)


def test_without_prices_the_page_says_how_to_get_them(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(seed(tmp_path / "seed.db")))
    at = open_scorecard()
    assert any("holds no prices" in i.value for i in at.info)
    assert not any("Illustrative prices" in w.value for w in at.warning)
    table = frame_with(at, "excess_return")
    assert len(table) == 2 and set(table["status"]) == {"unscored"} and all(table["note"])  # each says why


def test_decision_cards_show_the_result_line(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = app().run()
    at.switch_page("pages/1_Decisions.py").run()
    assert not at.exception
    lines = [c.value for c in at.caption if "vs benchmark" in c.value or "spread" in c.value]
    assert lines and all(("closed" in line) or ("since published" in line) for line in lines)


def test_demo_grades_say_illustrative(demo_db, monkeypatch) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    at = open_scorecard()
    table = frame_with(at, "excess_return")
    graded = table[table["status"] != "unscored"]
    assert len(graded) and set(graded["closes"]) == {"illustrative"}
    groups = frame_with(at, "Source")
    assert (groups["illustrative"] == groups["n"]).all()  # every demo grade is on illustrative closes
    assert any("on illustrative closes" in c.value for c in at.caption)


def test_page_on_empty_optional_fields_every_grouping_and_a_benchmark(tmp_path, monkeypatch) -> None:
    from tests.flows.test_grades_cli import bare

    monkeypatch.setenv("NEWSDESK_DB", str(bare(tmp_path / "bare.db")))
    at = app()
    at.query_params["since"] = "2024-01-01"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    for by in ("action", "category", "source", "exposure", "horizon"):
        at.segmented_control(key="sc_by").set_value(by).run()
        assert not at.exception, (by, at.exception)
    assert set(frame_with(at, "excess_return")["closes"]) == {"real"}
    for kind in ("Categories", "Sources", "All", "Baskets"):
        at.segmented_control(key="sc_ev_kind").set_value(kind).run()
        assert not at.exception, (kind, at.exception)
    at.selectbox(key="sc_benchmark").set_value("ACWI").run()  # a benchmark without stored closes
    assert not at.exception
    table = frame_with(at, "excess_return")
    assert set(table["status"]) == {"unscored"} and all("benchmark" in n for n in table["note"])


def test_a_large_view_computes_the_evidence_when_asked(demo_db, monkeypatch) -> None:
    """Above the size where the evidence is computed unasked (set here below the demo's 120 articles),
    the page reads the stored grades and offers the evidence behind a toggle."""
    from components import scorecard_view

    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    monkeypatch.setattr(scorecard_view, "EVIDENCE_AUTO_ARTICLES", 50)
    at = open_scorecard()
    assert not any("facet" in s for s in chart_specs(at))  # no evidence chart yet
    assert any("Turn it on" in c.value for c in at.caption)
    at.toggle(key="sc_evidence_on").set_value(True).run()
    assert not at.exception, at.exception
    assert any("facet" in s for s in chart_specs(at))


def test_the_table_shows_the_newest_and_the_csv_holds_every_decision(demo_db, monkeypatch) -> None:
    """The page builds only the table's rows as results (the newest, here 40): the groups and the curve
    still count every decision of the view, and the decisions CSV (made on click) holds each one."""
    from datetime import date

    from components import loaders, scorecard_view
    from newsdesk.domain.filters import Filters
    from newsdesk.flows.export import csv_bytes

    monkeypatch.setenv("NEWSDESK_DB", str(demo_db))
    monkeypatch.setattr(scorecard_view, "MAX_TABLE_ROWS", 40)
    at = open_scorecard()
    results = track.run_scorecard(schema.connect_readonly(demo_db), Filters(since=date(2026, 1, 1)))
    table = frame_with(at, "excess_return")
    assert list(table["decision"]) == [f"{r.decision.article_id}-{r.decision.position}" for r in results[-40:]]
    assert any(f"The newest 40 of {len(results):,} decisions" in c.value for c in at.caption)
    groups = frame_with(at, "Source")
    assert int(groups["n"].sum()) == sum(1 for r in results if r.scored)
    every = scorecard_view.every_csv(str(demo_db), Filters(since=date(2026, 1, 1)), 90, loaders.data_version(demo_db),
                                     None)()  # fmt: skip
    assert every == csv_bytes(scorecard_view.results_frame(results))


def _detail_data_by_masks(result, closes):
    """The detail chart's rows as the page made them before (a mask of the whole frame per ticker and
    window): the reference for :func:`components.scorecard_view.detail_data`."""
    import pandas as pd

    from components.scorecard_view import MAX_DETAIL_TICKERS, _window

    lines, marks = [], []
    for side, t in [(leg.leg.side, t) for leg in result.used_legs for t in leg.trips][:MAX_DETAIL_TICKERS]:
        start, end = _window(t.entry_date, t.exit_date)
        pairs = [(t.ticker, f"{t.ticker} ({side})", t.entry_close, t.exit_close)]
        if t.benchmark and t.benchmark_entry_close and t.benchmark_exit_close is not None:
            pairs.append((t.benchmark, f"{t.benchmark} (benchmark)", t.benchmark_entry_close, t.benchmark_exit_close))
        for ticker, series, base, exit_close in pairs:
            own = closes[(closes["ticker"] == ticker) & (closes["date"] >= start) & (closes["date"] <= end)]
            lines.append(own.assign(series=series, rebased=own["close"] / base * 100))
            for label, day, close in (("entry", t.entry_date, base), ("exit" if not t.open else "latest (open)",
                                                                       t.exit_date, exit_close)):  # fmt: skip
                marks.append({"date": day, "series": series, "close": close, "rebased": close / base * 100,
                              "mark": label})  # fmt: skip
    line_frame = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame(columns=["date", "series", "rebased"])
    return line_frame.drop_duplicates(["series", "date"]), pd.DataFrame(marks).drop_duplicates(["series", "mark"])


def test_detail_chart_rows_are_those_of_a_mask_per_ticker(demo_db) -> None:
    """Every demo decision's chart rows (lines and marks, values, dtypes and index) equal the per-ticker
    masks' of before, with the closes in order, shuffled, of one ticker only and none."""
    import pandas as pd

    from components.scorecard_view import detail_data
    from newsdesk.db.read.prices import price_series
    from newsdesk.flows import grades

    conn = schema.connect_readonly(str(demo_db))
    results = grades.results(conn)
    assert sum(1 for r in results if r.scored) >= 10
    for result in results:
        full = grades.with_trips(conn, result)
        tickers = sorted({x for leg in full.used_legs for t in leg.trips for x in (t.ticker, t.benchmark) if x})
        closes = price_series(conn, tickers)
        for frame in (closes, closes.sample(frac=1, random_state=7), price_series(conn, tickers[:1]),
                      price_series(conn, [])):  # fmt: skip
            for got, want in zip(detail_data(full, frame), _detail_data_by_masks(full, frame), strict=True):
                pd.testing.assert_frame_equal(got, want, check_exact=True)
