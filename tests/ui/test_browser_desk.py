"""Desk journeys in a real browser (Debian Chromium): at 1440 px the Decisions page keeps every
decision's text and links inside the page, and a click on a facet row's value or count (not only
its checkbox) filters by it."""

from __future__ import annotations

import pytest

from tests.browser_util import (
    chromium_browser,
    screenshot,
    streamlit_server,
    wait_idle,
)
from tests.seed import demo_desk

pytestmark = pytest.mark.browser

# every text of the main area that runs past its own box (a one-line link label cut by its column)
# or past the viewport, as (tag, text)
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const main = document.querySelector('[data-testid=stMain]');
    const out = [];
    for (const el of main.querySelectorAll('[data-testid=stMarkdownContainer] *, [data-testid=stPageLink] *')) {
        const box = el.getBoundingClientRect();
        const cut = el.children.length === 0 && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
        const past = box.width && box.right > width + 1;
        if (cut || past) out.push(el.tagName + ': ' + (el.innerText || '').slice(0, 60));
    }
    return {out, scroll: main.scrollWidth, width: main.clientWidth};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk-browser")
    db = tmp / "newsdesk.db"
    demo_desk(db)
    with streamlit_server(db, tmp / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()


def test_decisions_fit_at_1440(server, page) -> None:
    page.goto(f"{server}/Decisions", timeout=120_000)
    wait_idle(page, timeout=120_000)
    page.get_by_test_id("stPageLink").first.wait_for(state="visible", timeout=60_000)
    found = page.evaluate(OVERFLOW)
    screenshot(page, "decisions-1440")
    assert found["out"] == [] and found["scroll"] <= found["width"] + 1, found


def test_facet_click_on_the_value_filters(server, page) -> None:
    page.goto(f"{server}/Articles", timeout=120_000)
    wait_idle(page, timeout=120_000)
    grid = page.get_by_test_id("stDataFrame").nth(1)  # category, source, sentiment: the source facet
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + 35 + 18)  # the first row's value cell
    page.wait_for_url("**source=newsdesk+demo+desk*", timeout=30_000)
    wait_idle(page)
    assert "newsdesk demo desk" in page.get_by_test_id("stSidebar").inner_text()
