"""marketsim in Mesa's own browser interface, SolaraViz: the network of places as a space
component, the weekly outcomes from the model's DataCollector, and controls for the scenario,
the seed and a few policy levers.

Mesa's ``make_space_component`` cannot draw this network (its drawer indexes positions by node,
and the places are named, not numbered), so the map is the dashboard's own network map, wrapped
as a component that SolaraViz places and refreshes like its own. In a notebook::

    from marketsim.dashboard.mesa_viz import page
    page()                      # or page(DrugMarketModel("kingpin", seed=3))

and from a shell ``solara run marketsim.dashboard.mesa_viz``. Needs the ``dashboard`` extra.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

from marketsim.config.params import SPECS
from marketsim.config.scenario import preset_names
from marketsim.dashboard.network import MapLayout, MapScale, MapState, map_svg
from marketsim.model import DrugMarketModel

OUTCOME_SERIES = ("homicides", "overdose_deaths", "prison_population")
PROCESS_SERIES = ("arrests", "seizures_kg")
LEVERS = ("policy.street_share", "policy.hvt_share", "policy.deterrence_share", "policy.community_share")
"""Policy levers offered as sliders (the rest of a scenario comes from its preset)."""


def network_component(page: int = 0) -> tuple[Any, int]:
    """A SolaraViz component drawing the model's places and routes: colour by the controlling
    organisation, size by recent violence, line width by drug flow."""

    @solara.component
    def NetworkMap(model: DrugMarketModel) -> solara.Element:  # noqa: N802 -- Solara components are named like classes
        update_counter.get()  # redraw after every step, as Mesa's own components do
        state = MapState.of(model)
        scale = MapScale()
        scale.update([state])
        svg = map_svg(MapLayout.of(model), state, scale, f"{model.scenario.title}, week {model.steps}")
        return solara.HTML(tag="div", unsafe_innerHTML=svg)

    return NetworkMap, page


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


def page(model: DrugMarketModel | None = None) -> solara.Element:
    """The SolaraViz page for a model (default: the baseline with seed 1)."""
    return SolaraViz(model if model is not None else DrugMarketModel("baseline", seed=1),
                     components=[network_component(), make_plot_component(list(OUTCOME_SERIES)),
                                 make_plot_component(list(PROCESS_SERIES))],
                     model_params=model_params(), name="marketsim")


Page = page
"""What ``solara run marketsim.dashboard.mesa_viz`` serves."""
