"""The search box's little language, parsed into a plain value (no SQL, no I/O).

Syntax (also one line under the search box and in README.md, "Search")::

    tariff            every form of the word (tariffs, tariffed: the index is stemmed)
    bank*             words starting with bank
    "rate cut"        exactly these words, in this order, next to each other (no other forms)
    tariff OR duty    either word (OR in capitals; binds tighter than the spaces between terms)
    -china            articles without the word
    company:TSLA      articles naming the company (ticker or name; company:"Rolls-Royce")
    source:reuters    articles from a source whose name contains the text (source:"Wall St")

A negated field (``-source:benzinga``) leaves those articles out; the same field twice means any of
them. Parsing never raises: a stray quote, a lone ``-`` or ``OR``, an empty ``company:``, brackets or
any other FTS5 operator typed by a user are dropped or searched as plain words, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_TERMS = 20
MAX_LENGTH = 500
SYNTAX_HELP = (
    'Words match every form (tariff finds tariffs) · bank* prefix · "exact phrase" · tariff OR duty · '
    "-word leaves out · company:TSLA · source:reuters"
)
FIELDS = {"company": "companies", "ticker": "companies", "source": "sources"}

_TOKEN = re.compile(
    r"""(?P<neg>-)?(?:
        (?P<field>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"|(?P<value>[^\s"]*))
      | "(?P<phrase>[^"]*)"
      | (?P<word>[^\s"]+)
    )""",
    re.VERBOSE,
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: ``match`` is the FTS5 expression an article must match (None: no text
    condition), ``exclude`` the one it must not match; ``companies`` and ``sources`` (any of) narrow
    the articles, ``not_companies`` and ``not_sources`` leave articles out. ``phrases`` are the quoted
    phrases the article must hold word for word (``match`` finds them stemmed; a phrase inside an
    ``OR`` stays stemmed)."""

    match: str | None = None
    exclude: str | None = None
    phrases: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    not_companies: tuple[str, ...] = ()
    not_sources: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when the query narrows nothing."""
        return not (
            self.match or self.exclude or self.companies or self.sources or self.not_companies or self.not_sources
        )

    @property
    def needs_articles(self) -> bool:
        """True when only the ``articles`` table can answer (any condition at all)."""
        return not self.empty


def words(text: str) -> list[str]:
    """The words (runs of letters and digits) of ``text``, as the full-text index splits them."""
    return _WORD.findall(text)


def fts_term(text: str, prefix: bool = False) -> str | None:
    """One FTS5 string for ``text``: its words quoted as a phrase, with a prefix star when asked;
    None when no word is left. Nothing a user typed is left unquoted."""
    found = words(text)
    if not found:
        return None
    return '"' + " ".join(found) + '"' + ("*" if prefix else "")


def _any_of(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def parse(text: str | None) -> SearchQuery:
    """Parse the search box's ``text`` (see the module docstring); never raises."""
    text = (text or "")[:MAX_LENGTH].replace("\x00", " ")
    groups: list[list[str]] = []  # AND of groups, each an OR of terms
    literal: dict[int, str] = {}  # group index -> its quoted phrase, word for word
    excluded: list[str] = []
    fields: dict[str, list[str]] = {k: [] for k in ("companies", "sources", "not_companies", "not_sources")}
    join_next = False
    terms = 0
    for m in _TOKEN.finditer(text):
        negated = bool(m["neg"])
        field = FIELDS.get((m["field"] or "").lower())
        if field:
            value = " ".join((m["quoted"] if m["quoted"] is not None else m["value"] or "").split())
            if value:
                fields[("not_" if negated else "") + field].append(value[:100])
            join_next = False
            continue
        raw = m["word"] if m["word"] is not None else None
        if raw == "OR" and not negated:
            join_next = bool(groups)
            continue
        if m["field"]:  # an unknown field (title:x, http://…): its words
            raw = m.group(0).lstrip("-")
        if raw is not None:
            term = fts_term(raw, prefix=raw.endswith("*"))
        else:
            term = fts_term(m["phrase"] or "")
        if term is None or terms >= MAX_TERMS:
            continue
        terms += 1
        if negated:
            excluded.append(term)
            join_next = False
        elif join_next:
            groups[-1].append(term)
            literal.pop(len(groups) - 1, None)
            join_next = False
        else:
            if raw is None:
                literal[len(groups)] = " ".join(words(m["phrase"]))
            groups.append([term])
    return SearchQuery(
        match=" AND ".join(_any_of(g) for g in groups) or None,
        exclude=_any_of(excluded) if excluded else None,
        phrases=tuple(dict.fromkeys(literal.values())),
        **{k: tuple(dict.fromkeys(v)) for k, v in fields.items()},
    )
