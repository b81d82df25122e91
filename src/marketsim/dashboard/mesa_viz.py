"""marketsim in Mesa's own browser interface, SolaraViz: the places drawn by Mesa's own space
component, one chart per weekly metric from the model's DataCollector, the levers in force, and
controls for the scenario, the seed and a few policy levers.

From a shell, ``solara run marketsim.dashboard.mesa_viz``; in a notebook::

    from marketsim.dashboard.mesa_viz import page
    page()                      # or page(MappedMarketModel("kingpin", seed=3))

Mesa's space drawers need agents standing in the cells of a network whose nodes are numbered
0, 1, ...; the market's places are named and its agents are rows of tables. A
:class:`MappedMarketModel` is the market model with a ``grid``: a Mesa ``Network`` of its places,
numbered, with a :class:`PlaceAgent` standing in each cell and reading the market as it runs. So
Mesa's own ``make_space_component(portray_place, layout_alg=place_layout)`` draws it, and any
other portrayal of a :class:`PlaceAgent` works too. Needs the ``dashboard`` extra.
"""

# ruff: noqa: N802 -- Solara components are named like classes (Page, ...)

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import mesa
import networkx as nx
import solara
from mesa.discrete_space import Cell, FixedAgent, Network
from mesa.visualization import SolaraViz, make_plot_component, make_space_component
from mesa.visualization.components import AgentPortrayalStyle
from mesa.visualization.utils import update_counter

from marketsim.analysis import NOT_SETTLED, metric_info
from marketsim.config.params import BUDGET_SHARES, SPECS
from marketsim.config.scenario import preset_names
from marketsim.dashboard.network import BASE_RADIUS, VIOLENCE_RADIUS, org_colour
from marketsim.dashboard.server import secure
from marketsim.model import DrugMarketModel

secure()  # the dashboard's safety settings under ``solara run marketsim.dashboard.mesa_viz`` too

SERIES = ("homicides", "overdose_deaths", "prison_population", "trust", "arrests", "seizures_kg")
"""The weekly metrics charted, one chart each (each on its own axis)."""

LEVERS = ("policy.street_share", "policy.hvt_share", "policy.deterrence_share", "policy.community_share")
"""Policy levers offered as sliders (the rest of a scenario comes from its preset)."""

VIOLENCE_FULL_SIZE = 0.5
"""Homicides/week (moving average) at which a place is drawn at full size."""


class PlaceAgent(FixedAgent):
    """One place of the market standing in its cell: its name and kind, and — read from the
    market each time they are read — the organisation that holds it and its recent violence."""

    def __init__(self, host: mesa.Model, cell: Cell, market: DrugMarketModel, index: int):
        super().__init__(host)
        self.cell = cell
        self.market = market
        self.index = index
        self.name: str = market.places.names[index]
        self.kind: str = market.places.kind_names[index]

    @property
    def controller(self) -> int:
        """Id of the organisation that controls the place (-1: none)."""
        return int(self.market.orgs.controller[self.index])

    @property
    def violence(self) -> float:
        """Homicides per week at the place, moving average."""
        return float(self.market.violence.violence_ma[self.index])


class MappedMarketModel(DrugMarketModel):
    """:class:`~marketsim.model.DrugMarketModel` with ``grid``: a Mesa ``Network`` of its places,
    numbered in the model's order (each node keeps its ``name`` and coordinates), with a
    :class:`PlaceAgent` in each cell. Mesa's own space components draw it.

    The place agents belong to a model of their own, so the simulation's agents, random streams
    and results are exactly those of a :class:`~marketsim.model.DrugMarketModel` with the same
    arguments.
    """

    def __init__(self, scenario: Any = "baseline", **kwargs: Any):
        """The same arguments as :class:`~marketsim.model.DrugMarketModel`, the scenario then
        keywords (Mesa's SolaraViz takes a model built from keywords only)."""
        super().__init__(scenario, **kwargs)
        self.map_host = mesa.Model(rng=0)
        numbered = nx.convert_node_labels_to_integers(self.graph, label_attribute="name")
        self.grid = Network(numbered, random=self.map_host.random)
        index = {name: i for i, name in enumerate(self.places.names)}
        for node, data in numbered.nodes(data=True):
            PlaceAgent(self.map_host, self.grid[node], self, index[data["name"]])


def portray_place(agent: PlaceAgent) -> AgentPortrayalStyle:
    """A place coloured by the organisation that holds it (grey: none), sized by recent violence."""
    growth = min(agent.violence / VIOLENCE_FULL_SIZE, 1.0)
    radius = BASE_RADIUS + VIOLENCE_RADIUS * growth
    return AgentPortrayalStyle(color=org_colour(agent.controller), size=radius ** 2, marker="o")


def place_layout(graph: nx.Graph, seed: int | None = None) -> dict[Any, tuple[float, float]]:
    """Where Mesa draws each place: at the world's own coordinates (``seed`` is accepted, as Mesa
    passes it to layout algorithms, and not needed)."""
    return {node: (float(data["x"]), float(data["y"])) for node, data in graph.nodes(data=True)}


def chart(metric: str) -> tuple[Callable[..., Any], int]:
    """Mesa's plot component for one metric, titled with its unit (and, for a metric that has not
    settled by the end of ten years, saying so)."""
    info = metric_info(metric)

    def label(ax: Any) -> None:
        note = "\nstill rising after ten years: its mean depends on the run's length" if metric in NOT_SETTLED else ""
        ax.set_title(f"{metric} ({info.unit}){note}", fontsize="medium", loc="left")

    return make_plot_component(metric, post_process=label)


@solara.component
def LeversInForce(model: DrugMarketModel) -> solara.Element:
    """The scenario and budget split of the running model, as numbers (Mesa's sliders only show
    theirs while dragged), after the budget rule has fitted them."""
    update_counter.get()
    policy = model.p.policy
    shares = {name: getattr(policy, name) for name in BUDGET_SHARES}
    rows = "".join(f"<tr><td>{name.removesuffix('_share')}</td><td>{value:.3g}</td></tr>"
                   for name, value in shares.items() if value > 0)
    reactive = max(0.0, 1 - sum(shares.values()))
    notes = "".join(f"<p>{escape(note)}</p>" for note in model.scenario.notes)
    return solara.HTML(tag="div", unsafe_innerHTML=(
        f'<div class="ms-levers"><b>{escape(model.scenario.title)}</b>, week {model.steps}. Police budget:'
        f"<table>{rows}<tr><td>reactive policing</td><td>{reactive:.3g}</td></tr></table>{notes}</div>"))


def model_params() -> dict[str, Any]:
    """SolaraViz controls: the preset, the seed and the policy levers (``group__name`` keywords)."""
    params: dict[str, Any] = {
        "scenario": {"type": "Select", "value": "baseline", "values": preset_names(), "label": "Scenario"},
        "seed": {"type": "SliderInt", "value": 1, "min": 0, "max": 100, "step": 1, "label": "Seed"},
    }
    for path in LEVERS:
        spec = SPECS[path]
        params[path.replace(".", "__")] = {"type": "SliderFloat", "value": spec.default, "min": spec.minimum,
                                           "max": spec.maximum, "step": 0.05, "label": path}
    return params


def components() -> list[Any]:
    """The page's components: Mesa's own space component, the levers in force, one chart per metric."""
    space = make_space_component(portray_place, layout_alg=place_layout, draw_grid=True)
    return [space, (LeversInForce, 0), *(chart(metric) for metric in SERIES)]


@solara.component
def Page(model: DrugMarketModel | None = None) -> solara.Element:
    """The SolaraViz page for a model (default: the baseline with seed 1, one per browser session)."""
    shown = solara.use_memo(lambda: model if model is not None else MappedMarketModel("baseline", seed=1), [model])
    return SolaraViz(shown, components=components(), model_params=model_params(), name="marketsim")


page = Page
"""What ``solara run marketsim.dashboard.mesa_viz`` serves (Solara takes ``page`` or ``Page``)."""
