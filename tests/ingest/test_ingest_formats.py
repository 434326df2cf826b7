"""The one registry of input formats (newsdesk.ingest.registry): every registered format reads a
fixture of its own through detection and parsing (by name, gzipped, forced, whole and streamed), and
the CLI's --format choices, the Ingest page's upload widget and format choice, and the README all
say exactly what the registry holds."""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest

from newsdesk.cli import cli
from newsdesk.ingest import decode, detect_format, read_path, registry, stream_path
from newsdesk.ingest.format import Format, Sample
from tests.conftest import FIXTURES, ROOT
from tests.ui.test_ingest_page import seeded  # noqa: F401 - the fixture
from tests.ui.test_pages import open_page

FIXTURE_OF = {
    "alphavantage": "alphavantage/news_sentiment.json",
    "newsapi": "newsapi/top_headlines.json",
    "json": "json/newsapi_array.json",
    "jsonl": "jsonl/huffpost_style.jsonl",
    "feed": "feed/rss2.xml",
    "page": "pages/full_headers.txt",
    "csv": "csv/kaggle_headlines.csv",
}


def titles(result) -> list[str]:
    return [a.title for a in result.articles]


def test_every_registered_format_has_a_fixture_here() -> None:
    assert set(FIXTURE_OF) == set(registry.NAMES)
    assert len(registry.NAMES) == len(registry.REGISTRY)  # no name twice


@pytest.mark.parametrize("fmt", registry.REGISTRY, ids=lambda f: f.name)
def test_a_fixture_round_trips_through_detection_and_parsing(fmt: Format, tmp_path: Path, caplog) -> None:
    path = FIXTURES / FIXTURE_OF[fmt.name]
    text = decode(path.read_bytes(), str(path))
    assert path.suffix in fmt.suffixes
    assert fmt.sniff(Sample(str(path), text))
    assert detect_format(str(path), text) == fmt.name
    assert registry.detect(Sample(str(path), text)) is fmt

    auto = read_path(path)
    assert titles(auto), "the fixture holds articles"
    assert titles(read_path(path, fmt.name)) == titles(auto)
    assert titles(fmt.parse(text, str(path))) == titles(auto)
    gz = tmp_path / f"{path.name}.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert titles(read_path(gz)) == titles(auto)

    with caplog.at_level(logging.INFO, logger="newsdesk.ingest"):
        chunks = list(stream_path(path))
    assert [t for c in chunks for t in titles(c)] == titles(auto)
    streamed = f"{path}: read as {fmt.name}, streamed"
    assert (streamed in caplog.messages) == (fmt.stream is not None), caplog.messages


@pytest.mark.parametrize("fmt", [f for f in registry.REGISTRY if f.by_name], ids=lambda f: f.name)
def test_a_by_name_format_reads_what_only_its_name_says(fmt: Format) -> None:
    """A file that no sniff claims is read as the by_name format whose ending it carries."""
    unclaimed = "not a record of any format\n"
    assert not any(f.sniff(Sample("in.dat", unclaimed)) for f in registry.REGISTRY)
    for suffix in fmt.suffixes:
        assert registry.detect(Sample(f"in{suffix}", unclaimed)) is fmt


def test_unknown_names_are_refused_with_the_registry_s_choices() -> None:
    from newsdesk.errors import UnknownFormatError

    with pytest.raises(UnknownFormatError, match="choose one of auto, "):
        registry.format_named("pdf")
    with pytest.raises(UnknownFormatError, match=registry.labels().split(",")[0]):
        registry.detect(Sample("in.dat", "not a record of any format\n"))


def test_the_cli_format_choices_are_the_registry() -> None:
    option = next(p for p in cli.commands["ingest"].params if p.name == "fmt")
    assert tuple(option.type.choices) == registry.CHOICES == ("auto", *registry.NAMES)
    assert option.default == registry.AUTO


def test_the_upload_widget_accepts_the_registry(seeded) -> None:  # noqa: F811 - the fixture
    at = open_page("pages/5_Ingest.py")
    assert not at.exception
    accepted = list(at.get("file_uploader")[0].proto.type)
    assert accepted == [f".{t}" for t in registry.upload_types()]
    assert set(accepted) == {s for f in registry.REGISTRY for s in f.suffixes} | {".gz"}
    assert at.selectbox(key="ingest_format").options == [registry.label_of(c) for c in registry.CHOICES]


def test_the_readme_names_every_format() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert [name for name in registry.NAMES if f"`{name}`" not in readme] == []
