"""Table tests of the normalisers: dates, URLs, ids, labels, category splitting."""

from __future__ import annotations

import pytest

from newsdesk.domain.taxonomy import category_names
from newsdesk.errors import RecordError
from newsdesk.ingest.normalize import article_id, canonical_url, collapse_ws, parse_date
from newsdesk.ingest.page import split_categories
from newsdesk.score.labels import normalise_label, sentiment_label


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-05-04T13:30:00Z", "2026-05-04T13:30:00Z"),
        ("2026-05-04T15:30:00+02:00", "2026-05-04T13:30:00Z"),
        ("2026-05-04 13:30:00", "2026-05-04T13:30:00Z"),
        ("2026-05-04", "2026-05-04T00:00:00Z"),
        ("20240307T071400", "2024-03-07T07:14:00Z"),
        ("20240307T0714", "2024-03-07T07:14:00Z"),
        ("Sat, 04 Feb 2023 00:00:00 -0500", "2023-02-04T05:00:00Z"),
        ("Mon, 04 May 2026 13:30:00 GMT", "2026-05-04T13:30:00Z"),
        ("1780000000", "2026-05-28T20:26:40Z"),
        (1780000000, "2026-05-28T20:26:40Z"),
        ("1394470370698", "2014-03-10T16:52:50Z"),  # epoch milliseconds
        (1394470370698, "2014-03-10T16:52:50Z"),
        ("Jul 18 2020", "2020-07-18T00:00:00Z"),
        (" 7:51  PM ET Fri, 17 July 2020", "2020-07-17T23:51:00Z"),  # ET in summer is EDT
        ("Jan 3 2020 10:00 ET", "2020-01-03T15:00:00Z"),  # ... and EST in winter
        ("July 17, 2020 at 7:51 PM EDT", "2020-07-17T23:51:00Z"),
        ("Jan 3 2020 10:00 PST", "2020-01-03T18:00:00Z"),
        ("18-Jul-20", "2020-07-18T00:00:00Z"),
        ("Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40Z"),  # Portuguese
        ("Mié, 06 Mar 2019 10:00:00 GMT", "2019-03-06T10:00:00Z"),  # Spanish
        ("Mar, 05 Mar 2019 10:00:00 +0100", "2019-03-05T09:00:00Z"),  # Spanish: martes, marzo
        ("lun., 04 févr. 2019 08:00:00 +0100", "2019-02-04T07:00:00Z"),  # French
        ("Do, 14 Mär 2019 10:00:00 +0100", "2019-03-14T09:00:00Z"),  # German
        ("gio, 14 mar 2019 10:00:00 +0100", "2019-03-14T09:00:00Z"),  # Italian
        ("do, 14 mrt 2019 10:00:00 +0100", "2019-03-14T09:00:00Z"),  # Dutch
        ("24 de setembro de 2018", "2018-09-24T00:00:00Z"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_date(raw, expected) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "yesterday",
        "2026-13-45",
        "20261345T000000",
        "32/13/2026",
        "1e400",
        "\x00",
        "May",
        "2026",
        "5",
        "1 2 3",
        "Mon, 04 May 2026 13:30:00 +9999",
        "July 2020",
    ],
)
def test_parse_date_rejects_with_a_reason(raw) -> None:
    with pytest.raises(RecordError, match="date|epoch"):
        parse_date(raw)


def _slow_parse(raw: str) -> str | type[Exception]:
    """``parse_date`` without its zoneless-ISO shortcut (what every form's tries give)."""
    try:
        return _without_shortcut(raw)
    except RecordError as exc:
        return type(exc)


def _without_shortcut(raw: str) -> str | None:
    from newsdesk.ingest import normalize

    shortcut, normalize._naive_iso = normalize._naive_iso, lambda text: None
    try:
        return parse_date(raw)
    finally:
        normalize._naive_iso = shortcut


@pytest.mark.parametrize(
    "raw",
    [
        "2020-06-05 14:30",
        "2020-06-05T14:30",
        "2020-06-05T14:30:15",
        "0001-01-01 00:00",  # out of range: refused the same way
        "0001-01-08 00:00",
        "0002-03-04 05:06",
        "9998-12-31 23:59",
        "9999-12-24 00:00",
        "9999-12-31 23:59",
        "2020-02-30 10:00",
        "2021-02-29 10:00",
        "2020-13-01 10:00",
        "2020-01-01 24:00",
        "2020-01-01 23:60",
        "2020-01-01 23:59:60",
        "2020-01-01 10:00:5",
        "\u0662\u0660\u0662\u0660-01-01 10:00",  # Arabic-Indic digits: not the shortcut's
    ],
)
def test_zoneless_iso_shortcut_gives_what_the_tries_give(raw) -> None:
    try:
        fast: str | type[Exception] | None = parse_date(raw)
    except RecordError as exc:
        fast = type(exc)
    assert fast == _slow_parse(raw)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM/a?utm_source=x&id=3#frag", "https://example.com/a?id=3"),
        ("https://example.com", "https://example.com/"),
        ("https://www.wsj.com/articles/x-1?mod=rss_markets_main", "https://www.wsj.com/articles/x-1"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("ftp://example.com/x", None),
        ("http://example.com/ ?utm_medium=#", "http://example.com/%20"),  # found by hypothesis: idempotent now
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(url, expected) -> None:
    assert canonical_url(url) == expected


def test_article_id_is_stable_and_url_first() -> None:
    a = article_id("https://example.com/x?utm_medium=rss", "S", "T", "2026-01-01T00:00:00Z")
    assert a == article_id("https://EXAMPLE.com/x", "Other", "Other title", None)
    assert article_id(None, "S", "Title!", "2026-01-01T10:00:00Z") == article_id(
        None, "s", "title", "2026-01-01T23:00:00Z"
    )
    assert article_id(None, "S", "Title", "2026-01-01") != article_id(None, "S", "Title", "2026-01-02")
    assert len(a) == 16


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (-1.0, "bearish"),
        (-0.35, "bearish"),
        (-0.3499, "somewhat-bearish"),
        (-0.15, "somewhat-bearish"),
        (-0.1499, "neutral"),
        (0.0, "neutral"),
        (0.1499, "neutral"),
        (0.15, "somewhat-bullish"),
        (0.3499, "somewhat-bullish"),
        (0.35, "bullish"),
        (1.0, "bullish"),
        (None, None),
    ],
)
def test_sentiment_label_bands(score, label) -> None:
    assert sentiment_label(score) == label


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Somewhat-Bullish", "somewhat-bullish"),
        ("Somewhat_Bullish", "somewhat-bullish"),
        ("NEUTRAL", "neutral"),
        (" bearish ", "bearish"),
        ("somewhat bearish", "somewhat-bearish"),
        ("positive", "bullish"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_label(raw, label) -> None:
    assert normalise_label(raw) == label


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Geopolitics & WarElections & Domestic PoliticsInfrastructure & Defense",
            ["Geopolitics & War", "Elections & Domestic Politics", "Infrastructure & Defense"],
        ),
        ("Technology & AIEarnings & Corporate", ["Technology & AI", "Earnings & Corporate"]),
        ("Space EconomyGeopolitics & War", ["Space Economy", "Geopolitics & War"]),
        ("Crypto MarketsBiotech", ["Crypto Markets", "Biotech"]),
        ("Macro & Growth", ["Macro & Growth"]),
        ("Macro & GrowthMacro & Growth", ["Macro & Growth"]),
    ],
)
def test_split_categories(line, expected) -> None:
    assert split_categories(line, sorted(category_names(), key=len, reverse=True)) == expected


def test_collapse_ws() -> None:
    assert collapse_ws("  a\n\t b  ") == "a b"
    assert collapse_ws(None) == ""
