"""Free-form dates, through python-dateutil: US zone abbreviations, doubled spaces, month and day names
in English, Portuguese, Spanish, French, German, Italian and Dutch.

:func:`free_form` is the last resort of :func:`newsdesk.ingest.normalize.parse_date`, after the strict
forms (ISO 8601, RFC 822, epoch, ``YYYYMMDDTHHMMSS``). It refuses strings that lack a year, a month or a
day rather than filling them from today, the way dateutil would.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from datetime import datetime, tzinfo

from dateutil import parser as dateutil_parser
from dateutil import tz

# Month names and abbreviations (accents dropped, case-folded, trailing dot removed) -> English.
_MONTHS_BY_NUMBER = {
    1: "janeiro enero janvier januar gennaio januari janv jan ene gen jänner janner",
    2: "fevereiro febrero fevrier februar febbraio februari fev feb fevr febr",
    3: "marco marzo mars marz maart mar mär mrt",
    4: "abril avril aprile april abr avr apr",
    5: "maio mayo mai maggio mei mag may",
    6: "junho junio juin juni giugno jun giu juin",
    7: "julho julio juillet juli luglio jul juil lug",
    8: "agosto aout august augustus ago aou aug",
    9: "setembro septiembre septembre september settembre set sept sep",
    10: "outubro octubre octobre oktober ottobre out oct okt ott",
    11: "novembro noviembre novembre november nov",
    12: "dezembro diciembre decembre dezember dicembre december dez dic dec",
}
_ENGLISH = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS = {name: _ENGLISH[n] for n, names in _MONTHS_BY_NUMBER.items() for name in names.split()}
# Weekday names that are not also month names; dropped (the date does not need them).
WEEKDAYS = set(
    (
        "segunda terca quarta quinta sexta sabado domingo seg ter qua qui sex sab dom "
        "lunes martes miercoles jueves viernes lun mie jue vie "
        "lundi mardi mercredi jeudi vendredi samedi dimanche mer jeu ven sam dim "
        "montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so "
        "lunedi martedi mercoledi giovedi venerdi gio "
        "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag ma wo vr za zo "
        "feira"
    ).split()
)
FILLERS = {"de", "del", "le", "der", "den", "om", "um", "a", "las", "at"}
_WORD = re.compile(r"[^\W\d_]+\.?")
_RFC822_WEEKDAY = re.compile(r"^\s*[^\W\d_]+\.?\s*,\s*(?=\d)")

_EASTERN, _CENTRAL = tz.gettz("America/New_York"), tz.gettz("America/Chicago")
_MOUNTAIN, _PACIFIC = tz.gettz("America/Denver"), tz.gettz("America/Los_Angeles")
# Zone abbreviations a news date carries. The bare US names (ET, CT...) follow daylight saving.
TZINFOS: dict[str, int | tzinfo | None] = {
    "UTC": 0,
    "UT": 0,
    "GMT": 0,
    "Z": 0,
    "ET": _EASTERN,
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CT": _CENTRAL,
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MT": _MOUNTAIN,
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PT": _PACIFIC,
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
    "AKST": -9 * 3600,
    "AKDT": -8 * 3600,
    "HST": -10 * 3600,
    "BST": 3600,
    "WET": 0,
    "WEST": 3600,
    "CET": 3600,
    "CEST": 2 * 3600,
    "MEZ": 3600,
    "MESZ": 2 * 3600,
    "EET": 2 * 3600,
    "EEST": 3 * 3600,
    "MSK": 3 * 3600,
    "IST": 5 * 3600 + 1800,
    "SGT": 8 * 3600,
    "HKT": 8 * 3600,
    "JST": 9 * 3600,
    "KST": 9 * 3600,
    "AEST": 10 * 3600,
    "AEDT": 11 * 3600,
    "BRT": -3 * 3600,
}
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))
# Enough of a date to trust dateutil with: a four-digit year, a month name, or d/m/yy-like numbers.
_HAS_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)|[^\W\d_]{3}|(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?!\d)")


def _fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return plain.casefold().rstrip(".")


def to_english(text: str) -> str:
    """``text`` with foreign month names made English, weekday names and fillers ("de") dropped."""
    text = _RFC822_WEEKDAY.sub("", text)

    def swap(m: re.Match) -> str:
        word = _fold(m.group(0))
        if word in MONTHS:
            return MONTHS[word]
        if word in WEEKDAYS or word in FILLERS:
            return " "
        return m.group(0)

    return _WORD.sub(swap, text)


def free_form(text: str) -> datetime | None:
    """The moment written in ``text`` (naive when it names no zone), or None when dateutil cannot read
    a complete date (year, month and day) from it."""
    if len(text) > 100 or not _HAS_YEAR.search(text):
        return None
    english = to_english(text)
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # UnknownTimezoneWarning: an unknown zone name is refused below
        for default in _DEFAULTS:
            try:
                found.append(dateutil_parser.parse(english, default=default, tzinfos=TZINFOS))
            except (ValueError, OverflowError, TypeError, LookupError):
                return None
    first, second = found
    if first.date() != second.date() or (first.tzinfo is None and _names_a_zone(english)):
        return None
    return first


def _names_a_zone(text: str) -> bool:
    """True when ``text`` ends with a zone-like word dateutil did not understand (a date then would be
    wrong by hours)."""
    words = re.findall(r"[A-Za-z]{2,5}", text)
    last = words[-1] if words else ""
    return last.isupper() and last not in TZINFOS and last not in ("AM", "PM") and _fold(last) not in MONTHS
