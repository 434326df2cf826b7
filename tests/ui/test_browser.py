"""User journeys in a real browser: a Streamlit server and headless Debian Chromium."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser_util import (
    chromium_browser,
    screenshot,
    streamlit_server,
    wait_idle,
)

pytestmark = pytest.mark.browser
TOPIC = "Trade & Tariffs"
# the whole demo in view: from before its first article, and shown although the server's database
# also holds a real (hostile) article, which hides the demo by default
DEMO = "since=2026-05-01&demo=show"


HOSTILE = (
    '{"title": "<script>alert(1)</script>", "url": "javascript:alert(2)", "source": "Hostile Wire", '
    '"published_at": "2026-11-18T09:00:00Z", "summary": "<img src=x onerror=alert(3)> =HYPERLINK(\\"x\\")", '
    '"categories": ["Trade & Tariffs"], "decisions": ["<b>Buy</b> [click](javascript:alert(4)) now"]}\n'
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    # No database yet: the dashboard must build the demo database on first start; the hostile
    # article is added by a second server start (below) so that first start stays covered.
    with streamlit_server(tmp / "newsdesk.db", tmp / "streamlit.log") as url:
        yield url, tmp / "newsdesk.db"


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def metric(page, label: str) -> str:
    label_el = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    box = page.get_by_test_id("stMetric").filter(has=label_el)
    return box.locator("[data-testid=stMetricValue]").inner_text()


def test_first_start_on_an_empty_data_folder_shows_the_demo_chart(tmp_path, page) -> None:
    """The README's first command on a new machine: no database anywhere, ``streamlit run dashboard.py``
    builds the demo and the Overview draws its chart, with no exception in the page or the server log."""
    data = tmp_path / "data"
    data.mkdir()
    log = tmp_path / "streamlit.log"
    with streamlit_server(data / "newsdesk.db", log) as url:
        page.goto(url, timeout=120_000)
        wait_idle(page, timeout=120_000)
        chart = page.locator("[data-testid=stVegaLiteChart]").first
        chart.wait_for(state="visible", timeout=60_000)
        chart.locator("canvas, svg").first.wait_for(state="attached", timeout=60_000)
        import sqlite3

        with sqlite3.connect(data / "newsdesk.db") as conn:  # the latest 90 days that hold data, by default
            recent = conn.execute(
                "SELECT count(*) FROM articles WHERE published_at >= "
                "date((SELECT max(published_at) FROM articles), '-89 days')"
            ).fetchone()[0]
        assert int(metric(page, "Articles").replace(",", "")) == recent
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_text("Traceback").count() == 0
    assert (data / "newsdesk.db").exists()
    server_log = log.read_text(errors="replace")
    for marker in ("Traceback", "Error", "Exception"):
        assert marker not in server_log, server_log


def test_pick_topic_then_download_csv(server, page) -> None:
    server, _ = server
    page.goto(f"{server}/?{DEMO}", timeout=120_000)  # the whole demo, not the latest 90 days
    wait_idle(page, timeout=120_000)
    assert page.locator("[data-testid=stVegaLiteChart]").count() >= 1
    total = int(metric(page, "Articles").replace(",", ""))
    assert total >= 120
    screenshot(page, "overview")

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name="Topics").click()
    page.get_by_role("option", name=TOPIC, exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url("**topic=*", timeout=120_000)  # a busy 2-core machine can take long
    wait_idle(page)
    for _ in range(50):  # the rerun may start a moment after the URL changes
        filtered = int(metric(page, "Articles").replace(",", ""))
        if filtered != total:
            break
        page.wait_for_timeout(200)
        wait_idle(page)
    assert 0 < filtered < total
    assert "topic=Trade+%26+Tariffs" in page.url or "topic=Trade%20%26%20Tariffs" in page.url
    screenshot(page, "overview-topic")

    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download CSV", exact=True).click()
    content = open(info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == filtered  # the whole view, in the analyst's columns
    assert all(TOPIC in r["categories"].split("; ") for r in rows)


def test_upload_on_ingest_page(server, page) -> None:
    from tests.conftest import FIXTURES

    server, _ = server
    page.goto(f"{server}/Ingest", timeout=120_000)
    wait_idle(page, timeout=120_000)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(FIXTURES / "jsonl" / "mixed.jsonl"))
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Ingest").click()
    wait_idle(page, timeout=120_000)
    main = page.get_by_test_id("stMain")
    main.get_by_text("3 added, 0 duplicates, 5 rejected").wait_for(timeout=30_000)
    assert main.get_by_text("Rejected records").is_visible()
    assert main.get_by_text("New articles").is_visible()
    screenshot(page, "ingest")


def test_shared_url_reproduces_the_view_on_another_page(server, page) -> None:
    server, _ = server
    page.goto(f"{server}/Articles?topic=Trade+%26+Tariffs&label=bullish&min_impact=0.2&{DEMO}", timeout=120_000)
    wait_idle(page, timeout=120_000)
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Trade & Tariffs").count() >= 1
    caption = page.get_by_test_id("stMain").get_by_text(" articles. The CSV downloads hold").inner_text()
    n = int(caption.split()[0].replace(",", ""))
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download CSV", exact=True).click()
    rows = list(csv.DictReader(open(info.value.path(), encoding="utf-8-sig")))
    assert len(rows) == n > 0
    assert all("Trade & Tariffs" in r["categories"].split("; ") for r in rows)
    assert all(r["label"] == "bullish" and float(r["impact"]) >= 0.2 for r in rows)
    screenshot(page, "articles-shared-url")
    # the same filters survive a page change
    page.get_by_test_id("stSidebar").get_by_role("link", name="Overview").click()
    wait_idle(page)
    # the page writes its filters into the URL after its script runs: wait for that, not for a fixed moment
    page.wait_for_url(lambda url: "label=bullish" in url and "topic=" in url, timeout=60_000)


def test_articles_row_opens_the_article_with_its_decisions(server, page) -> None:
    server, _ = server
    page.goto(f"{server}/Articles?topic=Geopolitics+%26+War&{DEMO}", timeout=120_000)
    wait_idle(page, timeout=120_000)
    grid = page.get_by_test_id("stDataFrame").last
    box = grid.bounding_box()
    # the first data row sits below the header row; click its row-selection area at the left edge
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 18)
    page.wait_for_url("**/Article?id=*", timeout=30_000)
    wait_idle(page)
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("Key decisions", exact=False).count() >= 1
    screenshot(page, "article")


def test_hostile_title_is_shown_as_text(tmp_path, page) -> None:
    from tests.cli_util import run_cli

    db = tmp_path / "hostile.db"
    src = tmp_path / "hostile.jsonl"
    src.write_text(HOSTILE, encoding="utf-8")
    assert run_cli("init", "--demo", db=db).returncode == 0
    assert run_cli("ingest", str(src), db=db).returncode == 0
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with streamlit_server(db, tmp_path / "s.log") as url:
        for target in ("/?source=Hostile+Wire", "/Articles?source=Hostile+Wire", "/Decisions?source=Hostile+Wire"):
            page.goto(url + target, timeout=120_000)
            wait_idle(page, timeout=120_000)
            page.wait_for_timeout(500)
            scripts = page.evaluate(
                "() => [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert')).length"
            )
            assert scripts == 0
            assert page.locator("a[href^='javascript:']").count() == 0
            assert page.locator("img[src='x']").count() == 0
        page.goto(url + "/Decisions?source=Hostile+Wire", timeout=120_000)
        wait_idle(page)
        assert page.get_by_test_id("stMain").get_by_text("<script>alert(1)</script>").count() >= 1
        screenshot(page, "hostile")
    assert dialogs == []


def test_decision_card_shows_its_basket_beside_it(server, page) -> None:
    server, _ = server
    page.goto(f"{server}/Decisions?trades=japan-defense&{DEMO}", timeout=120_000)
    wait_idle(page, timeout=120_000)
    main = page.get_by_test_id("stMain")
    caption = main.get_by_text(" decisions from ").inner_text()
    assert int(caption.split()[0]) >= 1
    assert main.get_by_text("Japan defense · long").count() >= 1
    assert main.get_by_test_id("stVegaLiteChart").count() >= 1  # the basket's sentiment line
    screenshot(page, "decisions-basket")


def test_decisions_csv_download_has_the_analysts_columns(server, page) -> None:
    """The Decisions page's CSV is made on click by the one decisions writer: the analyst's columns,
    each leg's company and exposure in words, and the scorecard's status (the demo has prices)."""
    server, _ = server
    page.goto(f"{server}/Decisions?trades=japan-defense&{DEMO}", timeout=120_000)
    wait_idle(page, timeout=120_000)
    main = page.get_by_test_id("stMain")
    shown = int(main.get_by_text(" decisions from ").inner_text().split()[0])
    with page.expect_download(timeout=120_000) as info:
        main.get_by_test_id("stDownloadButton").get_by_role("button", name="Download CSV", exact=True).click()
    rows = list(csv.DictReader(open(info.value.path(), encoding="utf-8-sig")))
    assert len(rows) == shown
    assert list(rows[0])[:4] == ["published (UTC)", "author", "source", "decision"]
    assert all(r["legs"] and r["status"] in ("closed", "open", "unscored") for r in rows)


def test_upload_over_the_size_limit_is_refused_with_a_message(tmp_path, page) -> None:
    """With NEWSDESK_MAX_UPLOAD_MB set below a file's size, the Ingest page refuses that file with
    a message naming the limit, ingests the other one, and the database gains only its articles."""
    from newsdesk.db import schema
    from tests.conftest import FIXTURES

    db_path = tmp_path / "limit.db"
    schema.connect(db_path).close()
    big = tmp_path / "big.jsonl"
    big.write_text((FIXTURES / "jsonl" / "mixed.jsonl").read_text(encoding="utf-8") * 3, encoding="utf-8")
    small = tmp_path / "small.jsonl"
    small.write_text('{"title": "Small upload within the limit", "source": "Limit Wire"}\n', encoding="utf-8")
    limit = {"NEWSDESK_MAX_UPLOAD_MB": "0.002"}
    with streamlit_server(db_path, tmp_path / "streamlit.log", extra_env=limit) as url:
        page.goto(f"{url}/Ingest", timeout=120_000)
        wait_idle(page, timeout=120_000)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(big), str(small)])
        page.wait_for_timeout(500)
        page.get_by_role("button", name="Ingest").click()
        wait_idle(page, timeout=120_000)
        main = page.get_by_test_id("stMain")
        main.get_by_text("1 added, 0 duplicates, 0 rejected").wait_for(timeout=30_000)
        assert main.get_by_text("big.jsonl is", exact=False).is_visible()
        assert main.get_by_text("is 2.6 KB; the limit is 2.0 KB", exact=False).is_visible()
        screenshot(page, "ingest_limit")
    db = schema.connect(db_path)
    assert [r[0] for r in db.execute("SELECT title FROM articles")] == ["Small upload within the limit"]
    db.close()


def test_scorecard_shows_its_table_and_charts(server, page) -> None:
    server, _ = server
    page.goto(f"{server}/Scorecard?since=2026-05-01&demo=show", timeout=120_000)  # the whole demo
    wait_idle(page, timeout=120_000)
    main = page.get_by_test_id("stMain")
    assert main.get_by_text("Illustrative prices.", exact=False).count() >= 1
    assert main.get_by_test_id("stDataFrame").count() >= 2  # groups and decisions
    charts = main.get_by_test_id("stVegaLiteChart")
    charts.first.locator("canvas, svg").first.wait_for(state="attached", timeout=60_000)
    assert charts.count() >= 3  # cumulative excess, the picked decision's legs, evidence
    main.get_by_role("radiogroup").or_(main.get_by_test_id("stButtonGroup")).first.get_by_text(
        "Action", exact=True
    ).click()
    wait_idle(page)
    assert main.get_by_text("By action").count() == 1
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_text("Traceback").count() == 0
    screenshot(page, "scorecard")


def test_an_all_rejected_upload_shows_an_error_box_with_grouped_reasons(server, tmp_path, page) -> None:
    """Every record of the file rejected: a red error box (not green), and one grouped row with the
    count and three examples instead of 2,800 lines."""
    server, _ = server
    bad = tmp_path / "bad_dates.csv"
    rows = [f"Fixture story number {n} about freight,{n} moons ago,Fixture Wire" for n in range(2_800)]
    bad.write_text("title,date,source\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{server}/Ingest", timeout=120_000)
    wait_idle(page, timeout=120_000)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad))
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Ingest").click()
    wait_idle(page, timeout=120_000)
    main = page.get_by_test_id("stMain")
    main.get_by_text("0 added, 0 duplicates, 2800 rejected").wait_for(timeout=60_000)
    box = main.get_by_test_id("stAlertContainer").filter(has_text="0 added, 0 duplicates, 2800 rejected")
    assert box.get_by_test_id("stAlertContentError").count() == 1
    assert main.get_by_test_id("stAlertContentSuccess").count() == 0
    assert main.get_by_text("Rejected records").is_visible()
    table = main.get_by_test_id("stTable")
    rows = table.locator("tbody tr")
    assert rows.count() == 1  # one row for 2,800 records
    cells = [c.strip() for c in rows.first.locator("th, td").all_inner_texts()]
    assert cells[0] == "2,800"
    assert cells[1].startswith("date '…' is not a recognised date"), cells
    assert cells[2] == "bad_dates.csv:2 '0 moons ago', bad_dates.csv:3 '1 moons ago', bad_dates.csv:4 '2 moons ago'"
    screenshot(page, "ingest_all_rejected")


@pytest.fixture(scope="module")
def wide_server(tmp_path_factory):
    from tests.seed import seed_wide

    tmp = tmp_path_factory.mktemp("wide")
    path = seed_wide(tmp / "wide.db")
    with streamlit_server(path, tmp / "streamlit.log") as url:
        yield url


LINE_OPACITIES = """() => {
  const chart = document.querySelectorAll('[data-testid=stVegaLiteChart]')[0];
  const paths = [...chart.querySelectorAll('g.mark-line path')];
  return paths.map(p => [p.getAttribute('stroke'), p.getAttribute('opacity')]);
}"""


def test_legend_click_isolates_one_category(wide_server, page) -> None:
    page.goto(wide_server, timeout=120_000)
    wait_idle(page, timeout=120_000)
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=stVegaLiteChart]')[0]"
        ".querySelectorAll('g.mark-line path').length"
    )
    before = page.evaluate(LINE_OPACITIES)
    assert len({stroke for stroke, _ in before}) == 8  # the top 8 categories, 8 colours
    assert all(float(opacity or 1) == 1 for _, opacity in before)
    chart.locator("g.role-legend-label text", has_text="Trade & Tariffs").first.click()
    page.wait_for_timeout(500)
    after = page.evaluate(LINE_OPACITIES)
    kept = {stroke for stroke, opacity in after if float(opacity or 1) == 1}
    faded = {stroke for stroke, opacity in after if float(opacity or 1) < 0.2}
    assert len(kept) == 1 and len(faded) == 7, after  # one category stays, the other seven fade
    screenshot(page, "overview-legend-isolated")


def test_facet_row_click_sets_the_filter(wide_server, page) -> None:
    page.goto(f"{wide_server}/Articles", timeout=120_000)
    wait_idle(page, timeout=120_000)
    grid = page.get_by_test_id("stDataFrame").nth(1)  # category, source, sentiment: the source facet
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 18)  # the first data row's selection area
    page.wait_for_url("**source=Wide+Wire*", timeout=30_000)
    wait_idle(page)
    assert "Wide Wire" in page.get_by_test_id("stSidebar").inner_text()


def test_phone_width_overview_legend_and_charts_fit(wide_server, browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(wide_server, timeout=120_000)
        wait_idle(page, timeout=120_000)
        charts = page.get_by_test_id("stVegaLiteChart")
        charts.first.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=stVegaLiteChart]')[0].querySelector('g.role-legend')"
        )
        width = page.evaluate("() => document.documentElement.clientWidth")
        legend = charts.first.locator("g.role-legend").first.bounding_box()
        assert legend["x"] >= 0 and legend["x"] + legend["width"] <= width, (legend, width)  # not clipped
        for n in range(charts.count()):
            box = charts.nth(n).bounding_box()
            if box:  # charts in a hidden tab have no box
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (n, box, width)
        overflow = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
        assert overflow <= width + 1
    finally:
        context.close()
