"""The morning brief as Markdown (pastes into Slack or e-mail) and as one HTML file that opens
offline and prints well: inline CSS, a hand-drawn inline SVG sparkline, no script, no font or
image from the web. Every text from an article is escaped; links only with an http(s) address."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsdesk.flows.brief import Brief

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text) -> str:
    return MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def _safe_link(url: str | None) -> str:
    return url if url and re.match(r"https?://", url) else ""


def _num(value, fmt: str = "+.2f") -> str:
    return "–" if value is None else format(value, fmt)


def _change(now, before, fmt: str) -> str:
    if now is None or before is None:
        return ""
    return f" ({format(now - before, fmt)} vs the window before)"


def kpi_lines(b: Brief) -> list[tuple[str, str, str]]:
    """``(label, value, change)`` of each KPI."""
    k, p = b.kpis, b.before or {}
    return [
        ("Articles", f"{k['articles']:,}", _change(k["articles"], p.get("articles"), "+,d")),
        *(
            [("Stories", f"{k['stories']:,}", _change(k["stories"], p.get("stories"), "+,d"))]
            if k.get("stories") is not None
            else []
        ),
        ("Mean sentiment", _num(k["mean_sentiment"]), _change(k["mean_sentiment"], p.get("mean_sentiment"), "+.2f")),
        ("High impact (≥ 0.7)", f"{k['high_impact']:,}", _change(k["high_impact"], p.get("high_impact"), "+,d")),
    ]


def _story_meta(s: dict) -> str:
    label = f" ({s['sentiment_label']})" if s.get("sentiment_label") else ""
    return f"impact {_num(s['impact'], '.2f')}, sentiment {_num(s['sentiment'])}{label}"


def story_outlets(s: dict) -> str:
    """``3 outlets: Reuters, CNBC, Guardian · first: Reuters 2026-11-19 09:00 UTC`` (plain text; the
    first report only when the story has more than one article)."""
    outlets = s.get("outlets") or []
    text = (f"{len(outlets)} outlets: " if len(outlets) > 1 else "") + ", ".join(outlets)
    if (s.get("story_size") or 1) > 1 and s.get("first_source"):
        when = str(s.get("first_seen") or "")[:16].replace("T", " ")
        text += f" · first: {s['first_source']}" + (f" {when} UTC" if when else "")
    return text


def _author(d: dict) -> str:
    return f" (by {d['author']})" if d.get("author") else ""


def to_markdown(b: Brief) -> str:
    """The brief as Markdown."""
    out = [f"# {_md(b.title)}", f"_Generated {b.generated_at}._"]
    if b.demo:
        out.append("_Demo data: the newsdesk demo desk's articles are illustrative, not real news._")
    out += ["", "## Key figures"]
    out += [f"- {label}: **{value}**{change}" for label, value, change in kpi_lines(b)]
    out += ["", "## What moved"]
    out += [
        f"- {_md(m['category'])}: {m['z']:+.1f} σ ({m['baseline']:+.2f} → {m['recent']:+.2f})" for m in b.moved
    ] or ["- Not enough history for What moved."]
    out += ["", "## Top stories by impact"]
    for n, s in enumerate(b.stories, 1):
        link = f" · [open]({_safe_link(s['link'])})" if _safe_link(s.get("link")) else ""
        outlets = _md(story_outlets(s))
        out.append(f"{n}. **{_md(s['title'])}** — {_story_meta(s)} · {outlets}{link}")
    if not b.stories:
        out.append("- No article in the window.")
    out += ["", "## New decisions"]
    for d in b.decisions:
        exposure = f" — {_md(d['exposure'])}" if d["exposure"] else ""
        out.append(f"- {_md(d['text'])}{exposure}{_md(_author(d))} · _{_md(d['title'])}_")
    if not b.decisions:
        out.append("- No new decision.")
    out += ["", "## Horizons ending within 7 days"]
    out += [
        f"- {d['ends']} · {_md(d['text'])}" + (f" — {_md(d['exposure'])}" if d["exposure"] else "") for d in b.horizons
    ]
    if not b.horizons:
        out.append("- None.")
    out += ["", "## Scorecard movers"]
    out += [f"- {m['excess_return'] * 100:+.1f} % excess, {m['status']} · {_md(m['text'])}" for m in b.movers] or [
        "- No scored decision (import prices: newsdesk prices import / fetch)."
    ]
    out += ["", "## Alerts fired"]
    out += [f"- [{_md(a['rule'])}] {_md(a['title'])} ({a['fired_at']})" for a in b.alerts] or ["- None."]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ HTML

CSS = """
body{font:15px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2327;margin:2em auto;max-width:56em;
padding:0 1em}
h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.6em 0 .4em;border-bottom:1px solid #d0d7de;
padding-bottom:.2em}
.muted{color:#57606a;font-size:.9em}.demo{background:#fff8c5;padding:.4em .6em;border-radius:4px}
.kpis{display:flex;gap:1em;flex-wrap:wrap}.kpi{border:1px solid #d0d7de;border-radius:6px;padding:.5em .8em;
min-width:10em}
.kpi b{display:block;font-size:1.4em}.pos{color:#1a7f37}.neg{color:#cf222e}
ol,ul{padding-left:1.4em}li{margin:.25em 0}a{color:#0969da}
table{border-collapse:collapse}td{padding:.15em .6em .15em 0;vertical-align:top}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:inherit;text-decoration:none}
h2{break-after:avoid}li,tr{break-inside:avoid}}
"""


def sparkline(points: list[tuple[str, float | None]], width: int = 240, height: int = 40) -> str:
    """An inline SVG line of the daily values (gaps left open) with a zero line; '' without data."""
    values = [v for _d, v in points if v is not None]
    if len(points) < 2 or not values:
        return ""
    lo, hi = min(min(values), 0.0), max(max(values), 0.0)
    span = (hi - lo) or 1.0

    def y(v: float) -> float:
        return round(height - 2 - (v - lo) / span * (height - 4), 1)

    step = width / (len(points) - 1)
    paths: list[list[str]] = []
    current: list[str] = []
    for i, (_d, v) in enumerate(points):
        if v is None:
            if current:
                paths.append(current)
            current = []
            continue
        current.append(f"{round(i * step, 1)},{y(v)}")
    if current:
        paths.append(current)
    lines = "".join(
        f'<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="{" ".join(p)}"/>'
        if len(p) > 1
        else f'<circle cx="{p[0].split(",")[0]}" cy="{p[0].split(",")[1]}" r="1.5" fill="#0969da"/>'
        for p in paths
    )
    zero = f'<line x1="0" x2="{width}" y1="{y(0.0)}" y2="{y(0.0)}" stroke="#d0d7de" stroke-dasharray="2,2"/>'
    label = f"Mean sentiment per day, {points[0][0]} to {points[-1][0]}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{html.escape(label)}"><title>{html.escape(label)}</title>{zero}{lines}</svg>'
    )


def _e(text) -> str:
    return html.escape(" ".join(str(text or "").split()))


def _a(text, url: str | None) -> str:
    safe = _safe_link(url)
    return f'<a href="{html.escape(safe)}">{_e(text)}</a>' if safe else _e(text)


def _sign_class(value) -> str:
    return "" if value is None else "pos" if value > 0 else "neg" if value < 0 else ""


def _section(
    title: str, tag: str, items: list[dict[str, Any]], empty: str, line: Callable[[dict[str, Any]], str]
) -> list[str]:
    """A heading and its list (``tag``: ol or ul) of one ``line`` per item, or ``empty`` in grey."""
    if not items:
        return [f"<h2>{title}</h2>", f"<p class=muted>{empty}</p>"]
    return [f"<h2>{title}</h2>", f"<{tag}>" + "".join(f"<li>{line(x)}</li>" for x in items) + f"</{tag}>"]


def to_html(b: Brief) -> str:
    """The brief as one self-contained HTML page."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(b.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(b.title)}</h1><p class=muted>Generated {_e(b.generated_at)}.</p>",
    ]
    if b.demo:
        parts.append("<p class=demo>Demo data: the newsdesk demo desk's articles are illustrative, not real news.</p>")
    parts.append("<h2>Key figures</h2><div class=kpis>")
    for label, value, change in kpi_lines(b):
        parts.append(
            f"<div class=kpi>{_e(label)}<b>{_e(value)}</b><span class=muted>{_e(change.strip(' ()'))}</span></div>"
        )
    spark = sparkline(b.spark)
    if spark:
        parts.append(f"<div class=kpi>Sentiment, last 30 days<br>{spark}</div>")
    parts.append("</div><h2>What moved</h2>")
    if b.moved:
        parts.append("<table>")
        for m in b.moved:
            parts.append(
                f"<tr><td>{_e(m['category'])}</td><td class={_sign_class(m['z'])}>{m['z']:+.1f} σ</td>"
                f"<td class=muted>{m['baseline']:+.2f} → {m['recent']:+.2f}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p class=muted>Not enough history for What moved.</p>")
    parts.append("<h2>Top stories by impact</h2>")
    parts.append(
        "<ol>"
        + "".join(
            f"<li><b>{_a(s['title'], s.get('link'))}</b> <span class=muted>— {_e(_story_meta(s))} · "
            f"{_e(story_outlets(s))}</span></li>"
            for s in b.stories
        )
        + "</ol>"
        if b.stories
        else "<p class=muted>No article in the window.</p>"
    )
    parts.append("<h2>New decisions</h2>")
    parts.append(
        "<ul>"
        + "".join(
            f"<li>{_e(d['text'])}{' — <b>' + _e(d['exposure']) + '</b>' if d['exposure'] else ''}{_e(_author(d))} "
            f"<span class=muted>· {_a(d['title'], d.get('link'))}</span></li>"
            for d in b.decisions
        )
        + "</ul>"
        if b.decisions
        else "<p class=muted>No new decision.</p>"
    )
    parts.append("<h2>Horizons ending within 7 days</h2>")
    parts.append(
        "<ul>"
        + "".join(
            f"<li>{_e(d['ends'])} · {_e(d['text'])}{' — ' + _e(d['exposure']) if d['exposure'] else ''}</li>"
            for d in b.horizons
        )
        + "</ul>"
        if b.horizons
        else "<p class=muted>None.</p>"
    )
    parts.append("<h2>Scorecard movers</h2>")
    parts.append(
        "<ul>"
        + "".join(
            f"<li><span class={_sign_class(m['excess_return'])}>{m['excess_return'] * 100:+.1f} %</span> excess, "
            f"{_e(m['status'])} · {_e(m['text'])}</li>"
            for m in b.movers
        )
        + "</ul>"
        if b.movers
        else "<p class=muted>No scored decision.</p>"
    )
    parts.append("<h2>Alerts fired</h2>")
    parts.append(
        "<ul>"
        + "".join(
            f"<li>[{_e(a['rule'])}] {_a(a['title'], a.get('link'))} <span class=muted>{_e(a['fired_at'])}</span></li>"
            for a in b.alerts
        )
        + "</ul>"
        if b.alerts
        else "<p class=muted>None.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
