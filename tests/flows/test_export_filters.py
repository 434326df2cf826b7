"""``export`` takes every filter of the dashboard, and a URL and a command line give the same rows:
the dashboard's Articles page opened on a URL lists exactly the articles ``export articles`` writes
with the matching options."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from newsdesk.db import custom_baskets, schema, writes
from newsdesk.db.read.articles import DEMO_SOURCE
from newsdesk.domain.filters import Filters, from_params
from newsdesk.domain.models import Article
from newsdesk.errors import FilterError
from newsdesk.flows import ingest as pipeline
from newsdesk.score import score_article
from tests.apptest_util import app, metrics
from tests.cli_util import run_cli
from tests.seed import seed

EXTRA = [
    # title, source, day
    ("Tesla shares fall as Musk sells stock", "Other Wire", "2026-06-10"),
    ("Tesla shares jump on record deliveries", "Other Wire", "2026-07-10"),
    ("Demo desk: tariff shock in the demo", DEMO_SOURCE, "2026-06-12"),
    ("Demo desk: rate cut in the demo", DEMO_SOURCE, "2026-07-08"),
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Path:
    path = seed(tmp_path_factory.mktemp("desk") / "desk.db")
    db = schema.connect(path)
    pipeline.ensure_reference(db)
    items = [
        score_article(Article(title=t, source=s, url=f"https://example.com/x/{n}", published_at=f"{d}T09:00:00Z"))
        for n, (t, s, d) in enumerate(EXTRA)
    ]
    writes.write_batch(db, items, [], "extra")
    custom_baskets.create_basket(db, "Cars", "", ["TSLA"])
    db.close()
    return path


def export_titles(path: Path, *args: str) -> set[str]:
    out = run_cli("export", "articles", "-o", "-", "--db", str(path), *args)
    assert out.returncode == 0, out.stderr
    return {r["title"] for r in csv.DictReader(io.StringIO(out.stdout.removeprefix("\ufeff")))}


def page_titles(path: Path, monkeypatch, params: dict[str, list[str]]) -> set[str]:
    monkeypatch.setenv("NEWSDESK_DB", str(path))
    at = app()  # the entry page opened on the URL, then the Articles page (as a browser does)
    for name, values in params.items():
        at.query_params[name] = values
    at.run()
    assert not at.exception
    kpi = int(metrics(at).get("Articles", "0").replace(",", ""))
    at.switch_page("pages/2_Articles.py").run()
    assert not at.exception
    titles = set(at.dataframe[-1].value["title"]) if at.dataframe else set()
    assert kpi == len(titles)
    return titles


DATES = {"since": ["2026-05-01"], "until": ["2026-07-31"]}
CASES = [
    ({"q": ["rate OR tariff"]}, ["--q", "rate OR tariff"]),
    ({"q": ['"rate cut"']}, ["--q", '"rate cut"']),
    ({"label": ["bearish", "bullish"]}, ["--label", "bearish", "--label", "bullish"]),
    ({"min_impact": ["0.5"]}, ["--min-impact", "0.5"]),
    ({"source": ["Other Wire"]}, ["--source", "Other Wire"]),
    ({"company": ["TSLA"]}, ["--company", "TSLA"]),
    ({"company": ["basket:cars"]}, ["--basket", "cars"]),
    ({"demo": ["show"], "q": ["demo"]}, ["--demo", "show", "--q", "demo"]),
    ({"q": ["demo"]}, ["--q", "demo"]),  # hidden by default once real articles are in: in both
    ({"topic": ["Trade & Tariffs"], "label": ["bearish"]}, ["--topic", "Trade & Tariffs", "--label", "bearish"]),
    ({"q": ["source:other -fall"]}, ["--q", "source:other -fall"]),
]


@pytest.mark.parametrize(("params", "args"), CASES, ids=[" ".join(a) for _, a in CASES])
def test_url_and_command_line_give_the_same_rows(desk, monkeypatch, params, args) -> None:
    cli = export_titles(desk, "--since", "2026-05-01", "--until", "2026-07-31", *args)
    page = page_titles(desk, monkeypatch, {**DATES, **params})
    assert cli == page
    everything = export_titles(desk, "--since", "2026-05-01", "--until", "2026-07-31", "--demo", "show")
    if args[:2] != ["--demo", "show"]:
        assert cli < everything  # each option narrows


def test_demo_hidden_by_default_in_export(desk) -> None:
    titles = export_titles(desk)
    assert titles and not any(t.startswith("Demo desk") for t in titles)
    assert {t for t in export_titles(desk, "--demo", "show") if t.startswith("Demo desk")} == {
        t for t, s, _ in EXTRA if s == DEMO_SOURCE
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "Nobody"], "unknown source 'Nobody'"),
        (["--company", "ZZZZ"], "unknown company 'ZZZZ'"),
        (["--basket", "nope"], "unknown basket 'nope'"),
        (["--until", "soon"], "--until 'soon' is not a date"),
        (["--label", "great"], "Invalid value for '--label'"),
        (["--min-impact", "2"], "Invalid value for '--min-impact'"),
    ],
)
def test_export_refuses_what_the_url_would_drop(desk, args, message) -> None:
    out = run_cli("export", "articles", "-o", "-", "--db", str(desk), *args)
    assert out.returncode in (1, 2) and message in out.stderr, out.stderr


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, Filters()),
        ({"q": ["  tariff  "], "min_impact": ["x"]}, Filters(text="tariff")),
        ({"min_impact": ["7"], "label": ["bearish", "bearish", ""]}, Filters(min_impact=1.0, labels=("bearish",))),
        ({"min_impact": ["0"]}, Filters()),
        ({"demo": ["hide"]}, Filters(hidden_sources=("D",))),
        ({"demo": ["show"]}, Filters()),
        ({"q": ["x" * 500]}, Filters(text="x" * 200)),
        ({"company": ["TSLA", "basket:cars"]}, Filters(companies=("TSLA", "basket:cars"))),
        ({"since": [None], "until": [""]}, Filters()),
    ],
)
def test_from_params(params, expected) -> None:
    assert from_params(params, "D") == expected


def test_from_params_hides_the_demo_by_default_when_asked_and_refuses_bad_dates() -> None:
    assert from_params({}, "D", hide_demo_by_default=True).hidden_sources == ("D",)
    assert from_params({"demo": ["show"]}, "D", hide_demo_by_default=True).hidden_sources == ()
    with pytest.raises(FilterError):
        from_params({"since": ["yesterday"]})
