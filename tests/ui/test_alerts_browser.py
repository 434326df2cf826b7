"""The Alerts page in a real browser: the unseen count in the sidebar, the feed and the rules (URL
masked), the Brief tab; a screenshot to look at."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsdesk.alerts.rules import make_rule, with_start
from newsdesk.db import alerts as store
from newsdesk.db import schema
from newsdesk.flows.alerts import check
from tests.alerts_util import article, decision
from tests.alerts_util import store as store_articles
from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, require_chromium, screenshot, streamlit_server, wait_idle

pytestmark = pytest.mark.browser
SECRET = "pw-never-on-the-page"


def test_alerts_page_in_chromium(tmp_path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    path = tmp_path / "newsdesk.db"
    db = schema.connect(path)
    today = datetime.now(UTC).date().isoformat()
    legs = [{"ticker": "NVDA", "side": "long"}, {"ticker": "AMD", "side": "short"}]
    store_articles(
        db,
        article(
            "Nvidia soars on record orders",
            day=today,
            tickers=("NVDA",),
            impact=0.9,
            sentiment=0.5,
            decisions=[decision("Pair long Nvidia against AMD", legs, 90)],
        ),
    )
    url = f"json://bot:{SECRET}@127.0.0.1:9/hook"
    store.add_rule(db, with_start(make_rule({"name": "NVDA news", "companies": ["NVDA"], "notify": [url]}), "", True))
    check(db, send=lambda *_: "connection refused")  # recorded as a failed delivery
    db.close()
    with streamlit_server(path, tmp_path / "streamlit.log") as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{base}/Alerts", timeout=120_000)
        wait_idle(page, timeout=120_000)
        sidebar = page.get_by_test_id("stSidebar")
        assert sidebar.get_by_text("1 new alert").count() == 1
        assert page.get_by_test_id("stException").count() == 0
        assert page.get_by_test_id("stDataFrame").count() >= 1
        page.get_by_role("tab", name="Rules").click()
        wait_idle(page)
        screenshot(page, "alerts_rules")
        assert SECRET not in page.content()
        page.get_by_role("tab", name="Brief").click()
        wait_idle(page)
        assert page.get_by_text("Nvidia soars on record orders").count() >= 1
        assert page.get_by_text("long NVDA; short AMD").count() >= 1
        screenshot(page, "alerts_brief")
        page.get_by_role("tab", name="Fired").click()
        wait_idle(page)
        screenshot(page, "alerts_fired")
        browser.close()
