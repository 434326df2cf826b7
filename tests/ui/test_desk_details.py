"""Desk details: on the Decisions page a decision's long basket comes before its funding one and a
basket's panel is drawn once per page; the basket form's member picker never bulk-adds fuzzy
matches on Enter."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from components.cards import clip
from components.decision_view import side_order
from tests.apptest_util import app
from tests.seed import demo_desk

PANEL = re.compile(r"^\*\*(?P<name>.+)\*\* · (?P<side>.+)$")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_desk(tmp_path_factory.mktemp("desk") / "demo.db")


@pytest.fixture
def env(demo, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "d.db"
    shutil.copy(demo, path)
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    return path


def walk(node):
    """Every element under ``node`` in page order."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for key in sorted(children):
        yield from walk(children[key])


@pytest.mark.parametrize(
    ("sides", "ordered"),
    [
        (["funding", "long"], ["long", "funding"]),
        (["funding", "short", "long"], ["long", "short", "funding"]),
        (["holds 7011.T (long)", "long"], ["long", "holds 7011.T (long)"]),
        ([None, "Funding", "LONG"], ["LONG", "Funding", None]),
    ],
)
def test_sides_are_ordered_long_short_funding(sides, ordered) -> None:
    assert sorted(sides, key=side_order) == ordered


def panels_by_decision(at) -> list[list[dict]]:
    decisions, current = [], []
    for el in walk(at.main):
        if el.type == "divider":
            decisions.append(current)
            current = []
        elif el.type == "markdown" and PANEL.match(str(el.value)):
            current.append(PANEL.match(str(el.value)).groupdict())
        elif el.type == "caption" and "its panel is shown above" in str(el.value):
            current.append({"name": "(above)", "side": str(el.value).split(" · ")[1].split(" — ")[0]})
    return decisions


@pytest.mark.parametrize("trades", [None, "ev-makers"])
def test_decision_panels_come_long_first_and_once_per_page(env, trades) -> None:
    at = app()
    if trades:
        at.query_params["trades"] = trades  # the one decision funded by a basket (EV makers, before utilities by name)
    at.run()
    at.switch_page("pages/1_Decisions.py").run()
    assert not at.exception
    decisions = panels_by_decision(at)
    panels = [p for d in decisions for p in d if p["name"] != "(above)"]
    names = [p["name"] for p in panels]
    assert len(names) == len(set(names)), names  # no basket panel twice on the page
    if trades:
        assert ["long", "funding"] in [[p["side"] for p in d] for d in decisions]
    else:
        assert len(panels) >= 5 and any(p["name"] == "(above)" for d in decisions for p in d)
    for d in decisions:
        ranks = [side_order(p["side"]) for p in d]
        assert ranks == sorted(ranks), d


def test_member_picker_never_bulk_adds_matches(env) -> None:
    at = app().run()
    at.switch_page("pages/4_Baskets.py").run()
    assert not at.exception
    picker = at.multiselect(key="bk_new_members")
    assert picker.proto.select_all == 0  # no "Select N matches" for Enter to pick
    assert picker.proto.filter_mode == 1  # FILTER_MODE_CONTAINS: "TSLA" matches TSLA's row, never a fuzzy run


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short title", 40, "Short title"),
        (
            "UnitedHealth reaffirms 2026 earnings guidance and sketches cautious 2027 margin path",
            60,
            "UnitedHealth reaffirms 2026 earnings guidance and sketches…",
        ),
        ("Supercalifragilisticexpialidocious-and-then-some-more-words", 20, "Supercalifragilisti…"),
        ("  spaces   inside\nand lines ", 40, "spaces inside and lines"),
        ("Ends with a dash - and more words here", 20, "Ends with a dash…"),
        (None, 10, ""),
    ],
)
def test_clip_keeps_a_label_to_its_column(text, limit, expected) -> None:
    got = clip(text, limit)
    assert got == expected and len(got) <= limit
