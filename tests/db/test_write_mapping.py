"""The write path's shortcuts give what the plain code gives: the content hash's whitespace collapse,
the dedupe window's shifted times, and the JSON columns of a row."""

from __future__ import annotations

import json
import math
import random
from datetime import datetime, timedelta

import pytest

from newsdesk.db import dedupe, writes
from newsdesk.domain import identity
from newsdesk.domain.identity import collapse_ws, iso_utc, replace_unsafe


def _split_collapse(text: str | None) -> str:
    return " ".join(replace_unsafe(text or "").split())


def test_the_whitespace_list_is_every_character_split_splits_on() -> None:
    every = {c for c in map(chr, range(0x110000)) if c.isspace() and c != " "}
    assert set(identity._SPACES) == every
    assert set(identity._ASCII_SPACES) == {c for c in every if c.isascii()}


def _texts() -> list[str]:
    rng = random.Random(27)
    word = "ab\u00e9\u4e2d\x01\ud800"
    base = " ".join("".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 9))) for _ in range(80))
    out = [base, " " + base, base + " ", base.replace(" ", "  ", 1), base + "\u00e9", base[:300], "x" * 256]
    out += [base[:200] + ws + base[200:] for ws in (*identity._SPACES, "\u200b", "\ufeff")]
    out += [base[:100] + c + base[100:] for c in word]
    for _ in range(300):
        n = rng.randint(200, 400)
        out.append("".join(rng.choice("ab c\u00e9\n\t\xa0\u3000\x00\x1f") for _ in range(n)))
    return out


@pytest.mark.parametrize("text", [None, "", " ", "a  b", *_texts()])
def test_collapse_ws_is_the_split(text: str | None) -> None:
    assert collapse_ws(text) == _split_collapse(text)


def _old_shift(iso: str, hours: int) -> str:
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return iso_utc(moment + timedelta(hours=hours))


def test_shift_hours_is_iso_utc_of_the_shifted_time() -> None:
    rng = random.Random(20)
    cases = ["2024-02-29T23:59:59.5Z", "0999-03-01T10:00:00Z", "2024-01-01", "2024-01-01 05:00", "not a date", ""]
    for _ in range(3000):
        moment = datetime(
            rng.randint(2, 9998), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
        )
        cases.append(moment.isoformat() + rng.choice(["Z", "", "+05:30", "-08:00"]))
    for iso in cases:
        for hours in (-dedupe.DEDUPE_HOURS, dedupe.DEDUPE_HOURS, -dedupe.CROSS_SOURCE_HOURS):
            assert dedupe.shift_hours.__wrapped__(iso, hours) == _old_shift(iso, hours), (iso, hours)


@pytest.mark.parametrize(
    "value",
    [
        ["wins (+1.00)", "lifting \u2026 revenue (+1.00)", 'a "quote" \\ \n'],
        {"magnitude": 0.315, "terms": ["record"], "calm": 1.0, "copies": 0, "n": None, "ok": True, "e": 1e-300},
        {"x": math.inf, "y": -math.inf, "z": math.nan, "big": 10**30, "\ud800": "\U0001f600"},
        [{"basket": "tech", "side": "long"}, {"ticker": "AAPL", "side": "short", "weight": 0.5}],
        [],
        {},
    ],
)
def test_to_json_is_json_dumps(value: object) -> None:
    assert writes.to_json(value) == json.dumps(value)
