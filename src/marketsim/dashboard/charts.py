"""Time series of the indicators as SVG panels, one per metric, scenarios overlaid.

Each line is the mean over the paired seeds; a band spans the lowest and highest seed when
there are several. Weekly counts (units ending in "/week") are smoothed with a moving average
so a trend shows through weekly noise; levels (prison population, trust) are drawn as they are.

The panels are plain SVG written here rather than matplotlib images: drawing a frame takes a
few milliseconds instead of a fifth of a second per figure, the browser scales them crisply,
and hovering a line shows its latest value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

from marketsim.analysis import format_number, metric_info
from marketsim.dashboard.experiment import is_flow
from marketsim.dashboard.timeline import Marker

RUN_COLOURS = ("#0072B2", "#7B3294", "#E69F00")
"""Line colours of scenarios A, B and C: blue, purple and amber (Okabe & Ito 2008), none of them the
green or red the scoreboard uses for better and worse."""

MARKER_COLOUR = "#444"
"""Colour of a marker shared by several scenarios (one scenario's markers take its colour)."""
PLANNED_OPACITY = 0.45
"""Opacity of a marker still to come."""

SMOOTHING_WEEKS = 4
WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 24, 24


def smooth(values: np.ndarray, weeks: int = SMOOTHING_WEEKS) -> np.ndarray:
    """Trailing moving average along the last axis (shorter windows at the start)."""
    if values.shape[-1] == 0 or weeks <= 1:
        return values
    cumulative = np.cumsum(values, axis=-1)
    shifted = np.zeros_like(cumulative)
    shifted[..., weeks:] = cumulative[..., :-weeks]
    counts = np.minimum(np.arange(1, values.shape[-1] + 1), weeks)
    return (cumulative - shifted) / counts


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(ticks[-1] + step)
    return [round(t, 12) for t in ticks]


def week_ticks(horizon: int) -> tuple[list[float], list[str], str]:
    """x-axis ticks: whole years for runs of two years or more, weeks otherwise."""
    if horizon >= 104:
        step = 52 * max(1, math.ceil(horizon / 52 / 10))
        weeks = list(range(0, horizon + 1, step))
        return [float(w) for w in weeks], [str(w // 52) for w in weeks], "years"
    ticks = nice_ticks(0, horizon, 4)
    return ticks, [format_number(t, compact=True) for t in ticks], "weeks"


def panel_label(metric: str) -> tuple[str, str]:
    """The panel's title and its unit line, e.g. ('homicides', 'deaths/week, 4-week mean')."""
    unit = metric_info(metric).unit
    suffix = f", {SMOOTHING_WEEKS}-week mean" if is_flow(metric) else ""
    return metric.replace("_", " "), f"{unit}{suffix}"


def marker_svg(marker: Marker, x: float, top: float, bottom: float, labels: Sequence[str], done: bool) -> str:
    """A vertical line at a change (dashed) or an event (solid) with a small flag to hover: in the
    colour of its scenario when it belongs to one only, faint while it is still to come."""
    colour = RUN_COLOURS[marker.runs[0]] if len(marker.runs) == 1 else MARKER_COLOUR
    dash = ' stroke-dasharray="4 3"' if marker.kind == "change" else ""
    flag = "▼" if marker.kind == "event" else "▽"
    return (f'<g class="ms-marker" data-kind="{marker.kind}" data-week="{marker.week}" '
            f'data-state="{"done" if done else "planned"}" opacity="{1.0 if done else PLANNED_OPACITY}">'
            f"<title>{escape(marker.label(labels))}{'' if done else ' (to come)'}</title>"
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{bottom:.1f}" stroke="{colour}" '
            f'stroke-width="1"{dash}/>'
            f'<text x="{x:.1f}" y="{top:.1f}" font-size="8" text-anchor="middle" fill="{colour}">{flag}</text></g>')


def series_svg(metric: str, runs: Sequence[np.ndarray], titles: Sequence[str], horizon: int,
               markers: Sequence[Marker] = (), week: int | None = None) -> str:
    """One panel as an SVG element.

    Args:
        metric: the metric drawn (a name in ``marketsim.METRICS``, or a per-region column).
        runs: per scenario, a (seeds × weeks) array.
        titles: legend entry of each scenario.
        horizon: the week the x-axis runs to.
        markers: scheduled changes and events to mark (those past the horizon are left out).
        week: the week the runs have reached (markers after it are drawn faint); default: the
            weeks in ``runs``.
    """
    shown = [smooth(values) if is_flow(metric) else values for values in runs]
    weeks = shown[0].shape[-1] if shown else 0
    horizon = max(horizon, weeks, 1)
    if weeks:
        low = min(0.0, min(float(v.min()) for v in shown))
        high = max(float(v.max()) for v in shown)
    else:
        low, high = 0.0, 1.0
    y_ticks = nice_ticks(low, high if high > low else low + 1.0)
    y_low, y_high = y_ticks[0], y_ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(week: np.ndarray | float) -> np.ndarray | float:
        return LEFT + plot_w * np.asarray(week) / horizon

    def py(value: np.ndarray | float) -> np.ndarray | float:
        return TOP + plot_h * (1 - (np.asarray(value) - y_low) / (y_high - y_low))

    title, unit = panel_label(metric)
    parts = [
        f'<svg class="ms-series" data-metric="{metric}" data-week="{weeks}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" role="img">',
        f"<title>{escape(metric_info(metric).definition)}</title>",
        f'<text x="{LEFT}" y="11" font-size="11" font-weight="600">{escape(title)}'
        f'<tspan font-size="9" font-weight="400" fill="#666"> {escape(unit)}</tspan></text>',
    ]
    for tick in y_ticks:
        y = py(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end" '
                     f'fill="#555">{format_number(tick, compact=True)}</text>')
    x_ticks, x_labels, x_caption = week_ticks(horizon)
    for tick, label in zip(x_ticks, x_labels, strict=True):
        x = px(tick)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 3}" '
                     f'stroke="#999"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 13}" font-size="9" text-anchor="middle" '
                     f'fill="#555">{label}</text>')
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 1}" font-size="9" text-anchor="end" '
                 f'fill="#777">{x_caption}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
                 f'stroke="#999"/>')
    if not weeks:
        parts.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}" font-size="10" '
                     f'text-anchor="middle" fill="#999">no weeks run yet</text>')
    # at most about one point per horizontal unit (the last week always kept); coordinates in
    # tenths of a unit, written as integers, inside a group scaled back down
    labels = [title.split(":", 1)[0] for title in titles]
    reached = weeks if week is None else week
    parts += [marker_svg(marker, float(px(marker.week)), TOP, TOP + plot_h, labels, marker.week <= reached)
              for marker in markers if marker.week <= horizon]
    kept = np.arange(weeks - 1, -1, -max(1, math.ceil(weeks / plot_w)))[::-1]
    x = px(kept + 1)
    parts.append('<g transform="scale(0.1)">')
    for index, values in enumerate(shown):
        if not weeks:
            break
        colour = RUN_COLOURS[index]
        if len(values) > 1:
            upper = np.column_stack([x, py(values.max(axis=0)[kept])])
            lower = np.column_stack([x, py(values.min(axis=0)[kept])])[::-1]
            parts.append(f'<polygon points="{_points(np.vstack([upper, lower]))}" fill="{colour}" '
                         f'fill-opacity="0.15" stroke="none"/>')
        mean = values.mean(axis=0)
        parts.append(
            f'<polyline class="ms-line" points="{_points(np.column_stack([x, py(mean[kept])]))}" '
            f'fill="none" stroke="{colour}" stroke-width="16" stroke-linejoin="round">'
            f"<title>{escape(titles[index])}: {format_number(float(mean[-1]), compact=True)} "
            f"in week {weeks}</title></polyline>"
        )
    parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def legend_html(titles: Sequence[str], seeds: int, marked: bool = False) -> str:
    """The scenarios' colours, and what the lines, bands and (when ``marked``) markers mean."""
    chips = "".join(
        f'<span style="margin-right:16px"><span style="display:inline-block;width:18px;height:3px;'
        f'background:{RUN_COLOURS[i]};vertical-align:middle;margin-right:5px"></span>{escape(t)}</span>'
        for i, t in enumerate(titles)
    )
    spread = f"Lines: mean of {seeds} paired seeds; bands: lowest to highest. " if seeds > 1 else ""
    if marked:
        spread += "▽ dashed: a scheduled change; ▼ solid: an event (faint: still to come)."
    return (f'<div style="font-size:13px;margin:2px 0 6px">{chips}'
            f'<span style="color:#777;font-size:12px">{spread}</span></div>')


def panels_html(metrics: Sequence[str], series: dict[str, list[np.ndarray]], titles: Sequence[str],
                horizon: int, seeds: int, markers: Sequence[Marker] = ()) -> str:
    """A legend and a responsive grid of panels, one per metric, with the markers on each."""
    panels = "".join(f"<div>{series_svg(metric, series[metric], titles, horizon, markers)}</div>"
                     for metric in metrics)
    return (legend_html(titles, seeds, bool(markers))
            + f'<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));'
              f'gap:6px">{panels}</div>')


def _points(xy: np.ndarray) -> str:
    """SVG points in tenths of a unit: 'x1 y1 x2 y2 ...' as integers (quick to write and to send)."""
    return " ".join(map(str, np.rint(np.asarray(xy) * 10).astype(np.int64).ravel().tolist()))
