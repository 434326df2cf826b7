"""AppTest of the entry page against a seeded temporary database."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date, timedelta

import pytest

from newsdesk.db.read import timeline as read_timeline
from newsdesk.domain.filters import Filters
from tests.apptest_util import app, chart_frames, chart_specs, metrics, sentiment_data
from tests.conftest import ROOT
from tests.seed import ROWS, WIDE_CATEGORIES, demo_desk, seed, seed_wide

TOPIC = "Trade & Tariffs"


def query_values(at, key: str) -> list[str]:
    """AppTest gives one value as a string and several as a list."""
    value = at.query_params.get(key, [])
    return value if isinstance(value, list) else [value]


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    path = seed(tmp_path / "seed.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def test_overview_renders_real_content(seeded) -> None:
    at = app().run()
    assert not at.exception
    m = metrics(at)
    assert m["Articles"] == str(len(ROWS))
    with sqlite3.connect(seeded) as conn:
        high = conn.execute("SELECT count(*) FROM articles WHERE impact >= 0.7").fetchone()[0]
    assert m["High-impact articles"] == str(high)
    assert at.dataframe[0].value.shape[0] == len(ROWS)
    data = sentiment_data(at)
    assert set(data["category"]) == {c for r in ROWS for c in r[2]}
    assert data["articles"].sum() == sum(len(r[2]) for r in ROWS)
    assert at.get("download_button")


def test_topic_filter_changes_rows_chart_and_url(seeded) -> None:
    at = app().run()
    at.multiselect(key="w_topics").set_value([TOPIC]).run()
    assert not at.exception
    expected = [r for r in ROWS if TOPIC in r[2]]
    assert metrics(at)["Articles"] == str(len(expected))
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert all(TOPIC in cats for cats in table["categories"])
    assert set(sentiment_data(at)["category"]) == {TOPIC}
    assert query_values(at, "topic") == [TOPIC]


def test_url_reproduces_the_view(seeded) -> None:
    at = app()
    at.query_params["topic"] = [TOPIC, "Macro & Growth"]
    at.query_params["since"] = "2026-05-10"
    at.run()
    assert not at.exception
    assert at.multiselect(key="w_topics").value == [TOPIC, "Macro & Growth"]
    assert query_values(at, "topic") == [TOPIC, "Macro & Growth"]
    expected = [r for r in ROWS if {TOPIC, "Macro & Growth"} & set(r[2]) and r[0] >= "2026-05-10"]
    assert metrics(at)["Articles"] == str(len(expected))


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_grain_changes_periods(seeded, grain) -> None:
    at = app().run()
    at.button_group(key="w_grain").set_value(grain).run()
    assert not at.exception
    periods = sentiment_data(at)["period"].nunique()
    distinct_days = len({r[0] for r in ROWS})
    assert periods == {"day": distinct_days, "week": distinct_days, "month": 3}[grain]
    if grain != "week":
        assert query_values(at, "grain") == [grain]


def test_bad_url_values_are_ignored(seeded) -> None:
    at = app()
    at.query_params["topic"] = ["No Such Topic"]
    at.query_params["since"] = "not-a-date"
    at.query_params["grain"] = "decade"
    at.run()
    assert not at.exception
    assert metrics(at)["Articles"] == str(len(ROWS))


def test_empty_database_shows_a_message(tmp_path, monkeypatch) -> None:
    from newsdesk.db import schema

    path = tmp_path / "empty.db"
    schema.connect(path).close()
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run()
    assert not at.exception
    assert "No articles match this view" in at.info[0].value


def test_first_start_builds_the_demo_database(tmp_path, monkeypatch) -> None:
    path = tmp_path / "fresh" / "newsdesk.db"
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run(timeout=120)
    assert not at.exception
    assert path.exists()
    with sqlite3.connect(path) as conn:
        last = conn.execute("SELECT max(substr(published_at, 1, 10)) FROM articles").fetchone()[0]
        recent = conn.execute(
            "SELECT count(*) FROM articles WHERE published_at >= date(?, '-89 days')", [last]
        ).fetchone()[0]
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= 120
    assert int(metrics(at)["Articles"].replace(",", "")) == recent  # the latest 90 days by default
    assert any("illustrative" in w.value for w in at.warning)


def _count(path, where: str, params=()) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0]


@pytest.mark.parametrize(
    ("widget", "value", "param", "where", "params"),
    [
        ("w_labels", ["bearish", "somewhat-bearish"], "label", "sentiment_label LIKE '%bearish'", ()),
        ("w_min_impact", 0.5, "min_impact", "impact >= 0.5", ()),
        ("w_sources", ["Seed Wire"], "source", "source = 'Seed Wire'", ()),
        ("w_text", "tariff", "q", "rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'tariff')", ()),
    ],
)
def test_each_filter_narrows_and_lands_in_the_url(seeded, widget, value, param, where, params) -> None:
    at = app().run()
    el = (
        at.slider(key=widget)
        if widget == "w_min_impact"
        else (at.text_input(key=widget) if widget == "w_text" else at.multiselect(key=widget))
    )
    (el.input(value) if widget == "w_text" else el.set_value(value)).run()
    assert not at.exception
    assert metrics(at)["Articles"] == str(_count(seeded, where, params))
    assert param in at.query_params


@pytest.mark.parametrize(
    "text", ['"unbalanced', "NEAR(", "a AND", "*", "'; DROP TABLE articles; --", "title:x", "()", "🚀", "x" * 500]
)
def test_search_box_never_breaks(seeded, text) -> None:
    at = app().run()
    at.text_input(key="w_text").input(text).run()
    assert not at.exception
    assert _count(seeded, "1 = 1") == len(ROWS)


def test_company_and_basket_filters(tmp_path, monkeypatch, sample_path) -> None:
    from newsdesk.db import schema
    from newsdesk.flows import ingest as pipeline

    path = tmp_path / "c.db"
    db = schema.connect(path)
    pipeline.ingest_paths(db, [sample_path])
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app()
    at.query_params["company"] = ["basket:japan-defense"]
    at.run()
    assert not at.exception
    assert metrics(at)["Articles"] == "1"
    assert "basket:gold-miners" not in at.multiselect(key="w_companies").options  # no article: no option
    at.multiselect(key="w_companies").set_value(["7011.T"]).run()
    assert metrics(at)["Articles"] == "1" and query_values(at, "company") == ["7011.T"]


def same_spec(filled: dict, chart) -> None:
    """``filled`` (a template filled by ``chart_cache.build_spec``) is the spec Altair builds for
    ``chart``: the same JSON once the view's dataset name is matched, and the same Arrow bytes."""
    import json

    from components.charts import to_spec

    built = to_spec(chart)
    view = filled["datasets"]["view"]
    names = [name for name, data in built["datasets"].items() if data == view]
    assert names, "the view's rows are not among Altair's datasets"
    strip = lambda spec: {k: v for k, v in spec.items() if k != "datasets"}  # noqa: E731
    text = json.dumps(strip(built)).replace(json.dumps(names[0]), json.dumps("view"))
    assert json.loads(text) == strip(filled)
    assert {k: v for k, v in built["datasets"].items() if k != names[0]} == {
        k: v for k, v in filled["datasets"].items() if k != "view"
    }


def test_shipped_chart_templates_are_current() -> None:
    """The templates the dashboard fills (components/chart_templates.json) are what Altair draws
    today; after changing a chart, run ``python -m components.chart_cache`` to refresh them."""
    from components import chart_cache

    assert chart_cache.SHIPPED.read_text(encoding="utf-8") == chart_cache.templates_json(), (
        "stale chart templates: run python -m components.chart_cache"
    )


def test_a_dashboard_run_never_imports_altair(seeded, tmp_path) -> None:
    """Every chart of the Overview is filled from a shipped template, so the run never imports
    Altair (its import and chart building were a third of the first run at a million articles); the
    favicon is an ASCII data URL, so Streamlit never imports its emoji catalogue to check it (50-60 ms
    of the first run's CPU)."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('dashboard.py', default_timeout=120)\nat.run()\n"
        "assert not at.exception, at.exception\nassert len(at.get('vega_lite_chart')) >= 2\n"
        "print(sorted(m for m in sys.modules if m in ('altair', 'streamlit.emojis') or m.startswith('altair.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "NEWSDESK_DB": str(seeded)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_chart_templates_give_altairs_spec(seeded, grain) -> None:
    """Charts are drawn by filling a template built once per grain; for several views in turn (one
    template each) the filled spec is exactly the one Altair builds for that view."""
    from components.chart_cache import build_spec
    from components.charts import heatmap, sentiment_over_time, what_moved_chart
    from newsdesk.db import schema
    from newsdesk.db.read import filters as read_filters
    from newsdesk.db.read import options as read_options
    from newsdesk.db.read import timeline as read_timeline

    conn = schema.connect_readonly(seeded)
    cats = list(read_options.categories(conn)["category"])
    end = read_options.date_bounds(conn)[1]
    for topics in ((), tuple(cats[:2]), tuple(cats[-1:])):
        f = read_filters.Filters(topics=topics)
        daily = read_timeline.daily_sentiment(conn, f, grain)
        moved = read_timeline.what_moved(conn, f, end, window=14, baseline=30)
        same_spec(build_spec("sentiment", daily, grain), sentiment_over_time(daily, grain))
        same_spec(build_spec("heatmap", daily, grain), heatmap(daily))
        same_spec(build_spec("moved", moved, grain), what_moved_chart(moved))
    conn.close()


@pytest.mark.parametrize("kind", ["sentiment", "heatmap", "moved"])
@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_chart_specs_are_valid_vega_lite(seeded, kind, grain) -> None:
    """The dashboard draws charts from specs built without Altair's validation (it is the slow part of a
    first run); here each chart is validated against the Vega-Lite schema on real data instead, and
    its data travels as named Arrow datasets."""
    from components.charts import heatmap, sentiment_over_time, to_spec, what_moved_chart
    from newsdesk.db import schema
    from newsdesk.db.read import filters as read_filters
    from newsdesk.db.read import options as read_options
    from newsdesk.db.read import timeline as read_timeline

    conn = schema.connect_readonly(seeded)
    daily = read_timeline.daily_sentiment(conn, read_filters.Filters(), grain)
    moved = read_timeline.what_moved(
        conn, read_filters.Filters(), read_options.date_bounds(conn)[1], window=14, baseline=30
    )
    conn.close()
    chart = {
        "sentiment": lambda: sentiment_over_time(daily, grain),
        "heatmap": lambda: heatmap(daily),
        "moved": lambda: what_moved_chart(moved.dropna(subset=["z"]) if "z" in moved else moved),
    }[kind]()
    chart.to_dict(validate=True)  # raises on an invalid spec
    spec = to_spec(chart)
    assert spec["datasets"] and all(isinstance(v, bytes) for v in spec["datasets"].values())


@pytest.fixture
def wide(tmp_path, monkeypatch):
    path = seed_wide(tmp_path / "wide.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def test_overview_defaults_to_the_latest_90_days_and_the_top_8_categories(wide) -> None:
    at = app().run()
    assert not at.exception
    # the 2019 story is outside the latest 90 days that hold data (the undated page does not count,
    # nor does it count in the date view's totals: an estimated date is in no derived table)
    assert metrics(at)["Articles"] == str(_count(wide, "published_at >= '2026-04-01' AND NOT published_estimated"))
    assert at.query_params.get("since") is None  # the default is not written into the URL
    data = sentiment_data(at)
    assert sorted(set(data["category"])) == sorted(WIDE_CATEGORIES[:8])
    picker = at.multiselect(key="w_lines")
    assert picker.value == WIDE_CATEGORIES[:8] and picker.options == WIDE_CATEGORIES
    (spec,) = [s for s in chart_specs(at) if "rolling_sentiment" in json.dumps(s)]
    assert '"scheme": "tableau10"' in json.dumps(spec)  # 10 colours, at most 10 lines: no repeats
    picker.set_value(WIDE_CATEGORIES[:10]).run()
    assert set(sentiment_data(at)["category"]) == set(WIDE_CATEGORIES[:10])
    # the date filter still rules: the whole range brings the 2019 story back
    at.date_input(key="w_dates").set_value((date(2019, 3, 1), date(2026, 12, 1))).run()
    assert metrics(at)["Articles"] == str(_count(wide, "NOT published_estimated"))
    assert at.query_params.get("since") == "2019-03-01"


def test_sentiment_lines_break_over_a_period_without_articles(wide) -> None:
    at = app().run()
    data = sentiment_data(at).sort_values("period")
    rates = data[data["category"] == "Monetary Policy & Rates"]
    assert rates["segment"].nunique() == 2  # the empty week splits the line in two
    after_gap = rates[rates["segment"] == rates["segment"].max()].iloc[0]
    assert after_gap["rolling_sentiment"] == pytest.approx(after_gap["mean_sentiment"], abs=1e-4)
    spec = json.dumps([s for s in chart_specs(at) if "rolling_sentiment" in json.dumps(s)])
    assert '"detail": {"field": "segment"' in spec


def test_heatmap_labels_every_row_and_shows_the_year(wide) -> None:
    at = app().run()
    (heat,) = [s for s in chart_specs(at) if s.get("mark", {}).get("type") == "rect"]
    assert heat["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert "%Y" in heat["encoding"]["x"]["axis"]["format"]


def test_what_moved_ends_at_the_view_and_skips_estimated_dates(wide) -> None:
    at = app().run()
    assert not at.exception
    frames = [f for f in chart_frames(at) if "z" in f.columns]
    assert frames, "no What moved chart: the undated page (estimated, 2026-12-01) drove the window"
    (moved,) = frames
    with sqlite3.connect(wide) as conn:
        last = conn.execute("SELECT max(published_at) FROM articles WHERE published_estimated = 0").fetchone()[0]
    assert any(f"up to {last[:10]}" in c.value for c in at.caption)
    assert all(
        label.startswith(cat) and "(n=" in label for cat, label in zip(moved["category"], moved["label"], strict=True)
    )
    # the recent window is the 14 days up to the view's last exact day
    cut = (date.fromisoformat(last[:10]) - timedelta(days=13)).isoformat()
    for row in moved.itertuples():
        assert row.recent_articles == _count(
            wide,
            "published_estimated = 0 AND published_at >= ? AND id IN "
            "(SELECT article_id FROM article_categories WHERE category = ? AND effective = 1)",
            (cut, row.category),
        )


@pytest.mark.parametrize(
    ("filters", "where", "params"),
    [
        (Filters(labels=("bullish", "somewhat-bullish")), "sentiment_label LIKE '%bullish'", ()),
        (Filters(sources=("Wide Wire",)), "source = 'Wide Wire'", ()),
        (Filters(min_impact=0.01), "impact >= 0.01", ()),
        (Filters(text="strong"), "rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'strong')", ()),
        (Filters(sources=("Nobody",)), "0", ()),
        (Filters(since=date(2026, 6, 20)), "published_at >= '2026-06-20'", ()),
    ],
)
def test_what_moved_honours_every_filter(wide, filters, where, params) -> None:
    with sqlite3.connect(wide) as conn:
        moved = read_timeline.what_moved(conn, filters, date(2026, 7, 10), window=14, baseline=30)
    for row in moved.itertuples():
        assert row.recent_articles + row.baseline_articles == _count(
            wide,
            f"{where} AND published_estimated = 0 AND published_at >= '2026-05-28' AND published_at < '2026-07-11' "
            "AND id IN "
            "(SELECT article_id FROM article_categories WHERE category = ? AND effective = 1)",
            (*params, row.category),
        )
    if where == "0":
        assert moved.empty


def _demo_and_real(path, month: str = "2026-11"):
    """The demo corpus plus three real articles (by default in its last weeks)."""
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article, CategoryTag
    from newsdesk.score import score_article

    demo_desk(path)
    db = schema.connect(path)
    real = [
        Article(
            title=f"Real story {n}",
            source="Real Wire",
            url=f"https://example.com/real/{n}",
            published_at=f"{month}-1{n}T09:00:00Z",
            summary="Strong gains.",
            categories=[CategoryTag("Macro & Growth")],
        )
        for n in range(3)
    ]
    writes.write_batch(db, [score_article(a) for a in real], [], "real")
    db.close()
    return path


def test_demo_is_hidden_once_real_articles_exist_and_the_switch_shows_it(tmp_path, monkeypatch) -> None:
    path = _demo_and_real(tmp_path / "mixed.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run()
    assert not at.exception
    assert at.segmented_control(key="w_demo").value == "hide"
    assert set(at.dataframe[0].value["source"]) == {"Real Wire"}
    assert metrics(at)["Articles"] == "3"
    assert not any("illustrative" in w.value for w in at.warning)  # no demo article in view: no banner
    assert at.query_params.get("demo") is None
    at.segmented_control(key="w_demo").set_value("show").run()
    assert "newsdesk demo desk" in set(at.dataframe[0].value["source"])
    assert any("illustrative" in w.value for w in at.warning)
    assert query_values(at, "demo") == ["show"]
    at.switch_page("pages/2_Articles.py").run()  # the choice holds on every page
    assert at.segmented_control(key="w_demo").value == "show"
    assert any("illustrative" in w.value for w in at.warning)
    fresh = app()
    fresh.query_params["demo"] = "show"  # and a pasted URL reproduces it
    fresh.run()
    assert fresh.segmented_control(key="w_demo").value == "show"


def test_a_demo_only_database_shows_the_demo(tmp_path, monkeypatch) -> None:
    path = demo_desk(tmp_path / "demo.db")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run()
    assert at.segmented_control(key="w_demo").value == "show"
    assert any("illustrative" in w.value for w in at.warning)


def test_legend_selection_is_bound_to_the_coloured_line_layer(wide) -> None:
    at = app().run()
    (spec,) = [s for s in chart_specs(at) if "rolling_sentiment" in json.dumps(s)]
    (param,) = spec["params"]
    assert param["bind"] == "legend"
    named = {m.get("name"): m for layer in spec["layer"] for m in layer.get("layer", [layer])}
    (view,) = param["views"]
    assert named[view]["mark"]["type"] == "line" and named[view]["encoding"]["color"]["field"] == "category"


def test_default_window_follows_the_articles_in_view(tmp_path, monkeypatch) -> None:
    """Real articles years older than the demo: with the demo hidden, the default 90 days are theirs."""
    path = _demo_and_real(tmp_path / "old.db", "2024-03")
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app().run()
    assert metrics(at)["Articles"] == "3"
    at.segmented_control(key="w_demo").set_value("show").run()
    assert int(metrics(at)["Articles"]) > 3 and "Real Wire" not in set(at.dataframe[0].value["source"])


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(labels=("neutral", "bullish", "bearish")), Filters(text="quiet")]
)
def test_an_article_without_a_category_is_uncategorised_never_dropped(seeded, filters) -> None:
    from contextlib import closing

    from newsdesk.db import schema, writes
    from newsdesk.db.read import facets as read_facets
    from newsdesk.domain.models import Article
    from newsdesk.score import score_article

    db = schema.connect(seeded)
    plain = score_article(
        Article(
            title="A quiet day", source="Seed Wire", url="https://example.com/q", published_at="2026-07-01T09:00:00Z"
        )
    )
    plain.categories = []
    writes.write_batch(db, [plain], [], "plain")
    db.close()
    with closing(schema.connect_readonly(seeded)) as conn:
        assert not conn.execute(
            "SELECT count(*) FROM article_categories c JOIN articles a ON a.id = c.article_id WHERE a.title = ?",
            ["A quiet day"],
        ).fetchone()[0]
        daily = read_timeline.daily_sentiment(conn, filters, "week")
        assert daily.loc[daily["category"] == "Uncategorised", "articles"].sum() == 1
        found = [read_facets.facets(conn, filters)]
        if filters == Filters():  # the category-set totals answer a date view's facets
            found.append(read_facets.set_facets(conn, filters, 20))
        for facet in found:
            counts = dict(zip(facet["category"]["value"], facet["category"]["articles"], strict=True))
            assert counts["Uncategorised"] == 1
    if filters == Filters():
        at = app().run()
        assert "Uncategorised" in set(sentiment_data(at)["category"])


def _story_db(tmp_path, monkeypatch):
    from newsdesk.db import schema, writes
    from newsdesk.domain.models import Article
    from newsdesk.flows import ingest as pipeline

    path = seed(tmp_path / "seed.db")
    rows = [
        ("EBay rejects Icahn board nominees, asks investors to do same", "Reuters", 0),
        ("EBay asks shareholders to vote against Carl Icahn board nominees", "CNBC", 14),
        ("EBay urges shareholders to reject Icahn board nominees", "Guardian", 30),
    ]
    db = schema.connect(path)
    batch = []
    for n, (title, source, minutes) in enumerate(rows):
        a = Article(
            title=title, source=source, url=f"https://{n}.example/e", published_at=f"2026-05-20T10:{minutes:02d}:00Z"
        )
        pipeline.score_article(a)
        a.impact = 0.9  # high impact, so the Overview's list shows the story
        batch.append(a)
    writes.write_batch(db, batch, [], "story")
    db.close()
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def test_first_reports_only_counts_each_story_once(tmp_path, monkeypatch) -> None:
    path = _story_db(tmp_path, monkeypatch)
    at = app().run()
    before = int(metrics(at)["Articles"].replace(",", ""))
    links = [p.label for p in at.main.get("page_link") if "Icahn" in p.label]
    assert len(links) == 1 and links[0].endswith("· 3 outlets")  # the high-impact list: the story once
    at.toggle(key="w_first").set_value(True).run()
    assert not at.exception
    assert at.query_params.get("first") in ("1", ["1"])
    after = int(metrics(at)["Articles"].replace(",", ""))
    assert after == before - 2
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0] == _count(path, "1 = 1") - 2
