"""An alert rule: a name, the filter bar's conditions, an event kind, and where to send it.

A rule's conditions are the filter bar's vocabulary (companies, baskets, topics, sources, search
text, labels, minimum impact), so :meth:`Rule.filters` is a :class:`Filters` value and the same
WHERE clause answers the rule and the dashboard. Its ``kind`` says what event it waits for
(:data:`KINDS`). Rules travel as TOML (:func:`rules_from_toml`, :func:`rules_to_toml`); a bad rule
in a file becomes a problem with a reason, never the end of the import.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import tomli_w

from newsdesk.alerts.secrets import NotifyUrlError, check_url
from newsdesk.domain.filters import Filters
from newsdesk.errors import NewsdeskError
from newsdesk.score.labels import LABELS

ARTICLE, DECISION, SENTIMENT, MOVED, HORIZON, GRADE = "article", "decision", "sentiment", "moved", "horizon", "grade"
KINDS = {
    ARTICLE: "a new article matching the conditions",
    DECISION: "a new decision (on a company, basket or author when given)",
    SENTIMENT: "the mean sentiment over a window crossing a threshold",
    MOVED: "a category's sentiment moving beyond z standard deviations (What moved)",
    HORIZON: "a decision's horizon ending within N days",
    GRADE: "a decision's grade changing from open to closed",
}
NAME_MAX = 80


class RuleError(NewsdeskError):
    """A rule cannot be made, stored or read as given; the message says why."""


def _strings(value, what: str) -> tuple[str, ...]:
    """A tuple of non-empty stripped strings from a string or a list of them."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise RuleError(f"{what} must be a list of text, not {type(value).__name__}")
    out = []
    for v in value:
        if not isinstance(v, str):
            raise RuleError(f"{what} must be a list of text; {v!r} is not text")
        if v.strip() and v.strip() not in out:
            out.append(v.strip())
    return tuple(out)


def _number(value, what: str, lo: float, hi: float, whole: bool = False) -> float | int | None:
    """``value`` as a number in ``lo``..``hi`` (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RuleError(f"{what} must be a number, not {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise RuleError(f"{what} must be a number, not {value!r}") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise RuleError(f"{what} must be between {lo:g} and {hi:g}, not {value!r}")
    if whole:
        if number != int(number):
            raise RuleError(f"{what} must be a whole number, not {value!r}")
        return int(number)
    return number


@dataclass(frozen=True)
class Rule:
    """One alert rule. ``companies`` are tickers, ``baskets`` basket ids; ``below``/``above`` are the
    sentiment thresholds of a ``sentiment`` rule over ``window_days``; ``z`` the bar of a ``moved``
    rule; ``days`` the horizon window of a ``horizon`` rule; ``author`` narrows a ``decision`` rule
    (where decisions carry an author). ``starts_at`` (ISO UTC; '' = all history) is when the rule
    starts watching."""

    name: str
    kind: str = ARTICLE
    companies: tuple[str, ...] = ()
    baskets: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    text: str = ""
    min_impact: float | None = None
    author: str = ""
    below: float | None = None
    above: float | None = None
    window_days: int = 7
    z: float = 2.0
    days: int = 7
    notify: tuple[str, ...] = ()
    paused: bool = False
    starts_at: str = ""
    id: int | None = field(default=None, compare=False)

    def filters(self, hidden_sources: tuple[str, ...] = ()) -> Filters:
        """The rule's conditions as the filter bar's :class:`Filters` (companies and baskets as one
        list, baskets as ``basket:<id>``)."""
        return Filters(
            topics=self.topics,
            labels=self.labels,
            min_impact=self.min_impact,
            sources=self.sources,
            companies=(*self.companies, *(f"basket:{b}" for b in self.baskets)),
            text=self.text,
            hidden_sources=hidden_sources,
        )

    def conditions(self) -> dict:
        """The rule's conditions (everything but name, kind, notify, paused, start and id), as stored."""
        skip = {"name", "kind", "notify", "paused", "starts_at", "id"}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items() if k not in skip}

    def describe(self) -> str:
        """One line: the kind and every condition set, e.g. ``article · companies NVDA · min impact 0.7``
        (a kind's own parameters only for that kind)."""
        own = {SENTIMENT: ("below", "above", "window_days"), MOVED: ("z",), HORIZON: ("days",)}
        kind_only = {"below", "above", "window_days", "z", "days"} - set(own.get(self.kind, ()))
        parts = [self.kind]
        for name, value in self.conditions().items():
            if name in kind_only or value in ([], "", None):
                continue
            shown = ", ".join(value) if isinstance(value, list) else f"{value:g}" if isinstance(value, float) else value
            parts.append(f"{name.replace('_', ' ')} {shown}")
        return " · ".join(str(p) for p in parts)


def make_rule(data: dict) -> Rule:
    """A checked :class:`Rule` from a plain dict (TOML table, CLI options, form); raise :class:`RuleError`."""
    if not isinstance(data, dict):
        raise RuleError("a rule must be a table of fields")
    known = {f.name for f in fields(Rule)}
    unknown = sorted(set(data) - known - {"backfill"})
    if unknown:
        raise RuleError(f"unknown field {unknown[0]!r}; fields: {', '.join(sorted(known - {'id'}))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RuleError("a rule needs a name")
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise RuleError(f"a rule's name has at most {NAME_MAX} characters")
    kind = data.get("kind") or ARTICLE
    if kind not in KINDS:
        raise RuleError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    labels = _strings(data.get("labels"), "labels")
    bad = [lb for lb in labels if lb not in LABELS]
    if bad:
        raise RuleError(f"unknown label {bad[0]!r}; labels: {', '.join(LABELS)}")
    text = data.get("text") or ""
    author = data.get("author") or ""
    if not isinstance(text, str) or not isinstance(author, str):
        raise RuleError("text and author must be text")
    notify = _strings(data.get("notify"), "notify")
    for url in notify:
        try:
            check_url(url)
        except NotifyUrlError as exc:
            raise RuleError(str(exc)) from None
    rule = Rule(
        name=name,
        kind=kind,
        companies=tuple(t.upper() for t in _strings(data.get("companies"), "companies")),
        baskets=_strings(data.get("baskets"), "baskets"),
        topics=_strings(data.get("topics"), "topics"),
        sources=_strings(data.get("sources"), "sources"),
        labels=labels,
        text=text.strip(),
        min_impact=_number(data.get("min_impact"), "min_impact", 0, 1),
        author=author.strip(),
        below=_number(data.get("below"), "below", -1, 1),
        above=_number(data.get("above"), "above", -1, 1),
        window_days=int(_number(data.get("window_days", 7), "window_days", 1, 365, whole=True) or 7),
        z=_number(data.get("z", 2.0), "z", 0.1, 20) or 2.0,
        days=int(_number(data.get("days", 7), "days", 0, 3650, whole=True) or 0),
        notify=notify,
        paused=bool(data.get("paused", False)),
        starts_at=str(data.get("starts_at") or ""),
        id=data.get("id"),
    )
    if kind == SENTIMENT and rule.below is None and rule.above is None:
        raise RuleError("a sentiment rule needs a threshold: below (e.g. -0.2) or above (e.g. 0.3)")
    if kind == SENTIMENT and not (rule.companies or rule.baskets or rule.topics):
        raise RuleError("a sentiment rule needs a company, a basket or a topic to watch")
    return rule


def rule_record(rule: Rule) -> dict[str, Any]:
    """The rule as one TOML table (no id; empty fields left out)."""
    out: dict[str, Any] = {"name": rule.name, "kind": rule.kind}
    for key, value in rule.conditions().items():
        if value in ([], "", None):
            continue
        out[key] = value
    if rule.notify:
        out["notify"] = list(rule.notify)
    out["paused"] = rule.paused
    if rule.starts_at:
        out["starts_at"] = rule.starts_at
    return out


def rules_to_toml(rules: list[Rule]) -> str:
    """A TOML document of ``[[rule]]`` tables, one per rule."""
    return tomli_w.dumps({"rule": [rule_record(r) for r in rules]})


def rules_from_toml(text: str) -> tuple[list[Rule], list[str]]:
    """The rules of a TOML document and a problem line per rule that could not be read (the
    others are still read); a document that is not TOML at all is one problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"not a TOML file: {exc}"]
    tables = doc.get("rule", [])
    if not isinstance(tables, list):
        return [], ["'rule' must be an array of tables: write [[rule]] before each rule"]
    rules, problems, seen = [], [], set()
    for n, table in enumerate(tables, 1):
        try:
            rule = make_rule({k: v for k, v in table.items() if k != "id"} if isinstance(table, dict) else table)
        except RuleError as exc:
            label = table.get("name") if isinstance(table, dict) else None
            problems.append(f"rule {n}{f' ({label!r})' if label else ''}: {exc}")
            continue
        if rule.name in seen:
            problems.append(f"rule {n} ({rule.name!r}): a rule of that name came earlier in the file")
            continue
        seen.add(rule.name)
        rules.append(rule)
    return rules, problems


def with_start(rule: Rule, now: str, backfill: bool) -> Rule:
    """The rule starting ``now`` (ISO UTC), or from all history with ``backfill``."""
    return replace(rule, starts_at="" if backfill else now)
