"""Rejected records grouped by reason, so 2,800 records rejected for one reason read as one line
with a count and a few examples instead of 2,800 lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.domain.models import Problem

EXAMPLES = 3
SHOWN_CHARS = 40  # an offending value is shown cut to this many characters
# a quoted value (Python repr quotes) that is not a bare field name such as 'title' or 'publishedAt'
_VALUE = re.compile(r"""'(?![A-Za-z_]+')(?:[^'\\]|\\.)*'|"(?![A-Za-z_]+")(?:[^"\\]|\\.)*\"""")
# a value after these words is always a value, even 'soon' or 'Acme' (a date, a row's title)
_DATE_VALUE = re.compile(r"""\b(date|titled) ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
_LINE_PREFIX = re.compile(r"^line \d+: ")


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """An offending value as a reason quotes it: its ``repr``, cut to ``limit`` characters with an
    ellipsis (``'Stocks That Hit 52-Week Lows On Monday…'``)."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def reason_pattern(reason: str) -> str:
    """``reason`` with every quoted value blanked (``date '…' is not a recognised date``): the key
    that groups records rejected for the same reason; field names in quotes are kept."""
    text = _DATE_VALUE.sub(r"\1 '…'", _LINE_PREFIX.sub("", reason))
    return _VALUE.sub("'…'", text)


def _values(reason: str) -> list[str]:
    return _VALUE.findall(_LINE_PREFIX.sub("", reason))


def _example_values(reason: str) -> list[str]:
    """Every quoted value of ``reason``: those after "date" or "titled" first, then the others."""
    text = _LINE_PREFIX.sub("", reason)
    fixed = [m.group(2) for m in _DATE_VALUE.finditer(text)]
    return fixed + [v for v in _VALUE.findall(_DATE_VALUE.sub("", text)) if v not in fixed]


@dataclass
class ReasonGroup:
    """Records rejected for one reason: the reason (with the values that differ between its records
    blanked), how many, and the first :data:`EXAMPLES` of them."""

    reason: str
    count: int = 0
    examples: list[Problem] = field(default_factory=list)

    @property
    def locators(self) -> list[str]:
        """Where the examples are (``file:line``, ``file#item[3]``)."""
        return [p.locator for p in self.examples]

    @property
    def shown_examples(self) -> list[str]:
        """Each example's place and, when the group's reason blanks its values, the value it gave
        (cut at :data:`SHOWN_CHARS`): ``f.csv:2 'soon'``."""
        out = []
        for p in self.examples:
            values = _example_values(p.reason) if "'…'" in self.reason else []
            blanked = [v for v in values if v not in self.reason]
            out.append(f"{p.locator} {_cut(blanked[0])}" if blanked else p.locator)
        return out


def group_problems(problems: Iterable[Problem], examples: int = EXAMPLES) -> list[ReasonGroup]:
    """The problems grouped by :func:`reason_pattern`, the largest group first (ties in order of
    first appearance). A group's reason keeps the quoted values all its records share (a hint such
    as ``'%d/%m/%Y'``) and blanks the others."""
    groups: dict[str, ReasonGroup] = {}
    shared: dict[str, list[str | None]] = {}
    for p in problems:
        key = reason_pattern(p.reason)
        group = groups.get(key)
        values = _values(p.reason)
        if group is None:
            group = groups[key] = ReasonGroup(key)
            shared[key] = list(values)
        elif len(values) == len(shared[key]):
            shared[key] = [old if old == new else None for old, new in zip(shared[key], values, strict=True)]
        group.count += 1
        if len(group.examples) < examples:
            group.examples.append(p)
    for key, group in groups.items():
        if group.count == 1:
            group.reason = group.examples[0].reason
            continue
        first = _LINE_PREFIX.sub("", group.examples[0].reason)
        if len(_values(first)) == len(shared[key]):
            group.reason = _fill(first, shared[key])
    return sorted(groups.values(), key=lambda g: -g.count)  # stable: first appearance breaks ties


def _fill(reason: str, values: list[str | None]) -> str:
    """``reason`` with its n-th quoted value replaced by ``values[n]`` ('…' where that is None)."""
    kept = iter(values)
    text = _VALUE.sub(lambda m: next(kept) or "'…'", reason)
    return _DATE_VALUE.sub(r"\1 '…'", text)


def _cut(quoted: str) -> str:
    """A quoted value from a reason cut at :data:`SHOWN_CHARS` characters (quotes kept)."""
    inner = quoted[1:-1]
    return quoted if len(inner) <= SHOWN_CHARS else f"{quoted[0]}{inner[:SHOWN_CHARS]}…{quoted[-1]}"


def describe(group: ReasonGroup) -> str:
    """One line for a terminal: ``where: reason`` for one record, else
    ``2,800 × reason (e.g. f.csv:2 'soon', f.csv:3 'later', f.csv:4 'n/a')``."""
    if group.count == 1:
        return f"{group.examples[0].locator}: {group.reason}"
    return f"{group.count:,} × {group.reason} (e.g. {', '.join(group.shown_examples)})"
