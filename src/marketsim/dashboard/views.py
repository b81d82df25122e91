"""What the page shows of a frame: the scoreboard, the maps and the indicator charts."""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import solara

from marketsim.analysis import NOT_SETTLED, format_number, format_percent, metric_info
from marketsim.dashboard.charts import RUN_COLOURS
from marketsim.dashboard.experiment import ScoreRow
from marketsim.dashboard.frame import Frame
from marketsim.dashboard.timeline import Marker

VERDICT_COLOURS = {"better": "#1a7f37", "worse": "#b42318", "unclear": "#666", "same": "#666", "neutral": "#666",
                   "": "#666"}
TABLE_STYLE = (
    "<style>.ms-scoreboard{width:100%;border-collapse:collapse;font-size:13px}"
    ".ms-scoreboard td,.ms-scoreboard th{padding:3px 6px;vertical-align:top}"
    ".ms-scoreboard td.ms-value,.ms-scoreboard td.ms-diff{text-align:right;white-space:nowrap}"
    ".ms-scoreboard th{text-align:right}.ms-scoreboard th:first-child{text-align:left}"
    ".ms-scoreboard tr.ms-row{border-top:1px solid #eee}"
    ".ms-scoreboard .ms-detail{font-size:11px;color:#777;font-weight:400}</style>"
)
GROUP_HEADINGS = {
    "outcome": "Outcomes: what happens to people",
    "process": "Process: enforcement effort (not a measure of success)",
    "market": "Market",
    "cost": "Costs",
}


def _interval(low: float, high: float, signed: bool = False) -> str:
    """A 95% CI as the second line of a cell ("" when there is none: one seed)."""
    if math.isnan(low):
        return ""
    bounds = f"[{format_number(low, signed, compact=True)}, {format_number(high, signed, compact=True)}]"
    return f'<div class="ms-detail">{bounds}</div>'


def _value(row: ScoreRow, index: int) -> str:
    """One scenario's mean, with its CI below."""
    return (f'<td class="ms-value">{format_number(row.values[index], compact=True)}'
            f"{_interval(*row.intervals[index])}</td>")


def _difference(row: ScoreRow, index: int) -> str:
    """One 'B − A' cell: the change relative to A (or in units when A is 0), then the difference
    in units with its 95% CI, coloured by the verdict."""
    difference, relative = row.differences[index], row.relative[index]
    units = format_number(difference, signed=True, compact=True)
    headline = units if relative is None else format_percent(100 * relative)
    low, high = row.difference_intervals[index]
    detail = f'<div class="ms-detail">{units}</div>' if relative is not None else ""
    verdict = row.verdict(index)
    return (f'<td class="ms-diff" data-verdict="{verdict}"><b style="color:{VERDICT_COLOURS[verdict]}">'
            f"{headline}</b>{detail}{_interval(low, high, signed=True)}</td>")


def scoreboard_html(rows: Sequence[ScoreRow], titles: Sequence[str], seeds: int, week: int, burn_in: int) -> str:
    """The scoreboard, as ``marketsim compare`` reports: each indicator's weekly mean after the
    burn-in per scenario and, when comparing, each scenario's paired change from A, with 95% CIs."""
    labels = [title.split(":", 1)[0] for title in titles]
    head = "".join(f'<th style="color:{RUN_COLOURS[i]}" title="{escape(t)}">{escape(labels[i])}</th>'
                   for i, t in enumerate(titles))
    head += "".join(f"<th>{escape(label)} − A</th>" for label in labels[1:])
    body = []
    for group, heading in GROUP_HEADINGS.items():
        shown = [row for row in rows if row.group == group]
        if not shown:
            continue
        body.append(f'<tr><td colspan="{2 * len(titles)}" style="padding-top:8px;'
                    f'font-weight:600;color:#333">{heading}</td></tr>')
        for row in shown:
            metric = metric_info(row.metric)
            cells = "".join(_value(row, i) for i in range(len(row.values)))
            cells += "".join(_difference(row, i) for i in range(len(row.differences)))
            body.append(
                f'<tr class="ms-row" data-metric="{row.metric}"><td title="{escape(metric.definition)}">'
                f'{escape(row.metric.replace("_", " "))}<div class="ms-detail">{escape(metric.unit)}</div></td>'
                f"{cells}</tr>"
            )
    mean = f"mean of {seeds} paired seeds, 95% CI below" if seeds > 1 else "one seed (no interval)"
    if week == 0:
        weeks = "No weeks run yet"
    else:
        left_out = f" (the first {burn_in} left out while the market settles)" if burn_in else ""
        weeks = f"Weekly means over weeks {burn_in + 1}–{week}{left_out}"
    verdicts = (" Green: better than A, red: worse (the CI of the paired difference excludes 0); grey: not clear."
                if len(titles) > 1 else "")
    notes = "".join(f'<div class="ms-note" style="font-size:11px;color:#777;margin-top:4px">'
                    f"{escape(NOT_SETTLED[row.metric])}.</div>" for row in rows if row.metric in NOT_SETTLED)
    return (
        f"{TABLE_STYLE}"
        f'<div style="font-size:12px;color:#666">{weeks}; {mean}.{verdicts}</div>'
        f'<table class="ms-scoreboard">'
        f"<thead><tr><th></th>{head}</tr></thead>"
        f'<tbody>{"".join(body)}</tbody></table>{notes}'
    )


@solara.component
def Scoreboard(frame: Frame, seeds: int) -> None:
    """The scoreboard card's content."""
    solara.HTML(unsafe_innerHTML=scoreboard_html(frame.scoreboard, frame.titles, seeds, frame.week, frame.burn_in),
                style="overflow-x:auto")


def timeline_html(markers: Sequence[Marker], titles: Sequence[str], week: int) -> str:
    """The runs' scheduled changes and events, in week order: those that happened (✓) and those to
    come; "" when there are none."""
    if not markers:
        return ""
    labels = [title.split(":", 1)[0] for title in titles]
    rows = []
    for marker in markers:
        done = marker.week <= week
        rows.append(f'<li class="ms-timeline-entry" data-kind="{marker.kind}" '
                     f'data-state="{"done" if done else "planned"}" style="color:{"#333" if done else "#888"}">'
                     f'{"✓" if done else "·"} {escape(marker.label(labels))}</li>')
    return ('<div class="ms-timeline" style="font-size:12px;margin-top:6px"><b>Changes and events</b> '
            '(✓ done, · to come; marked on the charts)'
            f'<ul style="margin:2px 0 0 16px;padding:0">{"".join(rows)}</ul></div>')


@solara.component
def Maps(frame: Frame) -> None:
    """One network map per scenario, side by side when there is room, their legend, and the runs'
    changes and events."""
    maps = "".join(f'<div><div style="font-size:13px;font-weight:600">{escape(title)}</div>{svg}</div>'
                   for title, svg in zip(frame.titles, frame.maps, strict=True))
    solara.HTML(unsafe_innerHTML=(
        '<div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:8px">'
        f"{maps}</div>{frame.map_legend}{timeline_html(frame.markers, frame.titles, frame.week)}"
    ))


@solara.component
def Indicators(frame: Frame) -> None:
    """The outcome and process charts, each under its own heading."""
    with solara.Card("Outcome indicators", subtitle="What happens to people: the measure of a policy"):
        solara.HTML(unsafe_innerHTML=frame.outcomes, classes=["ms-outcomes"])
    with solara.Card("Process indicators",
                     subtitle="Enforcement effort: what police usually report, not what residents feel"):
        solara.HTML(unsafe_innerHTML=frame.process, classes=["ms-process"])
    if frame.others:
        with solara.Card("Market and costs", subtitle="How the market and the budget respond"):
            solara.HTML(unsafe_innerHTML=frame.others, classes=["ms-others"])
