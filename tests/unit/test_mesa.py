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


def test_a_solaraviz_page_draws_the_network_and_steps_the_model() -> None:
    import ipyvuetify as v
    import solara
    from solara.widgets import HTML

    from marketsim.dashboard.mesa_viz import OUTCOME_SERIES, model_params, page

    model = DrugMarketModel("kingpin", seed=3, **SMALL)
    _, rc = solara.render(solara.AppLayout(children=[page(model)]), handle_error=False)

    def map_weeks() -> list[str]:
        return [w.unsafe_innerHTML.split('data-week="')[1].split('"')[0] for w in rc.find(HTML).widgets
                if 'class="ms-map"' in (w.unsafe_innerHTML or "")]

    assert map_weeks() == ["0"]
    step = next(w for w in rc.find(v.Btn).widgets if w.children == ["Step"])
    step.click()
    step.click()
    assert model.steps == 2 and map_weeks() == ["2"]
    assert list(model.datacollector.get_model_vars_dataframe()["step"]) == [1, 2]
    assert set(OUTCOME_SERIES) <= set(model.datacollector.model_vars)
    assert {"scenario", "seed", "policy__hvt_share"} <= set(model_params())
    assert "kingpin" in model_params()["scenario"]["values"]
