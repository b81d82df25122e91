"""The model spine: agents, step order, conservation, determinism, metrics, plausibility."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import marketsim as ms
from marketsim.outputs import METRICS
from marketsim.sim import Community, Dealer, Member, Police, Producer, TraffickingOrganisation

DESIGN_COLUMNS = [
    "step", "homicides", "homicide_rate", "violent_incidents", "overdose_deaths", "new_infections", "users",
    "dependent_users", "consumption_kg", "retail_price", "purity", "arrests", "arrests_users", "arrests_dealers",
    "arrests_traffickers", "leaders_removed", "seizures_kg", "eradicated_ha", "production_kg", "incarcerations",
    "prison_population", "active_orgs", "market_hhi", "route_dispersion", "trust", "corruption", "extortion",
    "open_air_share", "enforcement_cost", "harm_index",
]


@pytest.fixture(scope="module")
def baseline_run() -> tuple[ms.DrugMarketModel, list[float]]:
    """The default scenario run for ten years, with the product imbalance after every week."""
    model = ms.DrugMarketModel("baseline", seed=7)
    imbalance = []
    for _ in range(520):
        model.step()
        imbalance.append(model.ledger.imbalance(model.stock_kg()))
    return model, imbalance


def test_step_order_is_the_documented_one():
    assert [stage.name for stage in ms.STAGES] == [
        "schedule", "production", "finances", "landing", "splits", "emergence", "trafficking", "retail", "demand",
        "events", "enforcement", "justice", "beliefs", "violence tallies", "violence", "harm", "collect"]


def test_every_agent_kind_is_a_placed_mesa_agent(baseline_run):
    model, _ = baseline_run
    kinds = {type(agent) for agent in model.agents}
    assert {Producer, Dealer, Member, TraffickingOrganisation, Police, Community} <= kinds
    for kind in (Producer, Dealer, Member, Community):
        assert all(agent.cell is not None for agent in model.agents_by_type[kind])
    assert len(model.agents_by_type[Dealer]) == int(model.dealers.active.sum())
    assert len(model.agents_by_type[Producer]) == len(model.farms.land_ha)
    for org in model.orgs:
        assert org.leader is not None
        assert org.presence.sum() == len(org.members)
        assert all(member.organisation is org for member in org.members)
    assert len(model.agents) > 4000


def test_product_is_conserved_every_week(baseline_run):
    model, imbalance = baseline_run
    scale = max(model.ledger.produced, 1.0)
    assert np.max(np.abs(imbalance)) < 1e-6 * scale
    assert model.ledger.consumed > 0 and model.ledger.seized > 0 and model.ledger.lost > 0


@pytest.mark.parametrize("preset", ["kingpin", "eradication", "legal_regulation", "focused_deterrence",
                                    "militarised_crackdown", "online_market"])
def test_product_is_conserved_under_every_kind_of_shock(preset):
    model = ms.DrugMarketModel(preset, seed=3)
    for _ in range(156):
        model.step()
        assert abs(model.ledger.imbalance(model.stock_kg())) < 1e-6 * max(model.ledger.produced, 1.0)


def test_metrics_table_has_every_documented_column(baseline_run):
    model, _ = baseline_run
    df = model.metrics()
    assert len(df) == 520 and list(df["step"]) == list(range(1, 521))
    assert set(DESIGN_COLUMNS) <= set(df.columns)
    assert set(METRICS) <= set(df.columns)
    shares = df[[f"production_share_{r}" for r in model.places.regions]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert (df["enforcement_cost"] == model.p.police.budget).all()
    assert not df[DESIGN_COLUMNS].isna().any().any()


def test_same_seed_same_table_and_other_seed_differs():
    first = ms.run("baseline", seed=11, steps=104)
    again = ms.run("baseline", seed=11, steps=104)
    pd.testing.assert_frame_equal(first, again)
    other = ms.run("baseline", seed=12, steps=104)
    assert not first.drop(columns="seed").equals(other.drop(columns="seed"))


def test_same_seed_same_table_in_another_process(tmp_path):
    here = ms.run("kingpin", seed=5, steps=78)
    script = ("import marketsim as ms, sys; "
              "ms.run('kingpin', seed=5, steps=78).to_json(sys.argv[1], orient='split', double_precision=15)")
    out = tmp_path / "other.json"
    subprocess.run([sys.executable, "-c", script, str(out)], check=True)
    there = pd.read_json(out, orient="split")
    assert list(there.columns) == list(here.columns)
    assert (there["scenario"] == "kingpin").all() and (here["scenario"] == "kingpin").all()
    there, here = there.drop(columns="scenario"), here.drop(columns="scenario")
    np.testing.assert_allclose(there.to_numpy(dtype=float), here.to_numpy(dtype=float), rtol=1e-12, atol=1e-12)


def test_api_one_call_matches_the_model_object():
    scn = ms.load_scenario("baseline")
    model = ms.DrugMarketModel(scn, seed=2)
    model.run(26)
    table = ms.run("baseline", seed=2, steps=26)
    assert list(table.columns[:2]) == ["scenario", "seed"]
    assert (table["scenario"] == "baseline").all() and (table["seed"] == 2).all()
    pd.testing.assert_frame_equal(model.metrics(), table.drop(columns=["scenario", "seed"]))


def test_baseline_is_plausible_for_a_latin_american_setting(baseline_run):
    """IDPC Module 7 handout: 22 homicides per 100k per year in Latin America; prisons 100-400 per 100k;
    UNODC price chain: farm ~$800, export ~$2,400, wholesale ~$19,000, retail ≥ $100,000 per pure kg."""
    df = baseline_run[0].metrics()
    settled = df[df.step > 52]
    assert 11 <= settled.homicide_rate.mean() <= 44
    assert 100 <= settled.prison_rate.mean() <= 400
    assert 400 <= settled.farm_price.mean() <= 1600
    assert 1200 <= settled.export_price.mean() <= 4800
    assert 9_500 <= settled.wholesale_price.mean() <= 38_000
    assert settled.retail_price.mean() >= 90_000
    assert settled.retail_price.mean() / settled.wholesale_price.mean() > 3  # most value is added after the border
    assert 0.35 <= settled.recidivism_3y.mean() <= 0.6  # Pew 2011: almost half within three years


def test_demand_falls_with_price_at_the_stated_elasticity():
    model = ms.DrugMarketModel("baseline", seed=1)
    d = model.p.demand
    table = model.communities
    reference = (table.occasional * d.grams_occasional + table.dependent * d.grams_dependent).sum() / 1000
    model.dealers.local_price[:] = 2 * d.reference_price
    model.dealers.stock[model.dealers.active] *= 10  # plenty of supply
    table.consume()
    assert table.demand_kg == pytest.approx(reference * 2 ** d.elasticity, rel=1e-9)
    assert -0.9 <= d.elasticity <= -0.3


def test_shortage_when_supply_falls():
    model = ms.DrugMarketModel("baseline", seed=1)
    model.dealers.stock[:] *= 0.2  # a fifth of the usual two weeks' cover: less than a week's demand
    on_hand = model.dealers.stock[model.dealers.active].sum()
    model.communities.consume()
    assert model.communities.consumed_kg == pytest.approx(on_hand)  # everything on the street is sold
    assert model.communities.consumed_kg < model.communities.demand_kg
    assert (model.communities.shortage[model.communities.users > 0] > 0).all()


def test_parameters_carry_unit_bounds_source_and_help():
    for spec in ms.parameter_specs():
        assert spec.unit and spec.help and spec.source, spec.path
        if spec.kind in ("int", "float"):
            assert spec.minimum is not None and spec.maximum is not None, spec.path


def test_run_rejects_negative_steps():
    with pytest.raises(ValueError, match="steps = -1"):
        ms.DrugMarketModel("baseline", seed=1).run(-1)


def test_place_metrics_are_long_and_add_up(baseline_run):
    model, _ = baseline_run
    places = model.place_metrics()
    weekly = places.groupby("step")["homicides"].sum().to_numpy()
    np.testing.assert_allclose(weekly, model.metrics()["homicides"].to_numpy())
    assert json.dumps(sorted(places["kind"].unique().tolist())) == json.dumps(
        ["border", "production", "transit", "urban"])
