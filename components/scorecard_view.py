"""The Scorecard page's pieces: did following the decisions beat the market? Groups table, the
cumulative excess return, one decision's legs against their benchmark, and the evidence chart."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd
import streamlit as st

from components import loaders
from components.cards import escape_md
from components.chart_data import cumulative_spec, evidence_spec, legs_spec
from components.tables import MISSING, table_csv
from newsdesk.domain.filters import Filters
from newsdesk.flows.export import csv_bytes
from newsdesk.prices.benchmarks import load_benchmarks
from newsdesk.prices.demo import ILLUSTRATIVE_NOTE
from newsdesk.prices.demo import SOURCE as ILLUSTRATIVE
from newsdesk.scorecard.evidence import OBSERVATION_COLUMNS, REACTION, EvidenceRow, Measured, observation_row, summarise
from newsdesk.scorecard.groups import cumulative_excess, result_line
from newsdesk.scorecard.rules import MAX_LAG_SESSIONS, MIN_GROUP_N, DecisionResult
from newsdesk.scorecard.summary import KEYS, Graded, Listed, groups, listed_of

GROUP_LABELS = {"source": "Source", "category": "Category", "action": "Action", "exposure": "Exposure",
                 "horizon": "Horizon", "author": "Author"}  # fmt: skip
MAX_DETAIL_TICKERS = 8
MARGIN_DAYS = 14  # the detail chart shows this many days either side of the holding
MAX_TABLE_ROWS = 2_000  # the decisions table shows the newest this many (the CSV holds every one)

RULES = (
    "**What the numbers are.** Each decision is held from the first close at or after its article's "
    "publication, in the exchange's own sessions (a call before that exchange's close enters that day's "
    "close; after the close, on a holiday, or with no time of day, the next session's), to the last close "
    "on or before entry + its horizon's maximum days (90 days when it states none, flagged); a decision "
    "whose exit is after the latest close is *open* and marked at that close. A leg whose first close comes "
    f"more than {MAX_LAG_SESSIONS} sessions late, whose benchmark's closes are more than {MAX_LAG_SESSIONS} "
    "sessions from its own, or whose prices stop while the table goes on, is *not scored* (the reason is in "
    "the table). A real article is graded on real closes only; the demo's illustrative closes grade only demo "
    "articles, and such grades say *illustrative*. A leg's return is exit close / entry close − 1 (a basket "
    "leg: its members' weight-averaged return, over the members with prices); the benchmark (its market's, from "
    "data/benchmarks.toml) is measured over the same dates. Excess: long r − b; short, funding and "
    "reduce b − r; hold legs are not scored. A pair (long and short legs) scores the spread mean(r long) − "
    "mean(r short) with no benchmark. Success: excess > 0. Articles with an estimated date are not scored. "
    f"*t* = mean / (sd / √n); the interval is 95 % from Student's t. A group with n < {MIN_GROUP_N} is "
    "marked **too few**: with so few decisions a good mean is as likely luck as skill."
)


def rules() -> None:
    """How a decision is held, graded and summed, one click away (it filled a phone's first screen)."""
    with st.expander("What the numbers are: how each decision is held, graded and summed"):
        st.markdown(RULES)


def status_counts(rows: Sequence[Graded]) -> tuple[int, int]:
    """How many decisions are open, and how many scored (closed or open), in one pass."""
    statuses = Counter(r.status for r in rows)
    return statuses["open"], statuses["open"] + statuses["closed"]


def illustrative_count(rows: Sequence[Graded]) -> None:
    """Say how many grades of the view rest on illustrative closes."""
    fake = sum(1 for r in rows if r.illustrative)
    if fake:
        st.caption(f":orange[**{fake:,} of the grades below are on illustrative closes**] (demo articles on the "
                   "demo's generated prices: they show how the scorecard works, not how a call did).")  # fmt: skip


def unscored_reasons(graded: Sequence[Graded]) -> pd.DataFrame:
    """Why decisions are not scored: one row per reason (its first clause, tickers left out) with a count."""
    counts: dict[str, int] = {}
    for r in graded:
        if not r.scored:
            for part in (r.reason or "no reason given").split("; "):
                key = part.split(": ", 1)[1] if ": " in part and not part.startswith("no ") else part
                counts[key] = counts.get(key, 0) + 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(rows, columns=["reason", "decisions"])


def unscored_list(rows: Sequence[Graded]) -> None:
    """The reasons decisions are not scored, with counts."""
    table = unscored_reasons(rows)
    if table.empty:
        return
    with st.expander(f"Why {int(sum(1 for r in rows if not r.scored)):,} decisions are not scored"):
        st.dataframe(table, placeholder=MISSING, hide_index=True, width="stretch", key="sc_unscored")


def illustrative_banner(sources: list[str]) -> None:
    """Say plainly when the prices are the demo's generated ones."""
    if ILLUSTRATIVE in sources:
        st.warning(f"**Illustrative prices.** {ILLUSTRATIVE_NOTE} The returns below show how the scorecard "
                   "works, not how any real decision did.", icon="⚠️")  # fmt: skip


def no_prices() -> None:
    st.info(
        "This database holds no prices, so no decision can be scored. Import closes with "
        "`python -m newsdesk prices import FILE.csv` (long, wide, Yahoo or Stooq CSV) or fetch them with "
        "`python -m newsdesk prices fetch --url-template 'https://…/{ticker}.csv'` (or `--yahoo`)."
    )


def results_frame(results: Sequence[DecisionResult | Listed]) -> pd.DataFrame:
    """One row per decision (a result, or the table's :class:`Listed` row of one): its identity, groups,
    status, dates and returns (fractions)."""
    rows = []
    for r in results:
        row = r if isinstance(r, Listed) else listed_of(r)
        rows.append(
            {
                "decision": row.decision,
                "published": (row.published_at or "")[:10],
                "text": row.text,
                "source": row.source or "",
                "action": row.action or "",
                "exposure": row.exposure,
                "horizon": row.horizon,
                "status": row.status,
                "entry_date": row.entry_date,
                "exit_date": row.exit_date,
                "return": row.return_,
                "benchmark_return": row.benchmark_return,
                "excess_return": row.excess_return,
                "success": row.success,
                "closes": row.closes,
                "note": row.note,
            }
        )
    return pd.DataFrame(rows, columns=[
        "decision", "published", "text", "source", "action", "exposure", "horizon", "status", "entry_date",
        "exit_date", "return", "benchmark_return", "excess_return", "success", "closes", "note",
    ])  # fmt: skip


def illustrative_by_group(rows: Sequence[Graded], by: str, include_open: bool) -> dict[str, int]:
    """Group key -> how many of its decisions are graded on illustrative closes."""
    counts: dict[str, int] = {}
    for r in rows:
        if r.illustrative and (r.status == "closed" or (include_open and r.status == "open")):
            keys = KEYS[by](r)
            for key in [keys] if isinstance(keys, str) else keys:
                counts[str(key)] = counts.get(str(key), 0) + 1
    return counts


def groups_frame(rows: Sequence[Graded], by: str, include_open: bool) -> pd.DataFrame:
    """The groups table: key, n, success rate, mean excess, t, interval, the too-few mark and how many
    of the group's decisions are on illustrative closes."""
    found = groups(rows, by, include_open)
    fake = illustrative_by_group(rows, by, include_open)
    return pd.DataFrame(
        [
            {
                GROUP_LABELS[by]: g.key,
                "n": g.n,
                "success_rate": g.success_rate,
                "mean_excess_return": g.mean_excess_return,
                "t_stat": g.t_stat,
                "ci_low": g.ci_low,
                "ci_high": g.ci_high,
                "too_few": g.too_few,
                "illustrative": fake.get(g.key, 0),
            }
            for g in found
        ],
        columns=[GROUP_LABELS[by], "n", "success_rate", "mean_excess_return", "t_stat", "ci_low", "ci_high",
                 "too_few", "illustrative"],
    )  # fmt: skip


MARKET_DEFAULT = "Each market's own"


def benchmark_control() -> str | None:
    """The benchmark every leg is measured against: each market's own (data/benchmarks.toml) by default,
    or one ticker (picked or typed). None for the default."""
    options = [MARKET_DEFAULT, *load_benchmarks().tickers]
    picked = st.selectbox(
        "Benchmark", options, index=0, key="sc_benchmark", accept_new_options=True,
        help="Measure every leg against its market's benchmark, or against one ticker (type any stored ticker).",
    )  # fmt: skip
    text = str(picked or "").strip()
    return None if not text or text == MARKET_DEFAULT else text.upper()


def controls() -> tuple[str, bool, int]:
    """Group by, open decisions in or out, and the horizon assumed when none is stated."""
    left, middle, right = st.columns([2, 1, 1])
    by = left.segmented_control(
        "Group by", list(KEYS), format_func=lambda k: GROUP_LABELS.get(k, k), default="source", key="sc_by"
    )
    closed_only = middle.toggle(
        "Closed decisions only", key="sc_closed", help="Leave open decisions out of the groups."
    )
    horizon = right.number_input(
        "Days held when no horizon is stated", min_value=1, max_value=3650, value=90, step=30, key="sc_horizon"
    )
    return by or "source", closed_only, int(horizon)


PERCENT = st.column_config.NumberColumn


def groups_table(rows: Sequence[Graded], by: str, include_open: bool) -> pd.DataFrame:
    """The sortable groups table and its CSV."""
    table = groups_frame(rows, by, include_open)
    if table.empty:
        st.info("No decision of this view could be scored yet (see the decisions table below for why).")
        return table
    shown = table.assign(**{c: table[c] * 100 for c in ("success_rate", "mean_excess_return", "ci_low", "ci_high")})
    st.dataframe(
        shown,
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        key="sc_groups",
        column_config={
            "n": st.column_config.NumberColumn("N", help="Decisions scored in the group."),
            "success_rate": PERCENT("Success", format="%.0f %%", help="Share with excess return > 0."),
            "mean_excess_return": PERCENT("Mean excess", format="%+.2f %%"),
            "t_stat": st.column_config.NumberColumn("t", format="%+.2f", help="mean / (sd / √n); n ≥ 2."),
            "ci_low": PERCENT("95 % low", format="%+.2f %%"),
            "ci_high": PERCENT("95 % high", format="%+.2f %%"),
            "too_few": st.column_config.CheckboxColumn("Too few", help=f"n < {MIN_GROUP_N}: too few to judge."),
            "illustrative": st.column_config.NumberColumn(
                "On illustrative closes", help="Decisions of the group graded on the demo's generated prices."
            ),
        },
    )
    few = int(table["too_few"].sum())
    if few:
        st.caption(f"{few} of {len(table)} groups have fewer than {MIN_GROUP_N} decisions (marked *too few*): "
                   "read their numbers as anecdotes, not evidence.")  # fmt: skip
    st.download_button("Download groups CSV", table_csv(table), file_name=f"newsdesk-scorecard-by-{by}.csv",
                       mime="text/csv", key="sc_groups_csv")  # fmt: skip
    return table


def verdict(n: int, ci_low: float | None, ci_high: float | None) -> str:
    """A track record in words: too few calls to judge, beat or lagged the benchmark (the 95 % interval
    clear of zero), or no clear edge."""
    if n < MIN_GROUP_N:
        return f"too few calls to judge (n < {MIN_GROUP_N})"
    if ci_low is not None and ci_low > 0:
        return "beat the benchmark"
    if ci_high is not None and ci_high < 0:
        return "lagged the benchmark"
    return "no clear edge"


def record_frame(graded: Sequence[Graded], by: str, include_open: bool) -> pd.DataFrame:
    """A TipRanks-style track record by ``by`` (author or source): calls, success rate, mean excess
    return, t, the 95 % interval and a verdict in words, most calls first. By author, only analyst calls
    (decisions with an author) count."""
    if by == "author":
        graded = [r for r in graded if r.author]
    rows = [
        {
            GROUP_LABELS[by]: g.key,
            "calls": g.n,
            "success_rate": g.success_rate,
            "mean_excess_return": g.mean_excess_return,
            "t_stat": g.t_stat,
            "ci_low": g.ci_low,
            "ci_high": g.ci_high,
            "verdict": verdict(g.n, g.ci_low, g.ci_high),
        }
        for g in groups(graded, by, include_open)
    ]
    columns = [GROUP_LABELS[by], "calls", "success_rate", "mean_excess_return", "t_stat", "ci_low", "ci_high",
               "verdict"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["calls", GROUP_LABELS[by]], ascending=[False, True], ignore_index=True)


def track_records(rows: Sequence[Graded], include_open: bool) -> None:
    """The Authors table (whose analyst calls made money), then the same table by source (one above the
    other: side by side, their eight columns were cut at 1440 px)."""
    left, right = st.container(), st.container()
    for column, by, empty in (
        (left, "author", "No analyst call of this view could be scored (rating headlines such as "
                         "'Goldman Sachs Upgrades Agilent to Buy' become calls with their author)."),
        (right, "source", "No decision of this view could be scored."),
    ):  # fmt: skip
        with column:
            st.markdown(f"**{GROUP_LABELS[by]}s**")
            table = record_frame(rows, by, include_open)
            if table.empty:
                st.caption(empty)
                continue
            shown = table.assign(**{c: table[c] * 100 for c in ("success_rate", "mean_excess_return", "ci_low",
                                                                 "ci_high")})  # fmt: skip
            st.dataframe(
                shown,
                placeholder=MISSING,
                hide_index=True,
                width="stretch",
                key=f"sc_record_{by}",
                column_config={
                    "calls": st.column_config.NumberColumn("Calls", help="Calls scored."),
                    "success_rate": PERCENT("Success", format="%.0f %%", help="Share with excess return > 0."),
                    "mean_excess_return": PERCENT("Mean excess", format="%+.2f %%"),
                    "t_stat": st.column_config.NumberColumn("t", format="%+.2f"),
                    "ci_low": PERCENT("95 % low", format="%+.2f %%"),
                    "ci_high": PERCENT("95 % high", format="%+.2f %%"),
                    "verdict": st.column_config.TextColumn("Verdict"),
                },
            )
            st.download_button(f"Download {by}s CSV", table_csv(table), file_name=f"newsdesk-track-record-{by}.csv",
                               mime="text/csv", key=f"sc_record_{by}_csv")  # fmt: skip


def every_csv(path: str, filters: Filters, horizon: int, version: int, benchmark: str | None) -> Callable[[], bytes]:
    """The decisions CSV of the whole view, made on click (:func:`decisions_table`'s ``every``)."""
    return functools.partial(_decisions_csv, path, filters, horizon, version, benchmark)


def cumulative_chart(rows: Sequence[Graded]) -> None:
    """The cumulative excess return of following every closed decision with an equal stake."""
    points = pd.DataFrame(cumulative_excess(rows), columns=["exit_date", "cumulative", "decisions"])
    if points.empty:
        st.info("No decision of this view is closed yet, so there is no track record to draw.")
        return
    st.vega_lite_chart(cumulative_spec(points), width="stretch")
    last = points.iloc[-1]
    st.caption(
        f"Each closed decision is one equal stake; the line adds their excess returns by exit date (not "
        f"compounded): {int(last['decisions'])} decisions, {last['cumulative'] * 100:+.1f} % in all, "
        f"{last['cumulative'] / last['decisions'] * 100:+.2f} % on average."
    )


def _pick_from_table() -> None:
    rows = st.session_state["sc_decisions"].selection.rows
    labels = st.session_state.get("sc_labels") or []
    if rows and rows[0] < len(labels):
        st.session_state["sc_pick"] = labels[rows[0]]


def _decisions_csv(path: str, filters: Filters, horizon: int, version: int, benchmark: str | None) -> bytes:
    """The CSV of every decision of the view (made when "Download decisions CSV" is clicked: every
    decision's result read then)."""
    return csv_bytes(results_frame(loaders.load_scorecard(path, filters, horizon, version, benchmark)))


def decisions_table(newest: Sequence[Listed], total: int, every: Callable[[], bytes]) -> Listed | None:
    """The view's newest decisions (``newest``: up to :data:`MAX_TABLE_ROWS` of its ``total``) with their
    results (select a row for its detail) and the CSV of every one (``every``, made on click); returns the
    row whose detail to show."""
    shown_rows = list(newest[-MAX_TABLE_ROWS:])
    frame = results_frame(shown_rows)
    if total > len(shown_rows):
        st.caption(f"The newest {len(shown_rows):,} of {total:,} decisions; the CSV holds every one.")
    labels = [f"{row.decision} · {row.text[:70]}" for row in shown_rows]  # the frame's decision and text columns
    st.session_state["sc_labels"] = labels
    shown = frame.assign(**{c: frame[c] * 100 for c in ("return", "benchmark_return", "excess_return")})
    st.dataframe(
        shown,
        placeholder=MISSING,
        hide_index=True,
        width="stretch",
        key="sc_decisions",
        on_select=_pick_from_table,
        selection_mode="single-row",
        column_config={
            "decision": st.column_config.TextColumn("Decision", help="<article id>-<position>"),
            "text": st.column_config.TextColumn("Text", width="large"),
            "return": PERCENT("Return", format="%+.2f %%"),
            "benchmark_return": PERCENT("Benchmark", format="%+.2f %%"),
            "excess_return": PERCENT("Excess", format="%+.2f %%"),
        },
    )
    st.download_button("Download decisions CSV", every,
                       file_name="newsdesk-scorecard-decisions.csv", mime="text/csv",
                       key="sc_decisions_csv")  # fmt: skip
    if not labels:
        return None
    scored = [label for label, r in zip(labels, shown_rows, strict=True) if r.scored] or labels
    if st.session_state.get("sc_pick") not in labels:
        st.session_state["sc_pick"] = scored[0]
    pick = st.selectbox("Decision to look at (or select a row above)", labels, key="sc_pick")
    return shown_rows[labels.index(pick)]


def _window(trip_entry: str, trip_exit: str) -> tuple[str, str]:
    start = date.fromisoformat(trip_entry) - timedelta(days=MARGIN_DAYS)
    end = date.fromisoformat(trip_exit) + timedelta(days=MARGIN_DAYS)
    return start.isoformat(), end.isoformat()


_NO_ROWS = np.array([], dtype=np.intp)


def detail_data(result: DecisionResult, closes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The detail chart's rows: each held ticker and its benchmark rebased to 100 at entry, and the
    entry and exit marks."""
    picked: list[np.ndarray] = []
    series_of: list[str] = []
    rebased: list[np.ndarray] = []
    marks = []
    trips = [(leg.leg.side, t) for leg in result.used_legs for t in leg.trips][:MAX_DETAIL_TICKERS]
    # each ticker's row positions once (ascending: the frame's order), its window by plain string compares,
    # and the frame cut once: the rows and values a mask and a copy per ticker and window made, 3-4x faster
    positions = closes.groupby("ticker", sort=False).indices if trips else {}
    days = closes["date"].to_numpy(dtype=object)
    values = closes["close"].to_numpy()
    for side, t in trips:
        start, end = _window(t.entry_date, t.exit_date)
        pairs = [(t.ticker, f"{t.ticker} ({side})", t.entry_close, t.exit_close)]
        if t.benchmark and t.benchmark_entry_close and t.benchmark_exit_close is not None:
            pairs.append((t.benchmark, f"{t.benchmark} (benchmark)", t.benchmark_entry_close, t.benchmark_exit_close))
        for ticker, series, base, exit_close in pairs:
            rows_of: np.ndarray = np.asarray(positions.get(ticker, _NO_ROWS))
            at = rows_of[(days[rows_of] >= start) & (days[rows_of] <= end)]
            picked.append(at)
            series_of.extend([series] * len(at))
            rebased.append(values[at] / base * 100)
            for label, day, close in (("entry", t.entry_date, base), ("exit" if not t.open else "latest (open)",
                                                                       t.exit_date, exit_close)):  # fmt: skip
                marks.append({"date": day, "series": series, "close": close, "rebased": close / base * 100,
                              "mark": label})  # fmt: skip
    if not picked:
        line_frame = pd.DataFrame(columns=["date", "series", "rebased"])
    else:
        line_frame = closes.iloc[np.concatenate(picked)].reset_index(drop=True)
        line_frame = line_frame.assign(series=pd.Series(series_of, dtype="str"), rebased=np.concatenate(rebased))
    return line_frame.drop_duplicates(["series", "date"]), pd.DataFrame(marks).drop_duplicates(["series", "mark"])


def detail(chosen: DecisionResult | Listed, path: str, version: int) -> None:
    """One decision (a computed result, or a table row of a stored grade: read whole here): its result line,
    each leg's numbers, and its legs' price lines with entry and exit."""
    result = loaders.with_trips(path, chosen)
    if result is None:  # gone since the table was read
        return
    d = result.decision
    with st.container(border=True):
        st.markdown(f"**{escape_md(d.text or 'Decision')}**")
        st.caption(
            f"{escape_md(d.source or '')} · published {(d.published_at or '')[:10]} · "
            f"horizon {result.horizon_days} days{' (none stated)' if result.horizon_defaulted else ''}"
        )
        st.markdown(escape_md(result_line(result)))
        legs = pd.DataFrame(
            [
                {
                    "leg": leg.leg.name, "side": leg.leg.side, "status": leg.status,
                    "entry": leg.entry_date, "exit": leg.exit_date,
                    "return": None if leg.return_ is None else leg.return_ * 100,
                    "benchmark": None if leg.benchmark_return is None else leg.benchmark_return * 100,
                    "excess": None if leg.excess_return is None else leg.excess_return * 100,
                    "note": "; ".join(filter(None, [leg.reason, f"no prices: {', '.join(leg.missing)}"
                                                    if leg.missing else ""])),
                }
                for leg in result.legs
            ]
        )  # fmt: skip
        if not legs.empty:
            st.dataframe(legs, placeholder=MISSING, hide_index=True, width="stretch", key="sc_legs", column_config={
                "return": PERCENT("Return", format="%+.2f %%"), "benchmark": PERCENT("Benchmark", format="%+.2f %%"),
                "excess": PERCENT("Excess", format="%+.2f %%")})  # fmt: skip
        if not result.scored:
            return
        tickers = sorted({x for leg in result.used_legs for t in leg.trips for x in (t.ticker, t.benchmark) if x})
        closes = loaders.load_price_series(path, tuple(tickers), version)
        lines, marks = detail_data(result, closes)
        if not lines.empty:
            st.vega_lite_chart(legs_spec(lines, marks), width="stretch")
            st.caption("Each ticker and its benchmark rebased to 100 at its entry close; points mark entry and exit.")


WINDOW_LABELS = {"day0": "reaction (day 0)", "1d": "1 session", "5d": "5 sessions", "20d": "20 sessions"}
EVIDENCE_KINDS = {"Categories": "category", "Baskets": "basket", "Sources": "source", "All": "all"}


def evidence_frame(rows: list[EvidenceRow]) -> pd.DataFrame:
    """Evidence rows as a frame (fractions), with the window's label as ``horizon``."""
    return pd.DataFrame(
        [
            {"group": r.group, "tone": r.tone, "window": r.window, "horizon": WINDOW_LABELS[r.window],
             "n": r.n, "mean": r.mean_excess_return, "t": r.t_stat, "ci_low": r.ci_low, "ci_high": r.ci_high,
             "too_few": r.too_few}
            for r in rows
        ],
        columns=["group", "tone", "window", "horizon", "n", "mean", "t", "ci_low", "ci_high", "too_few"],
    )  # fmt: skip


def evidence_kind() -> str:
    """What the evidence is grouped by (categories by default)."""
    kind = st.segmented_control("Evidence for", list(EVIDENCE_KINDS), default="Categories", key="sc_ev_kind")
    return EVIDENCE_KINDS.get(kind or "Categories", "category")


def _evidence_chart(frame: pd.DataFrame, windows: list[str]) -> None:
    enough = frame[frame["window"].isin(windows) & ~frame["too_few"] & frame["ci_low"].notna()]
    if enough.empty:
        st.info(f"Every group has fewer than {MIN_GROUP_N} observations here: too few to say anything.")
    else:
        st.vega_lite_chart(evidence_spec(enough, [WINDOW_LABELS[w] for w in windows]), width="content")


def evidence_section(measured: list[Measured]) -> None:
    """The reaction (day 0) and the drift (1, 5 and 20 sessions) around bullish and bearish articles, per
    group, as two small charts, a table and the observations behind every number."""
    frame = evidence_frame(summarise(measured))
    if frame.empty:
        st.info("No bullish or bearish article of this view has prices around it (within "
                f"{MAX_LAG_SESSIONS} sessions of publication).")  # fmt: skip
        return
    fake = sum(1 for m in measured if m.illustrative)
    if fake:
        st.caption(f":orange[**{fake:,} of {len(measured):,} observations are on illustrative closes**] (demo "
                   "articles on generated prices).")  # fmt: skip
    st.markdown("**Reaction**: from the last close before the article to the first close at or after it (the "
                "publication day's move, in the stock's exchange's sessions), minus the benchmark's move.")  # fmt: skip
    _evidence_chart(frame, [REACTION])
    st.markdown("**Drift**: from that first close (what a reader could still trade) to 1, 5 and 20 sessions "
                "later, minus the benchmark's move over the same dates.")  # fmt: skip
    _evidence_chart(frame, ["1d", "5d", "20d"])
    few = int(frame["too_few"].sum())
    st.caption(
        "Each point is a mean over the observations of a group (one per article and company it names, or "
        "basket holding one; several articles on one ticker and session count once, with their mean "
        f"sentiment); the line is its 95 % interval. Closes more than {MAX_LAG_SESSIONS} sessions from the "
        f"ones the rule asks for are not used. Groups with fewer than {MIN_GROUP_N} observations ({few} rows) "
        "are left out of the charts. An interval that crosses 0 means no detectable difference."
    )
    with st.expander(f"Evidence table ({len(frame)} rows)"):
        st.dataframe(frame.assign(**{c: frame[c] * 100 for c in ("mean", "ci_low", "ci_high")}), hide_index=True,
                     placeholder=MISSING, width="stretch", key="sc_evidence", column_config={
                         "mean": PERCENT("Mean excess", format="%+.2f %%"),
                         "ci_low": PERCENT("95 % low", format="%+.2f %%"),
                         "ci_high": PERCENT("95 % high", format="%+.2f %%")})  # fmt: skip
        st.download_button("Download evidence CSV", table_csv(frame), file_name="newsdesk-evidence.csv",
                           mime="text/csv", key="sc_evidence_csv")  # fmt: skip
        st.download_button("Download observations CSV", functools.partial(_observations_csv, measured),
                           file_name="newsdesk-evidence-observations.csv", mime="text/csv",
                           key="sc_observations_csv")  # fmt: skip


def _observations_csv(measured: list[Measured]) -> bytes:
    """Every observation behind the evidence as CSV (made on click: 180,000 rows at 100,000 articles)."""
    rows = [{**observation_row(m), "group": m.group} for m in measured]
    return csv_bytes(pd.DataFrame(rows, columns=[*OBSERVATION_COLUMNS, "group"]))


EVIDENCE_AUTO_ARTICLES = 2_000  # a larger view computes the evidence only when asked (~1 ms an article)


def evidence_wanted(articles: int) -> bool:
    """Whether to compute the evidence: always for a view of up to :data:`EVIDENCE_AUTO_ARTICLES` articles;
    for a larger one when the user turns it on (it measures every article and company it names: seconds
    at 100,000 articles, where the rest of the page reads stored grades)."""
    if articles <= EVIDENCE_AUTO_ARTICLES:
        return True
    on = st.toggle(f"Compute the evidence for these {articles:,} articles", key="sc_evidence_on",
                   help="Measures every article and company it names against its benchmark: seconds at "
                   "this size.")  # fmt: skip
    if not on:
        st.caption("Turn it on to measure the reaction and drift around every bullish and bearish article of the "
                   "view (or narrow the view first).")  # fmt: skip
    return on
