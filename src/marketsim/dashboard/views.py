"""What the page shows of a frame: the scoreboard, the maps and the indicator charts."""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import solara

import marketsim as ms
from marketsim.analysis import format_number, format_percent
from marketsim.dashboard.charts import RUN_COLOURS
from marketsim.dashboard.experiment import ScoreRow
from marketsim.dashboard.frame import Frame
from marketsim.dashboard.timeline import Marker

VERDICT_COLOURS = {"better": "#1a7f37", "worse": "#b42318", "same": "#555", "neutral": "#555"}
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
}


def _difference(row: ScoreRow, index: int, seeds: int) -> str:
    """One 'B − A' cell: the change relative to A (or in units when A is 0), then the
    difference in units and how many paired seeds agree on its sign."""
    difference, relative = row.differences[index], row.relative[index]
    units = format_number(difference, signed=True, compact=True)
    headline = units if relative is None else format_percent(100 * relative)
    details = [units] if relative is not None else []
    if seeds > 1:
        details.append(f"{row.agreeing[index]}/{seeds} seeds")
    verdict = row.verdict(index)
    lines = "".join(f'<div class="ms-detail">{line}</div>' for line in details)
    return (f'<td class="ms-diff" data-verdict="{verdict}"><b style="color:{VERDICT_COLOURS[verdict]}">'
            f"{headline}</b>{lines}</td>")


def scoreboard_html(rows: Sequence[ScoreRow], titles: Sequence[str], seeds: int, week: int) -> str:
    """The scoreboard: each indicator per scenario and, when comparing, each scenario's change from A."""
    labels = [title.split(":", 1)[0] for title in titles]
    head = "".join(f'<th style="color:{RUN_COLOURS[i]}" title="{escape(t)}">{escape(labels[i])}</th>'
                   for i, t in enumerate(titles))
    head += "".join(f"<th>{escape(label)} − A</th>" for label in labels[1:])
    body = []
    for group, heading in GROUP_HEADINGS.items():
        body.append(f'<tr><td colspan="{2 * len(titles)}" style="padding-top:8px;'
                    f'font-weight:600;color:#333">{heading}</td></tr>')
        for row in (r for r in rows if r.group == group):
            metric = ms.METRICS[row.metric]
            what = "total so far" if row.statistic == "total" else "this week"
            unit = metric.unit.removesuffix("/week") if row.statistic == "total" else metric.unit
            cells = "".join(f'<td class="ms-value">{format_number(v, compact=True)}</td>' for v in row.values)
            cells += "".join(_difference(row, i, seeds) for i in range(len(row.differences)))
            body.append(
                f'<tr class="ms-row" data-metric="{row.metric}"><td title="{escape(metric.definition)}">'
                f'{escape(row.metric.replace("_", " "))}<div class="ms-detail">'
                f"{escape(unit)}, {what}</div></td>{cells}</tr>"
            )
    mean = f"mean of {seeds} paired seeds" if seeds > 1 else "one seed"
    agree = (f" “{seeds}/{seeds} seeds”: the change has the same sign with every seed."
             if seeds > 1 and len(titles) > 1 else "")
    return (
        f"{TABLE_STYLE}"
        f'<div style="font-size:12px;color:#666">Week {week}; {mean}. Green: better than A, red: worse.'
        f"{agree}</div>"
        f'<table class="ms-scoreboard">'
        f"<thead><tr><th></th>{head}</tr></thead>"
        f'<tbody>{"".join(body)}</tbody></table>'
    )


@solara.component
def Scoreboard(frame: Frame, seeds: int) -> None:
    """The scoreboard card's content."""
    solara.HTML(unsafe_innerHTML=scoreboard_html(frame.scoreboard, frame.titles, seeds, frame.week),
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
