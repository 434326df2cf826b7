"""Rewrite imports and dotted names after the house move (issue 25).

Run from a checkout: ``python tools/house_moves.py [FILE ...]`` (default: every .py, .md, .toml and
.txt file of the checkout but CHANGELOG.md). It rewrites ``newsdesk.pipeline`` to
``newsdesk.flows.ingest`` and the like (imports, monkeypatch targets, ``python -m``, docs),
``from newsdesk import pipeline`` to ``from newsdesk.flows import ingest as pipeline`` (the local
name stays), and paths such as ``newsdesk/pipeline.py``. A branch made on the old layout can run it
after merging. Idempotent.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MOVES = {
    "newsdesk.models": "newsdesk.domain.models",
    "newsdesk.identity": "newsdesk.domain.identity",
    "newsdesk.taxonomy": "newsdesk.domain.taxonomy",
    "newsdesk.reference": "newsdesk.domain.reference",
    "newsdesk.rejections": "newsdesk.domain.rejections",
    "newsdesk.cells": "newsdesk.domain.cells",
    "newsdesk.search": "newsdesk.domain.search",
    "newsdesk.stories": "newsdesk.score.stories",
    "newsdesk.scorecard": "newsdesk.scorecard.rules",
    "newsdesk.evidence": "newsdesk.scorecard.evidence",
    "newsdesk.stats": "newsdesk.scorecard.stats",
    "newsdesk.pipeline": "newsdesk.flows.ingest",
    "newsdesk.feeds": "newsdesk.flows.feeds",
    "newsdesk.track": "newsdesk.flows.prices",
    "newsdesk.export": "newsdesk.flows.export",
    "newsdesk.cli_alerts": "newsdesk.cli.alerts",
    "newsdesk.db.floors": "benchmarks.floors",
}
# names that moved out of a module that stays (step 2 of the move: the plain values of a view)
_VIEW_VALUES = ("parse_day", "Filters", "MARKET_ONLY", "MARKET_ALL", "MARKET_CHOICES", "parse_market",
                "UNCATEGORISED", "URL_MULTI", "DEMO_CHOICES", "MAX_TEXT", "from_params")  # fmt: skip
NAME_MOVES = {
    **{("newsdesk.db.read.filters", n): "newsdesk.domain.filters" for n in _VIEW_VALUES},
    ("newsdesk.db.read.options", "DefaultWindow"): "newsdesk.domain.filters",
    ("newsdesk.db.read.timeline", "UNCATEGORISED"): "newsdesk.domain.filters",
    ("newsdesk.db.periods", "GRAINS"): "newsdesk.domain.filters",
    ("newsdesk.db.read.sql", "decode_json"): "newsdesk.domain.cells",
    # score/decisions.py split by what it reads
    ("newsdesk.score.decisions", "exposure_text"): "newsdesk.domain.legs",
    **{("newsdesk.score.decisions", n): "newsdesk.score.decision_grammar" for n in ("SIDES", "_SCANNER", "CUES")},
    **{("newsdesk.score.decisions", n): "newsdesk.score.decision_horizon"
       for n in ("parse_horizon", "parse_conditions", "to_days", "UNIT_DAYS", "NUM_WORDS", "HORIZON")},
    # score/analyst.py: the houses, and a call as a decision
    **{("newsdesk.score.analyst", n): "newsdesk.score.analyst_houses"
       for n in ("canonical_author", "houses", "is_house")},
    **{("newsdesk.score.analyst", n): "newsdesk.score.analyst_legs"
       for n in ("NOT_A_COMPANY", "card_line", "excluded_spans", "fill_decision", "subject_leg")},
    # scorecard/rules.py: the groups, summaries and JSON
    **{("newsdesk.scorecard.rules", n): "newsdesk.scorecard.groups"
       for n in ("GroupStats", "summarise", "HORIZON_BUCKETS", "horizon_bucket", "exposure", "group_results",
                 "GROUP_KEYS", "cumulative_excess", "result_line", "ILLUSTRATIVE_MARK", "closes_label",
                 "decision_json", "group_json", "scorecard_json")},
}
SKIP = {"data", "fixtures", "fixtures_http", "__pycache__"}  # inputs, not code or docs

DOTTED = re.compile(r"(?<![\w.])(" + "|".join(re.escape(k) for k in sorted(MOVES, key=len, reverse=True)) + r")\b")
FROM_PKG = re.compile(r"^(?P<indent>[ \t]*)from newsdesk import (?P<names>[^\n(]+?)(?P<comment>\s*#.*)?$", re.M)
FROM_DB = re.compile(r"^(?P<indent>[ \t]*)from newsdesk\.db import (?P<names>[^\n(#]+)", re.M)


def _dotted(match: re.Match) -> str:
    old = match.group(1)
    if old == "newsdesk.scorecard":  # now a package too: only ``from newsdesk.scorecard import x`` and ``.x``
        rest = match.string[match.end() : match.end() + 40]
        modules = "|".join(p.stem for p in (ROOT / "newsdesk" / "scorecard").glob("*.py"))
        from_import = rest.startswith(" import ") and not re.match(rf" import ({modules})\b", rest)
        attribute = re.match(rf"\.(?!({modules})\b)\w", rest)
        if not (from_import or attribute):
            return old
    return MOVES[old]


def _from_pkg(match: re.Match) -> str:
    indent, comment = match.group("indent"), match.group("comment") or ""
    kept, moved = [], []
    for part in match.group("names").split(","):
        name, _, alias = (s.strip() for s in part.strip().partition(" as "))
        target = MOVES.get(f"newsdesk.{name}")
        if target is None:
            kept.append(part.strip())
            continue
        parent, _, leaf = target.rpartition(".")
        local = alias or name
        moved.append((parent, leaf if leaf == local else f"{leaf} as {local}"))
    lines = [f"{indent}from newsdesk import {', '.join(kept)}"] if kept else []
    by_parent: dict[str, list[str]] = {}
    for parent, item in moved:
        by_parent.setdefault(parent, []).append(item)
    lines += [f"{indent}from {parent} import {', '.join(items)}" for parent, items in by_parent.items()]
    lines[-1] += comment
    return "\n".join(lines)


def _from_db(match: re.Match) -> str:
    names = [n.strip() for n in match.group("names").split(",")]
    if "floors" not in names:
        return match.group(0)
    indent, rest = match.group("indent"), [n for n in names if n != "floors"]
    lines = [f"{indent}from benchmarks import floors"]
    return "\n".join(lines + ([f"{indent}from newsdesk.db import {', '.join(rest)}"] if rest else []))


def move_names(text: str) -> str:
    """``from newsdesk.db.read.filters import Filters, where`` -> one import of ``Filters`` from
    :mod:`newsdesk.domain.filters` and one of ``where`` from where it was (per :data:`NAME_MOVES`)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not any((node.module, a.name) in NAME_MOVES for a in node.names):
            continue
        indent = re.match(r"[ \t]*", lines[node.lineno - 1]).group(0)
        groups: dict[str, list[str]] = {}
        for a in node.names:
            target = NAME_MOVES.get((node.module, a.name), node.module)
            groups.setdefault(target, []).append(a.name if a.asname is None else f"{a.name} as {a.asname}")
        tail = lines[node.end_lineno - 1][node.end_col_offset :]
        new = [f"{indent}from {mod} import {', '.join(names)}\n" for mod, names in groups.items()]
        new[-1] = new[-1].rstrip("\n") + (tail if tail.strip() else "\n")
        edits.append((node.lineno - 1, node.end_lineno, new))
    for start, end, new in sorted(edits, reverse=True):
        lines[start:end] = new
    return "".join(lines)


def paths_of(old: str) -> tuple[str, str]:
    return old.replace(".", "/") + ".py", MOVES[old].replace(".", "/") + ".py"


def rewrite(text: str) -> str:
    text = FROM_DB.sub(_from_db, text)
    text = FROM_PKG.sub(_from_pkg, text)
    text = DOTTED.sub(_dotted, text)
    for old in MOVES:
        a, b = paths_of(old)
        text = re.sub(r"(?<![\w/])" + re.escape(a), b, text)
    return move_names(text)  # last: the names that left a module, once every module has its new name


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or [
        p
        for ext in ("py", "md", "toml", "txt")
        for p in ROOT.rglob(f"*.{ext}")
        if p.name != "CHANGELOG.md"
        and not any(part.startswith(".") or part in SKIP for part in p.relative_to(ROOT).parts)
        and p.resolve() != Path(__file__).resolve()
    ]
    changed = 0
    for path in files:
        try:
            old = path.read_text("utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite(old)
        if new != old:
            path.write_text(new, "utf-8")
            changed += 1
            print(path)
    print(f"{changed} files rewritten", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
