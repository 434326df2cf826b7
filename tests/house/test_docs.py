"""Docs that cannot drift: the README's commands are the code's."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsdesk.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_test_command_is_the_ci_command() -> None:
    """.ci/run runs the README's test command (lint, types, tests), word for word."""
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    ci_line = re.search(r"^(pip install -q -r requirements-dev\.txt && .*?) \|\| status=\$\?$", ci, re.M)
    assert ci_line, ".ci/run has no `pip install ... || status=$?` line"
    assert f"\n{ci_line.group(1)}\n" in README
    assert "mypy" in ci_line.group(1).split(" && ")


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command of the CLI by its words (``("alerts", "add")``), groups included, walked from the group."""
    out = []
    for name, command in sorted(group.commands.items()):
        out.append(((*path, name), command))
        if isinstance(command, click.Group):
            out += commands(command, (*path, name))
    return out


COMMANDS = commands(cli)


def named_in_readme(words: tuple[str, ...]) -> bool:
    """The README names a command as code: ``prices fetch``, ``python -m newsdesk brief`` or one of a
    group's alternatives (``alerts add|list|remove``)."""
    *group, name = words
    before = "".join(re.escape(g) + " " for g in group)
    return bool(re.search(rf"(?:`|newsdesk ){before}(?:[\w-]+\|)*{re.escape(name)}(?![\w-])", README))


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS], ids=" ".join)
def test_every_command_is_in_the_readme(words) -> None:
    assert named_in_readme(words), f"README.md never names `{' '.join(words)}`"


def test_the_command_walk_sees_subcommands() -> None:
    found = {w for w, _ in COMMANDS}
    assert {("alerts", "pause"), ("prices", "fetch"), ("bench", "storage"), ("brief",)} <= found
    assert not named_in_readme(("alerts", "snooze")) and not named_in_readme(("prices", "guess"))


PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_is_named_in_the_dashboard_section(page) -> None:
    """Each page of pages/ (``4_Baskets.py``: **Baskets**) has its bullet in "The dashboard"."""
    section = README.split("## The dashboard", 1)[1].split("\n## ", 1)[0]
    name = page.stem.split("_", 1)[1].replace("_", " ")
    assert f"- **{name}**" in section


def test_the_dashboard_section_counts_the_pages() -> None:
    """The section's page count is the pages' (the overview in dashboard.py, plus pages/)."""
    words = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    section = README.split("## The dashboard", 1)[1]
    assert f"opens {words[len(PAGES) + 1]} pages" in section


# ------------------------------------------------------------------ command lines shown in the README

GROUP_OPTIONS = {o for p in cli.params for o in (*p.opts, *p.secondary_opts)}


def shown_command_lines() -> list[str]:
    """Every ``python -m newsdesk ...`` line of README.md's code (blocks and spans), cut at a comment,
    a redirection or a pipe."""
    lines = []
    for span in re.findall(r"```.*?```|`[^`\n]+`", README, re.S):
        for line in span.strip("`").splitlines():
            m = re.search(r"python -m newsdesk((?: [^\s#>|]+| \"[^\"]*\")*)", line)
            if m and m.group(1).strip():  # the bare `python -m newsdesk` names the program
                lines.append(m.group(1).strip())
    return lines


def resolve(tokens: list[str]) -> tuple[tuple[str, ...], click.Command, list[str]]:
    """The command a command line names, its words and the tokens after them (group options skipped)."""
    command: click.Command = cli
    words: list[str] = []
    rest = list(tokens)
    while rest and isinstance(command, click.Group):
        if rest[0] in GROUP_OPTIONS and not words:
            rest.pop(0)
            continue
        sub = command.commands.get(rest[0])
        if sub is None:
            break
        words.append(rest.pop(0))
        command = sub
    return tuple(words), command, rest


LINES = shown_command_lines()


def wrong_words(line: str) -> tuple[tuple[str, ...], list[str]]:
    """The command a shown line names, and what in it the CLI does not know (no command, a
    subcommand or an option it lacks)."""
    tokens = [t for t in shlex.split(line) if t.strip(".)") and t != "-"]  # "bench ...", "-o -" (stdout)
    words, command, rest = resolve(tokens)
    if not words:
        return words, [line]
    if isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        return words, [rest[0]]
    known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}
    options = [o for t in rest for o in t.strip("[]").split("/") if o.startswith("-") and not re.match(r"-\d", o)]
    return words, [o for o in options if o.split("=")[0] not in known]  # -0.2 is a value, not an option


@pytest.mark.parametrize("line", LINES)
def test_a_command_line_in_the_readme_names_a_command_and_its_options(line) -> None:
    words, wrong = wrong_words(line)
    assert wrong == [], f"`python -m newsdesk {line}`: the CLI has no {wrong}"
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("line", "wrong"),
    [
        ("-v watch --every 15m", []),
        ("alerts add x --company A --sentiment-below -0.2 [--author NAME]", []),
        ("alerts snooze x", ["snooze"]),
        ("scorecard --by horizon --colour", ["--colour"]),
        ("brief [--since 24h] [--pdf FILE]", ["--pdf"]),
        ("report", ["report"]),
    ],
)
def test_wrong_words(line, wrong) -> None:
    assert wrong_words(line)[1] == wrong


def test_the_readme_shows_command_lines() -> None:
    assert len(LINES) >= 20
