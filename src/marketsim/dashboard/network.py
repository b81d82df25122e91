"""The network map: places coloured by the organisation that controls them, sized by recent
violence, trafficking route segments drawn by drug flow.

Places are drawn at the coordinates stored on the world's nodes, read once per world into a
:class:`MapLayout` (already in screen units); nothing is laid out again while the model runs.
Each frame copies what changes into a :class:`MapState` and writes the map as SVG, where
hovering a place names it, its controller and its violence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np

import marketsim as ms
from marketsim.dashboard.timeline import RECENT_EVENT_WEEKS

NO_ORG_COLOUR = "#c8c8c8"
ORG_COLOURS = ("#f3c300", "#be0032", "#604e97", "#2b3d26", "#f99379", "#008856", "#8db600", "#f38400",
               "#b3446c", "#882d17", "#c2b280", "#654522", "#e68fac", "#0067a5", "#e25822", "#a1caf1",
               "#f6a600", "#dcd300", "#875692")
"""Organisation colours by id (cycled after 19); splinter groups and new groups take the next ids.
Kelly's (1965) colours of maximum contrast but white, black and grey (grey is no organisation),
ordered so that each is as far as can be (CIELAB) from those before it: the first 8 are at least
37 apart, the first 16 at least 25 (the former 12 colours, at least 22 apart, repeated from the 13th)."""

KIND_LABELS = {"production": "farms", "transit": "transit town", "border": "border crossing",
               "urban": "city neighbourhood"}
MAP_WIDTH = 560.0          # SVG units across the map
PADDING = 24.0             # SVG units around the places
BASE_RADIUS = 4.0          # radius of a place without violence
VIOLENCE_RADIUS = 14.0     # extra radius at the largest recent violence seen so far
MAX_WIDTH = 8.0            # stroke width of the busiest route segment seen so far
RING_GAP = 3.0             # SVG units between a place and the ring drawn around it
TARGET_COLOUR = "#1f4e9c"  # ring of a place enforcement is aimed at
EVENT_COLOUR = "#e8590c"   # ring of a place an event struck, and the event's caption


def org_colour(org_id: int) -> str:
    """The colour of an organisation; grey for -1 (no organisation)."""
    return NO_ORG_COLOUR if org_id < 0 else ORG_COLOURS[org_id % len(ORG_COLOURS)]


@dataclass(frozen=True)
class MapLayout:
    """Where each place and edge is drawn, in SVG units, read once from the world's coordinates."""

    xy: np.ndarray            # (places × 2), y pointing down
    width: float
    height: float
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    edges: np.ndarray         # (graph edges × 2) place indices
    routes: np.ndarray        # (route segments × 2) place indices, in model.routes order

    @classmethod
    def of(cls, model: ms.DrugMarketModel) -> MapLayout:
        """The layout of a model's world."""
        places = model.places
        xy = np.column_stack([places.x, -places.y]).astype(float)
        low, span = xy.min(axis=0), np.ptp(xy, axis=0)
        scale = (MAP_WIDTH - 2 * PADDING) / max(float(span[0]), 1e-9)
        xy = (xy - low) * scale + PADDING
        return cls(
            xy=xy, width=MAP_WIDTH, height=float(span[1]) * scale + 2 * PADDING,
            names=tuple(places.names), kinds=tuple(places.kind_names),
            edges=np.column_stack([places.edge_a, places.edge_b]),
            routes=np.array(model.routes.edges, dtype=np.int64).reshape(-1, 2),
        )


@dataclass(frozen=True, eq=False)
class MapState:
    """What the map shows in one week, copied from the model."""

    week: int
    controller: np.ndarray    # organisation id per place, -1 none
    violence: np.ndarray      # homicides/week, moving average, per place
    flow: np.ndarray          # kg/week, moving average, per route segment
    orgs: tuple[tuple[int, str, int], ...]  # (id, name, places held) per active organisation
    aim: tuple[tuple[str, np.ndarray], ...] = ()  # (activity, mask of places) per targeted activity
    struck: tuple[tuple[str, np.ndarray], ...] = ()  # (what, mask of places) per recent event

    @classmethod
    def of(cls, model: ms.DrugMarketModel, struck: tuple[tuple[str, np.ndarray], ...] = ()) -> MapState:
        """A snapshot of the model's places and routes, where enforcement is aimed, and the places
        of recent events (``struck``: each event's text and places)."""
        controller = model.orgs.controller.copy()
        held = {org.id: int(np.sum(controller == org.id)) for org in model.orgs}
        orgs = tuple((org.id, org.name, held[org.id]) for org in model.orgs)
        aim = tuple((activity, mask.copy()) for activity, mask in model.police.aim.items())
        return cls(week=model.steps, controller=controller, violence=model.violence.violence_ma.copy(),
                   flow=model.trafficking.flow_ma.copy(), orgs=orgs, aim=aim, struck=struck)

    def aimed_here(self, place: int) -> list[str]:
        """The activities aimed at ``place``."""
        return [activity for activity, mask in self.aim if mask[place]]

    def struck_here(self, place: int) -> list[str]:
        """The recent events at ``place``."""
        return [what for what, mask in self.struck if mask[place]]

    def colours(self) -> list[str]:
        """Fill colour of each place."""
        return [org_colour(int(slot)) for slot in self.controller]


class MapScale:
    """Marker and line scales that only ever grow, so sizes stay comparable from week to week
    and between maps shown side by side."""

    def __init__(self) -> None:
        self.violence = 0.05   # homicides/week drawn at full size (at least)
        self.flow = 1.0        # kg/week drawn at full width (at least)

    def update(self, states: list[MapState]) -> None:
        """Widen the scales to cover these states."""
        for state in states:
            self.violence = max(self.violence, float(state.violence.max(initial=0.0)))
            self.flow = max(self.flow, float(state.flow.max(initial=0.0)))

    def radii(self, state: MapState) -> np.ndarray:
        """Marker radii: a base plus an area proportional to recent violence."""
        share = np.clip(state.violence / self.violence, 0.0, 1.0)
        return np.sqrt(BASE_RADIUS**2 + (VIOLENCE_RADIUS**2) * share)

    def widths(self, state: MapState) -> np.ndarray:
        """Route stroke widths proportional to drug flow."""
        return 0.4 + MAX_WIDTH * np.clip(state.flow / self.flow, 0.0, 1.0)


def map_svg(layout: MapLayout, state: MapState, scale: MapScale, title: str) -> str:
    """The map of one model as an SVG element."""
    org_names = {slot: name for slot, name, _ in state.orgs}
    parts = [
        f'<svg class="ms-map" data-week="{state.week}" viewBox="0 0 {layout.width:.0f} '
        f'{layout.height:.0f}" xmlns="http://www.w3.org/2000/svg" role="img">',
        f"<title>{escape(title)}: network map, week {state.week}</title>",
    ]
    for a, b in layout.edges:
        (x1, y1), (x2, y2) = layout.xy[a], layout.xy[b]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#dcdcdc"/>')
    for (a, b), width, flow in zip(layout.routes, scale.widths(state), state.flow, strict=True):
        (x1, y1), (x2, y2) = layout.xy[a], layout.xy[b]
        parts.append(
            f'<line class="ms-route" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#4a4a4a" stroke-opacity="0.5" stroke-width="{width:.2f}" stroke-linecap="round">'
            f"<title>{escape(layout.names[a])} – {escape(layout.names[b])}: {flow:.3g} kg/week</title></line>"
        )
    for i, (radius, colour) in enumerate(zip(scale.radii(state), state.colours(), strict=True)):
        slot = int(state.controller[i])
        holder = escape(org_names.get(slot, "no organisation"))
        aimed, struck = state.aimed_here(i), state.struck_here(i)
        tip = (f"{escape(layout.names[i])} ({KIND_LABELS.get(layout.kinds[i], layout.kinds[i])}): "
               f"{holder}; {state.violence[i]:.2f} homicides/week"
               + (f"; {escape(', '.join(aimed))} enforcement aimed here" if aimed else "")
               + "".join(f"; {escape(what)}" for what in struck))
        x, y = layout.xy[i]
        if aimed:
            parts.append(f'<circle class="ms-target" data-place="{escape(layout.names[i])}" cx="{x:.1f}" '
                         f'cy="{y:.1f}" r="{radius + RING_GAP:.1f}" fill="none" stroke="{TARGET_COLOUR}" '
                         f'stroke-width="1.6"/>')
        if struck:
            parts.append(f'<circle class="ms-event-place" data-place="{escape(layout.names[i])}" cx="{x:.1f}" '
                         f'cy="{y:.1f}" r="{radius + 2 * RING_GAP:.1f}" fill="none" stroke="{EVENT_COLOUR}" '
                         f'stroke-width="1.6" stroke-dasharray="3 2"/>')
        parts.append(
            f'<path class="ms-place" data-slot="{slot}" data-r="{radius:.2f}" '
            f'd="{_symbol(layout.kinds[i], x, y, radius)}" fill="{colour}" stroke="#333" '
            f'stroke-width="0.6"><title>{tip}</title></path>'
        )
    for line, (what, _) in enumerate(state.struck):
        parts.append(f'<text class="ms-map-event" x="4" y="{12 + 12 * line}" font-size="10" '
                     f'fill="{EVENT_COLOUR}">✱ {escape(what)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend_html(states: list[MapState], scale: MapScale) -> str:
    """Colours of the organisations on the maps, and what sizes and widths mean."""
    seen: dict[int, str] = {}
    for state in states:
        for slot, name, _ in state.orgs:
            seen.setdefault(slot, name)
    chips = [(org_colour(slot), name) for slot, name in sorted(seen.items())]
    chips.append((NO_ORG_COLOUR, "no organisation"))
    items = "".join(
        f'<span style="white-space:nowrap;margin-right:12px"><span style="display:inline-block;'
        f'width:10px;height:10px;border-radius:50%;background:{colour};border:1px solid #333;'
        f'margin-right:4px;vertical-align:middle"></span>{escape(name)}</span>'
        for colour, name in chips
    )
    return (
        f'<div style="font-size:12px;line-height:1.7">{items}</div>'
        f'<div style="font-size:12px;color:#666">▲ farms · ■ transit towns · ◆ border crossings · '
        f'● city neighbourhoods. Size: recent homicides (largest = {scale.violence:.2g}/week); '
        f'line width: drug flow (widest = {scale.flow:.3g} kg/week). '
        f'<span style="color:{TARGET_COLOUR}">○</span> enforcement aimed here; '
        f'<span style="color:{EVENT_COLOUR}">◌</span> an event in the last {RECENT_EVENT_WEEKS} weeks. '
        'Hover for details.</div>'
    )


def _symbol(kind: str, x: float, y: float, r: float) -> str:
    """An SVG path of the place's symbol, with the same area for every kind at radius r."""
    if kind == "production":      # triangle
        s = r * math.sqrt(4 * math.pi / math.sqrt(3))
        h = s * math.sqrt(3) / 2
        return (f"M{x:.1f},{y - 2 * h / 3:.1f}L{x + s / 2:.1f},{y + h / 3:.1f}"
                f"L{x - s / 2:.1f},{y + h / 3:.1f}Z")
    if kind == "transit":         # square
        half = r * math.sqrt(math.pi) / 2
        return (f"M{x - half:.1f},{y - half:.1f}h{2 * half:.1f}v{2 * half:.1f}"
                f"h{-2 * half:.1f}Z")
    if kind == "border":          # diamond
        d = r * math.sqrt(math.pi / 2)
        return f"M{x:.1f},{y - d:.1f}L{x + d:.1f},{y:.1f}L{x:.1f},{y + d:.1f}L{x - d:.1f},{y:.1f}Z"
    return (f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0"
            f"a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z")
