"""Mesa's own tools drive the model: ``mesa.batch_run`` with parameter keywords, and the
DataCollector that holds the weekly table."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest

import marketsim as ms
from marketsim.model import DrugMarketModel

SMALL = {"world__producers": 600, "world__neighbourhoods": 12, "world__neighbourhood_population": 50_000}


def test_batch_run_sweeps_scenarios_and_double_underscore_parameters() -> None:
    rows = mesa.batch_run(DrugMarketModel, parameters={"scenario": ["baseline", "kingpin"],
                                                       "policy__hvt_share": [0.1, 0.2], "seed": [5], **SMALL},
                          iterations=1, max_steps=3, data_collection_period=1, display_progress=False)
    table = pd.DataFrame(rows)
    assert len(table) == 2 * 2 * 4  # Mesa steps while model.steps <= max_steps: four weeks
    assert set(table["scenario"]) == {"baseline", "kingpin"}
    assert set(table["policy__hvt_share"]) == {0.1, 0.2}
    assert set(ms.METRICS) <= set(table.columns)
    one = table[(table["scenario"] == "kingpin") & (table["policy__hvt_share"] == 0.2)].reset_index(drop=True)
    direct = ms.run("kingpin", seed=5, steps=4, overrides={"policy.hvt_share": 0.2,
                                                            **{k.replace("__", "."): v for k, v in SMALL.items()}})
    direct = direct.drop(columns=["scenario", "seed"])
    pd.testing.assert_frame_equal(one[list(direct.columns)], direct, check_dtype=False)


def test_the_datacollector_holds_the_weekly_table() -> None:
    model = DrugMarketModel("kingpin", seed=2, overrides={"policy.hvt_share": 0.3}, **SMALL).run(5)
    assert model.p.policy.hvt_share == 0.3 and model.p.world.producers == 600
    collected = model.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(collected, model.metrics())
    reporter = model.datacollector.model_reporters["homicides"]
    assert reporter(model) == collected["homicides"].iloc[-1]  # a real reporter: it reads the model


def test_keyword_overrides_are_checked_like_any_override() -> None:
    with pytest.raises(ms.ScenarioError, match=r"unknown parameter policy\.hvt_shar — did you mean policy\.hvt_share"):
        DrugMarketModel(policy__hvt_shar=0.3)
    with pytest.raises(ms.ScenarioError, match="unknown keyword scenaro — did you mean scenario"):
        DrugMarketModel(scenaro="kingpin")
    with pytest.raises(ms.ScenarioError, match="unknown keyword hvt_share — did you mean policy__hvt_share"):
        DrugMarketModel(hvt_share=0.1)
    with pytest.raises(ms.ScenarioError, match=r"policy\.street_share = 2 is out of range"):
        DrugMarketModel("baseline", overrides={"policy.street_share": 2})


def render_page():
    """What ``solara run marketsim.dashboard.mesa_viz`` serves: the module's routes, rendered."""
    import solara
    import solara.autorouting

    from marketsim.dashboard import mesa_viz

    routes = solara.autorouting.generate_routes(mesa_viz)
    app = solara.RoutingProvider(children=[solara.autorouting.RenderPage()], routes=routes, pathname="/")
    return solara.render(app, handle_error=False)[1]


def test_solara_run_serves_a_solaraviz_page_with_one_chart_per_metric_and_the_levers_in_force() -> None:
    import ipyvuetify as v
    import ipywidgets
    from solara.widgets import HTML

    from marketsim.dashboard.mesa_viz import SERIES

    rc = render_page()
    assert not [w for w in rc.find(v.Alert).widgets], "Solara took the page as a component"
    assert len(rc.find(ipywidgets.Image).widgets) == 1 + len(SERIES)  # the places, then one chart per metric

    def levers() -> str:
        return next(w.unsafe_innerHTML for w in rc.find(HTML).widgets if "ms-levers" in (w.unsafe_innerHTML or ""))

    assert "week 0" in levers() and "<td>hvt</td><td>0.05</td>" in levers()
    step = next(w for w in rc.find(v.Btn).widgets if w.children == ["Step"])
    step.click()
    step.click()
    assert "week 2" in levers()
    slider = next(w for w in rc.find(v.Slider).widgets if w.label == "policy.hvt_share")
    slider.v_model = 0.4
    next(w for w in rc.find(v.Btn).widgets if w.children == ["Reset"]).click()
    assert "<td>hvt</td><td>0.4</td>" in levers() and "<td>reactive policing</td><td>0</td>" in levers()


def test_mesas_own_space_component_draws_the_places() -> None:
    import ipywidgets
    import solara
    from matplotlib.collections import PathCollection
    from mesa.visualization import make_space_component
    from mesa.visualization.mpl_space_drawing import draw_network

    from marketsim.dashboard.mesa_viz import MappedMarketModel, place_layout, portray_place
    from marketsim.dashboard.network import org_colour

    model = MappedMarketModel("kingpin", seed=3, **SMALL)
    space = make_space_component(portray_place)  # Mesa's own, with its default (spring) layout
    _, rc = solara.render(space(model), handle_error=False)
    (image,) = rc.find(ipywidgets.Image).widgets
    assert bytes(image.value).startswith(b"\x89PNG")
    ax = draw_network(model.grid, portray_place, layout_alg=place_layout)
    (places,) = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    assert len(places.get_offsets()) == model.places.n == len(model.grid.agents)
    controllers = [org_colour(int(org)) for org in model.orgs.controller]
    assert {agent.name for agent in model.grid.agents} == set(model.places.names)
    assert sorted(portray_place(agent).color for agent in model.grid.agents) == sorted(controllers)


def test_the_map_leaves_the_run_as_it_is() -> None:
    from marketsim.dashboard.mesa_viz import MappedMarketModel

    mapped = MappedMarketModel("kingpin", seed=3, **SMALL).run(4)
    plain = DrugMarketModel("kingpin", seed=3, **SMALL).run(4)
    pd.testing.assert_frame_equal(mapped.metrics(), plain.metrics())
    assert len(mapped.agents) == len(plain.agents), "the place agents belong to a model of their own"
