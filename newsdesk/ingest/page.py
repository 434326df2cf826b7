"""Parser of the scored-article page exported by AI research terminals.

The layout (see ``shared/samples``)::

    Back to News
    Market Impact: 0.15
    [Published: 2026-05-04T13:30:00Z]     optional header lines newsdesk also reads:
    [Source: ...] [URL: ...] [Note: ...]  Published, Source, URL, Note
    <title>
    <categories written back to back, e.g. "Geopolitics & WarInfrastructure & Defense">
    <title again>
    <summary paragraphs>
    Analysis
    <analysis paragraphs>
    [<terminal name> / <tagline> / Request Demo]   branding footer, its name becomes the source
    Market Sentiment / Overall Sentiment / <label> / Sentiment Score / <score>
    Key Decisions for Investors
      • <decision>  (one bullet per decision)

A file may hold several pages; each starts at ``Back to News`` or at a ``Market Impact:`` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from newsdesk.domain.models import Article, CategoryTag, Decision, ParseResult, Problem
from newsdesk.domain.taxonomy import category_names
from newsdesk.errors import RecordError
from newsdesk.ingest.format import Format, Sample, Source
from newsdesk.ingest.normalize import collapse_ws, parse_date
from newsdesk.ingest.options import ReadOptions
from newsdesk.score.labels import normalise_label

BACK = "back to news"
ANALYSIS = "analysis"
MARKET_SENTIMENT = "market sentiment"
OVERALL = "overall sentiment"
SCORE = "sentiment score"
DECISIONS = "key decisions for investors"
REQUEST_DEMO = "request demo"
SECTION_ENDS = (MARKET_SENTIMENT, OVERALL, SCORE, DECISIONS)
MARKERS = (ANALYSIS, *SECTION_ENDS)

_HEADER = re.compile(r"^\s*(market impact|published|source|url|note)\s*:\s*(.*?)\s*$", re.I)
_INLINE = re.compile(r"^\s*(overall sentiment|sentiment score)\s*:\s*(.+?)\s*$", re.I)
_BULLET = re.compile(r"^\s*(?:[•\-\*·▪●‣◦–]|\d{1,2}[.)])\s+(.*\S)\s*$")
_CAMEL = re.compile(r"(?<=[a-z0-9)])(?=[A-Z])")
_FOOTER_MAX_WORDS = 25


def looks_like_page(text: str) -> bool:
    """True when ``text`` carries the markers of a scored-article page."""
    low = text.casefold()
    hits = sum(
        marker in low
        for marker in ("market impact:", "key decisions for investors", "overall sentiment", "\nanalysis\n")
    )
    return hits >= 2 or low.lstrip().startswith(("back to news", "market impact:"))


def split_pages(lines: list[str]) -> list[int]:
    """Return the 0-based line index where each page of ``lines`` starts."""
    starts: list[int] = []
    prev = ""
    for i, line in enumerate(lines):
        low = line.strip().casefold()
        if low == BACK or (low.startswith("market impact:") and prev != BACK):
            starts.append(i)
        if low:
            prev = low
    if not starts:
        return [0]
    if any(line.strip() for line in lines[: starts[0]]):
        starts[0] = 0
    return starts


def parse_text(text: str, source_name: str, categories: Iterable[str] = (), options=None) -> ParseResult:
    """Parse every page in ``text``. ``source_name`` (e.g. a file path) prefixes each locator;
    ``categories`` are the known category names used to split a run-together categories line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    starts = split_pages(lines)
    known = sorted(set(categories), key=len, reverse=True)
    result = ParseResult()
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block = lines[start:end]
        if not any(line.strip() for line in block):
            continue
        locator = f"{source_name}:{start + 1}"
        try:
            article = parse_page(block, start + 1, known)
        except RecordError as exc:
            raw = "\n".join(block).strip()
            result.problems.append(Problem(source_name, locator, str(exc), raw[:2000]))
            continue
        article.locator = locator
        result.articles.append(article)
    return result


def parse_page(lines: list[str], first_line: int = 1, known_categories: list[str] | None = None) -> Article:
    """Parse one page (its lines) into an :class:`Article`; raise :class:`RecordError` when the
    page is malformed. ``first_line`` is the 1-based file line of ``lines[0]`` for messages."""
    low = [line.strip().casefold() for line in lines]
    if not any(m in low for m in (DECISIONS, ANALYSIS, OVERALL)) and not any(
        x.startswith("market impact:") for x in low
    ):
        raise RecordError(
            "no scored-article page found: expected 'Market Impact:', 'Analysis', "
            "'Overall Sentiment' or 'Key Decisions for Investors' lines"
        )
    i = _skip_blank(lines, 0)
    if i < len(lines) and low[i] == BACK:
        i += 1
    header: dict[str, tuple[str, int]] = {}
    while i < len(lines):
        m = _HEADER.match(lines[i])
        if m:
            header[m.group(1).casefold()] = (m.group(2), first_line + i)
        elif lines[i].strip():
            break
        i += 1
    if i >= len(lines) or low[i] in MARKERS:
        raise RecordError("the page has no title: a title line must follow the 'Market Impact:' header")
    title = collapse_ws(lines[i])
    i += 1

    cats: list[str] = []
    j = _skip_blank(lines, i)
    if j < len(lines) and low[j] not in MARKERS:
        candidate = lines[j].strip()
        k = _skip_blank(lines, j + 1)
        if collapse_ws(candidate) == title:
            i = j + 1
        elif k < len(lines) and collapse_ws(lines[k]) == title:
            cats, i = split_categories(candidate, known_categories or []), k + 1
        else:
            split = split_categories(candidate, known_categories or [], strict=True)
            if split:
                cats, i = split, j + 1

    end_summary = _find(low, (ANALYSIS, *SECTION_ENDS), i)
    summary = _paragraphs(lines[i:end_summary])
    body_paras: list[str] = []
    brand = None
    if end_summary < len(lines) and low[end_summary] == ANALYSIS:
        end_body = _find(low, SECTION_ENDS, end_summary + 1)
        body_paras, brand = _strip_footer(_paragraphs(lines[end_summary + 1 : end_body]))

    label_raw, label_line = _value_after(lines, low, OVERALL)
    score_raw, score_line = _value_after(lines, low, SCORE)
    decisions = _decisions(lines, low)

    impact = None
    if "market impact" in header:
        raw, line_no = header["market impact"]
        impact = _number(raw, 0.0, 1.0, f"line {line_no}: Market Impact", percent_ok=True)
    score = None
    if score_raw is not None:
        score = _number(score_raw, -1.0, 1.0, f"line {first_line + score_line}: Sentiment Score")
    try:
        label = normalise_label(label_raw)
    except RecordError as exc:
        raise RecordError(f"line {first_line + label_line}: {exc}") from None
    published = None
    if "published" in header:
        raw, line_no = header["published"]
        try:
            published = parse_date(raw)
        except RecordError as exc:
            raise RecordError(f"line {line_no}: {exc}") from None
    source = collapse_ws(header.get("source", ("", 0))[0]) or brand or "scored page"
    url = collapse_ws(header.get("url", ("", 0))[0]) or None
    if not summary and not body_paras:
        raise RecordError(f"'{title[:60]}': the page has neither a summary nor an analysis to read")
    return Article(
        title=title,
        source=source,
        url=url,
        published_at=published,
        summary="\n\n".join(summary),
        body="\n\n".join(body_paras),
        source_sentiment=score,
        source_sentiment_label=label,
        source_impact=impact,
        categories=[CategoryTag(c, None, "source") for c in cats],
        decisions=[Decision(position=n + 1, text=t) for n, t in enumerate(decisions)],
    )


def split_categories(line: str, known: list[str], strict: bool = False) -> list[str]:
    """Split a run-together categories line ("Geopolitics & WarElections & Domestic Politics").

    Known category names (longest first) are matched at each position; an unknown stretch is cut
    where a lower-case letter meets an upper-case one. With ``strict`` only known names count and
    an empty list is returned when the line is not made of them.
    """
    text = line.strip()
    out: list[str] = []
    pending = ""
    pos = 0
    while pos < len(text):
        hit = next((k for k in known if text.startswith(k, pos)), None)
        if hit:
            if pending.strip():
                if strict:
                    return []
                out.extend(p.strip() for p in _CAMEL.split(pending) if p.strip())
            pending = ""
            out.append(hit)
            pos += len(hit)
        else:
            pending += text[pos]
            pos += 1
    if pending.strip():
        if strict:
            return []
        out.extend(p.strip() for p in _CAMEL.split(pending) if p.strip())
    seen: list[str] = []
    for c in out:
        c = c.strip(" ,;|")
        if c and c not in seen:
            seen.append(c)
    return seen


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _find(low: list[str], markers: tuple[str, ...], start: int) -> int:
    for i in range(start, len(low)):
        if low[i] in markers or _INLINE.match(low[i]):
            return i
    return len(low)


def _paragraphs(lines: list[str]) -> list[str]:
    paras, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(collapse_ws(" ".join(cur)))
            cur = []
    if cur:
        paras.append(collapse_ws(" ".join(cur)))
    return paras


def _strip_footer(paras: list[str]) -> tuple[list[str], str | None]:
    """Drop a terminal's branding footer ("<name>", "<tagline>", "Request Demo"); return the
    remaining paragraphs and the terminal's name when one is found."""
    if not paras or paras[-1].casefold() != REQUEST_DEMO:
        return paras, None
    paras = paras[:-1]
    footer: list[str] = []
    while paras and len(footer) < 2 and len(paras) > 1 and len(paras[-1].split()) <= _FOOTER_MAX_WORDS:
        footer.insert(0, paras.pop())
    brand = footer[0] if footer and len(footer[0].split()) <= 6 else None
    return paras, brand


def _value_after(lines: list[str], low: list[str], marker: str) -> tuple[str | None, int]:
    for i, line in enumerate(low):
        m = _INLINE.match(lines[i])
        if m and m.group(1).casefold() == marker:
            return m.group(2), i
        if line == marker:
            j = _skip_blank(lines, i + 1)
            if j < len(lines) and low[j] not in MARKERS and low[j] != DECISIONS:
                return lines[j].strip(), j
            return None, i
    return None, 0


def _decisions(lines: list[str], low: list[str]) -> list[str]:
    if DECISIONS not in low:
        return []
    start = low.index(DECISIONS) + 1
    items: list[str] = []
    loose: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            continue
        m = _BULLET.match(line)
        if m:
            items.append(collapse_ws(m.group(1)))
        elif items:
            items[-1] = collapse_ws(items[-1] + " " + line)
        else:
            loose.append(collapse_ws(line))
    return items or loose


def _number(raw: str, lo: float, hi: float, what: str, percent_ok: bool = False) -> float:
    text = raw.strip()
    scale = 1.0
    if percent_ok and text.endswith("%"):
        text, scale = text[:-1].strip(), 100.0
    try:
        value = float(text) / scale
    except ValueError:
        raise RecordError(f"{what} {raw.strip()!r} is not a number between {lo:g} and {hi:g}") from None
    if not (lo <= value <= hi):
        raise RecordError(f"{what} {raw.strip()!r} is outside {lo:g}..{hi:g}")
    return value


def read(source: Source, options: ReadOptions) -> Iterator[ParseResult]:
    """The pages of ``source``, whole."""
    yield parse_text(source.text, source.name, category_names(), options=options)


def _sniff(sample: Sample) -> bool:
    return looks_like_page(sample.text)


FORMAT = Format("page", "Scored-article page", (".txt", ".md"), sniff=_sniff, read=read)
