"""What the page shows of a frame: the scoreboard, the maps and the indicator charts."""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import solara

import marketsim as ms
from marketsim.dashboard.charts import RUN_COLOURS, number
from marketsim.dashboard.experiment import ScoreRow
from marketsim.dashboard.frame import Frame

VERDICT_COLOURS = {"better": "#1a7f37", "worse": "#b42318", "same": "#555", "neutral": "#555"}
GROUP_HEADINGS = {
    "outcome": "Outcomes: what happens to people",
    "process": "Process: enforcement effort (not a measure of success)",
}


def _difference(row: ScoreRow, index: int, seeds: int) -> str:
    """One 'B − A' cell: the paired difference, its relative size, and how many seeds agree."""
    difference, relative = row.differences[index], row.relative[index]
    share = "" if relative is None else f" ({relative:+.0%})"
    agree = f'<div style="font-size:11px;color:#777">{row.agreeing[index]}/{seeds} seeds</div>' \
        if seeds > 1 else ""
    colour = VERDICT_COLOURS[row.verdict(index)]
    sign = "+" if difference > 0 else ""
    return (f'<td class="ms-diff" data-verdict="{row.verdict(index)}" style="color:{colour};'
            f'font-weight:600">{sign}{number(difference)}{share}{agree}</td>')


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
            cells = "".join(f'<td class="ms-value">{number(v)}</td>' for v in row.values)
            cells += "".join(_difference(row, i, seeds) for i in range(len(row.differences)))
            body.append(
                f'<tr class="ms-row" data-metric="{row.metric}"><td title="{escape(metric.definition)}">'
                f'{escape(row.metric.replace("_", " "))}<div style="font-size:11px;color:#777">'
                f"{escape(unit)}, {what}</div></td>{cells}</tr>"
            )
    mean = f"mean of {seeds} paired seeds" if seeds > 1 else "one seed"
    return (
        f'<div style="font-size:12px;color:#666">Week {week}; {mean}. Green: better than A, '
        f"red: worse.</div>"
        f'<table class="ms-scoreboard" style="width:100%;border-collapse:collapse;font-size:13px">'
        f'<thead><tr style="text-align:left"><th></th>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table>'
    )


@solara.component
def Scoreboard(frame: Frame, seeds: int) -> None:
    """The scoreboard card's content."""
    solara.HTML(unsafe_innerHTML=scoreboard_html(frame.scoreboard, frame.titles, seeds, frame.week),
                style="overflow-x:auto")


@solara.component
def Maps(frame: Frame) -> None:
    """One network map per scenario, side by side when there is room, and their legend."""
    maps = "".join(f"<div>{svg}</div>" for svg in frame.maps)
    solara.HTML(unsafe_innerHTML=(
        '<div style="display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:8px">'
        f"{maps}</div>{frame.map_legend}"
    ))


@solara.component
def Indicators(frame: Frame) -> None:
    """The outcome and process charts, each under its own heading."""
    with solara.Card("Outcome indicators", subtitle="What happens to people: the measure of a policy"):
        solara.HTML(unsafe_innerHTML=frame.outcomes, classes=["ms-outcomes"])
    with solara.Card("Process indicators",
                     subtitle="Enforcement effort: what police usually report, not what residents feel"):
        solara.HTML(unsafe_innerHTML=frame.process, classes=["ms-process"])
