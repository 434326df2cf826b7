"""The morning brief: the new article and its decision legs in Markdown and HTML, an HTML page that
references no remote resource (parsed), opened offline in Chromium, and the ``brief`` command."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsdesk.cli import cli
from newsdesk.flows.brief import build_brief, parse_window
from newsdesk.flows.brief_render import sparkline, to_html, to_markdown
from tests.alerts_util import article, decision, store
from tests.browser_util import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, require_chromium

NOW = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)


@pytest.fixture
def desk(db):
    legs = [{"ticker": "NVDA", "side": "long"}, {"ticker": "AMD", "side": "short"}]
    history = [article(f"Older {d}", day=f"2026-10-{d:02d}", sentiment=0.2 if d % 2 else -0.1) for d in range(1, 31)]
    store(db, *history)
    store(
        db,
        article(
            "Nvidia <b>beats</b> & raises",
            day="2026-11-19",
            sentiment=-0.6,
            impact=0.9,
            tickers=("NVDA",),
            decisions=[decision("Pair long Nvidia against AMD for 3 months", legs, 90)],
        ),
        article("Horizon call", day="2026-11-01", decisions=[decision("Buy NVDA for 3 weeks", legs[:1], 21)]),
    )
    return db


def test_the_brief_holds_the_new_article_its_legs_and_the_kpis(desk) -> None:
    brief = build_brief(desk.conn, parse_window("24h", NOW), NOW, base_url="http://desk.local:8501")
    assert brief.kpis["articles"] == 1 and brief.kpis["high_impact"] == 1
    assert [s["title"] for s in brief.stories] == ["Nvidia <b>beats</b> & raises"]
    assert brief.stories[0]["outlets"] == ["Hand Wire"]
    assert [d["exposure"] for d in brief.decisions] == ["long NVDA; short AMD"]
    assert [(d["ends"], d["text"]) for d in brief.horizons] == [("2026-11-22", "Buy NVDA for 3 weeks")]
    md = to_markdown(brief)
    assert "**Nvidia \\<b\\>beats\\</b\\> & raises**" in md and "long NVDA; short AMD" in md
    assert "[open](http://desk.local:8501/Article?id=" in md
    page = to_html(brief)
    assert "Nvidia &lt;b&gt;beats&lt;/b&gt; &amp; raises" in page and "long NVDA; short AMD" in page
    assert "<svg" in page  # the sentiment sparkline


class Resources(HTMLParser):
    """Every element that would load something (src, link, script, object, CSS url/import)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag in ("script", "link", "iframe", "object", "embed", "img", "video", "audio", "source"):
            self.loads.append(tag)
        self.loads += [f"{tag}[{k}]" for k in ("src", "srcset", "data", "poster") if a.get(k)]
        if a.get("href"):
            (self.anchors if tag == "a" else self.loads).append(a["href"])

    def handle_data(self, data) -> None:
        if "url(" in data or "@import" in data:
            self.loads.append(data[:40])


def test_the_html_references_no_remote_resource(desk) -> None:
    page = to_html(build_brief(desk.conn, parse_window("30d", NOW), NOW, base_url="javascript:alert(1)"))
    parser = Resources()
    parser.feed(page)
    assert parser.loads == []
    assert parser.anchors == []  # an address that is not http(s) never becomes a link
    assert "javascript:" not in page


def test_the_html_opens_offline_in_chromium(desk, tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    file = tmp_path / "brief.html"
    file.write_text(to_html(build_brief(desk.conn, parse_window("24h", NOW), NOW, "http://desk.local")), "utf-8")
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(file.as_uri())
        assert page.locator("h1").inner_text().startswith("newsdesk brief")
        assert page.locator("ol li a", has_text="Nvidia <b>beats</b> & raises").count() == 1  # shown as text
        assert page.locator("svg polyline").count() >= 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "brief.png"), full_page=True)
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.body).maxWidth") == "none"
        browser.close()
    assert requests == [file.as_uri()]  # nothing but the file itself


def test_the_brief_command_writes_both_files(desk, db_path: Path, tmp_path: Path) -> None:
    html_file, md_file = tmp_path / "b.html", tmp_path / "b.md"
    out = CliRunner().invoke(
        cli, ["brief", "--db", str(db_path), "--since", "2026-11-19", "--html", str(html_file), "--md", str(md_file)]
    )
    assert out.exit_code == 0, out.output
    assert "Nvidia" in md_file.read_text("utf-8") and html_file.read_text("utf-8").startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(cli, ["brief", "--db", str(db_path), "--since", "yesterday-ish"])
    assert bad.exit_code == 2 and "use 24h, 3d, 1w or a day" in bad.output


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("24h", datetime(2026, 11, 19, 7, 0, tzinfo=UTC)),
        ("3d", datetime(2026, 11, 17, 7, 0, tzinfo=UTC)),
        ("1w", datetime(2026, 11, 13, 7, 0, tzinfo=UTC)),
        (" 2026-11-01 ", datetime(2026, 11, 1, tzinfo=UTC)),
    ],
)
def test_parse_window(text, start) -> None:
    assert parse_window(text, NOW) == start


@pytest.mark.parametrize("text", ["", "h", "-3d", "3y", "2026-13-01", "yesterday"])
def test_parse_window_refuses(text) -> None:
    from newsdesk.errors import FilterError

    with pytest.raises(FilterError):
        parse_window(text, NOW)


@pytest.mark.parametrize(
    ("points", "lines", "dots"),
    [
        ([], 0, 0),
        ([("d1", None), ("d2", None)], 0, 0),
        ([("d1", 0.1), ("d2", -0.2), ("d3", 0.3)], 1, 0),
        ([("d1", 0.1), ("d2", None), ("d3", 0.3)], 0, 2),
        ([("d1", 0.5), ("d2", 0.5)], 1, 0),
    ],
)
def test_sparkline(points, lines, dots) -> None:
    svg = sparkline(points)
    assert svg.count("<polyline") == lines and svg.count("<circle") == dots
    assert (svg == "") == (lines + dots == 0)


@pytest.mark.parametrize(
    "title",
    [
        "[click](javascript:alert(1))",
        "<script>alert(1)</script>",
        "**bold** _x_ `code` | # h",
        "![img](http://x/y.png)",
    ],
)
def test_hostile_titles_stay_text(db, title) -> None:
    store(db, article(title, day="2026-11-19", impact=0.9))
    brief = build_brief(db.conn, parse_window("24h", NOW), NOW)
    md, page = to_markdown(brief), to_html(brief)
    assert not re.search(r"(?<!\\)\]\(", md.replace("](http", "")) and "![" not in md and "<script>" not in md
    assert "<script>" not in page and "<img" not in page
