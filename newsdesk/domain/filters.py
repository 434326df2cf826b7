"""A view's filters as a plain value: :class:`Filters` (the dashboard's sidebar, the CLI's
options), the view a URL or a command line asks for (:func:`from_params`), and the vocabulary they
share (the market switch, the demo switch, the chart grains, the default window).

:mod:`newsdesk.db.read.filters` turns a :class:`Filters` into a plan and bound SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from newsdesk.errors import FilterError

GRAINS = ("day", "week", "month")  # the periods a chart can be drawn by (week starts on Monday)


def parse_day(value: str | date | None, what: str = "date") -> date | None:
    """Parse ``YYYY-MM-DD`` (or a date) into a date; None stays None; raise :class:`FilterError`."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise FilterError(f"{what} {value!r} is not a date: use YYYY-MM-DD") from None


@dataclass(frozen=True)
class Filters:
    """The view's filters. Every field narrows the articles: topics (any of, on the article's
    defining categories), an inclusive date range on ``published_at``, sentiment labels (any of),
    a minimum impact, sources (any of), companies or baskets (``7011.T`` or ``basket:japan-defense``;
    any of), free text searched in title, summary and body, sources left out (``hidden_sources``:
    the demo corpus when the user hides it), and the authors of analyst calls (``author``, any of: the
    articles holding a call by one of them, and in decision reads those calls only), and
    ``market``: ``"market"`` (the default: market news only, see :mod:`newsdesk.score.market`) or
    ``"all"`` (everything)."""

    topics: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    labels: tuple[str, ...] = ()
    min_impact: float | None = None
    sources: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    text: str = ""
    hidden_sources: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    market: str = "market"
    first_reports: bool = False  # only the first report of each story (issue 24)
    per_story: bool = False  # lists: one row per story (its earliest article in view), not per article

    @property
    def market_only(self) -> bool:
        """True unless the view asks for everything (``market="all"``)."""
        return self.market != MARKET_ALL


MARKET_ONLY, MARKET_ALL = "market", "all"
MARKET_CHOICES = (MARKET_ONLY, MARKET_ALL)


def parse_market(value: object) -> str:
    """``"all"`` for everything (also ``everything``, any case), else ``"market"``: an unknown value
    falls back to the default, market news only."""
    text = str(value or "").strip().lower()
    return MARKET_ALL if text in (MARKET_ALL, "everything") else MARKET_ONLY


# ------------------------------------------------------------------ a view from a URL or a command line

UNCATEGORISED = "Uncategorised"  # the topic of the articles with no category: shown, counted, selectable

URL_MULTI = {"topics": "topic", "labels": "label", "sources": "source", "companies": "company"}
DEMO_CHOICES = ("show", "hide")
MAX_TEXT = 200


def from_params(
    params: Mapping[str, Sequence[str]], demo_source: str | None = None, hide_demo_by_default: bool = False
) -> Filters:
    """The :class:`Filters` of a view's query parameters, as the dashboard's URL carries them
    (``?q=…&topic=…&since=…&until=…&label=…&min_impact=…&source=…&company=…&author=…``,
    ``market=all``, ``demo=show|hide``, ``first=1``, ``per=story``, each a list of values) and as
    ``export`` builds them from its options, so both give the same rows.
    ``demo_source`` is hidden when ``demo=hide``, or when ``hide_demo_by_default`` and the parameters
    do not say ``demo=show``. A bad date raises :class:`FilterError`; a bad minimum impact counts as
    none, out-of-range ones are clamped to 0-1; ``market`` other than ``all`` is market news only."""

    def first(name: str) -> str | None:
        values = [v for v in params.get(name) or () if v not in (None, "")]
        return str(values[0]) if values else None

    try:
        impact = min(1.0, max(0.0, float(first("min_impact") or 0)))
    except ValueError:
        impact = 0.0
    demo = first("demo")
    hide = demo == "hide" or (demo != "show" and hide_demo_by_default)
    multi = {
        name: tuple(dict.fromkeys(str(v) for v in params.get(param) or () if v)) for name, param in URL_MULTI.items()
    }
    return Filters(
        since=parse_day(first("since"), "since"),
        until=parse_day(first("until"), "until"),
        min_impact=impact or None,
        text=(first("q") or "").strip()[:MAX_TEXT],
        hidden_sources=(demo_source,) if hide and demo_source else (),
        author=tuple(dict.fromkeys(str(v) for v in params.get("author") or () if v)),
        market=parse_market(first("market")),
        first_reports=first("first") == "1",
        per_story=first("per") == "story",
        **multi,
    )


@dataclass(frozen=True)
class DefaultWindow:
    """Where a view starts and ends when nobody chose dates: ``since`` and ``until`` (None: the
    data's own first or last day) and ``note``, said beside the chart when the window is not simply
    the latest ``newsdesk.db.read.options.DEFAULT_DAYS`` days."""

    since: date | None = None
    until: date | None = None
    note: str | None = None
