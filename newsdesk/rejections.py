"""Rejected records grouped by reason, so 2,800 records rejected for one reason read as one line
with a count and a few examples instead of 2,800 lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdesk.models import Problem

EXAMPLES = 3
# a quoted value (Python repr quotes) that is not a bare field name such as 'title' or 'publishedAt'
_VALUE = re.compile(r"""'(?![A-Za-z_]+')(?:[^'\\]|\\.)*'|"(?![A-Za-z_]+")(?:[^"\\]|\\.)*\"""")
_DATE_VALUE = re.compile(r"""\bdate ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")  # any date value, even 'soon'
_LINE_PREFIX = re.compile(r"^line \d+: ")


def reason_pattern(reason: str) -> str:
    """``reason`` with every quoted value blanked (``date '…' is not a recognised date``): the key
    that groups records rejected for the same reason; field names in quotes are kept."""
    text = _DATE_VALUE.sub("date '…'", _LINE_PREFIX.sub("", reason))
    return _VALUE.sub("'…'", text)


def _values(reason: str) -> list[str]:
    return _VALUE.findall(_LINE_PREFIX.sub("", reason))


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
    return _DATE_VALUE.sub("date '…'", text)


def describe(group: ReasonGroup) -> str:
    """One line for a terminal: ``where: reason`` for one record, else
    ``2,800 × reason (e.g. f.csv:2, f.csv:3, f.csv:4)``."""
    if group.count == 1:
        return f"{group.examples[0].locator}: {group.reason}"
    return f"{group.count:,} × {group.reason} (e.g. {', '.join(group.locators)})"
