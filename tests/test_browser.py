"""User journeys in a real browser: a Streamlit server and headless Debian Chromium."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, require_chromium, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
TOPIC = "Trade & Tariffs"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    # No database yet: the dashboard must build the demo database on first start.
    with streamlit_server(tmp / "newsdesk.db", tmp / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


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


def test_pick_topic_then_download_csv(server, page) -> None:
    page.goto(server, timeout=120_000)
    wait_idle(page, timeout=120_000)
    assert page.locator("[data-testid=stVegaLiteChart]").count() >= 1
    total = int(metric(page, "Articles").replace(",", ""))
    assert total >= 120
    screenshot(page, "overview")

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name="Topics").click()
    page.get_by_role("option", name=TOPIC, exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_url("**topic=*", timeout=30_000)
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

    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download CSV").click()
    content = open(info.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == filtered
    assert all(TOPIC in r["categories"].split("; ") for r in rows)


def test_upload_on_ingest_page(server, page) -> None:
    from tests.conftest import FIXTURES

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
