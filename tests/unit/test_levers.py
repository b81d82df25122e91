"""Every policy lever acts on agents and moves what it should (one directional test each).

Each test runs the baseline and the lever on the same two seeds for a year and compares the
weekly means summed over seeds; the levers are set strongly so that the direction is clear.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

import marketsim as ms

SEEDS = (1, 2)
WEEKS = 52


@cache
def mean_of(overrides: str, metric: str) -> float:
    """Mean of a metric over both seeds and all weeks, for the baseline with these overrides (as JSON)."""
    return sum(ms.run("baseline", seed=seed, steps=WEEKS, overrides=json.loads(overrides))[metric].mean()
               for seed in SEEDS) / len(SEEDS)


@cache
def table(overrides: tuple[tuple[str, object], ...], seed: int) -> object:
    return ms.run("baseline", seed=seed, steps=WEEKS, overrides=dict(overrides))


def effect(overrides: dict[str, object], metric: str) -> tuple[float, float]:
    """(baseline, lever) means of a metric."""
    return mean_of("{}", metric), mean_of(json.dumps(overrides, sort_keys=True), metric)


LEVERS = [
    # (id, overrides, metric, direction)
    ("street arrests", {"policy.street_share": 0.45}, "arrests_dealers", "up"),
    ("possession arrests", {"policy.user_share": 0.25}, "arrests_users", "up"),
    ("investigations", {"policy.investigation_share": 0.3}, "arrests_traffickers", "up"),
    ("high-value targeting", {"policy.hvt_share": 0.4, "policy.street_share": 0.1}, "leaders_removed", "up"),
    ("interdiction", {"policy.interdiction_share": 0.5, "policy.street_share": 0.1}, "seizures_kg", "up"),
    ("interdiction at the border only", {"policy.interdiction_share": 0.4, "policy.street_share": 0.2,
                                         "policy.targets": {"interdiction": ["border"]}}, "seizures_kg", "up"),
    ("eradication", {"policy.eradication_share": 0.3, "policy.street_share": 0.1}, "eradicated_ha", "up"),
    ("eradication in one region", {"policy.eradication_share": 0.3, "policy.targets": {"eradication": ["region_1"]},
                                   "policy.street_share": 0.1}, "production_share_region_1", "down"),
    ("focused deterrence: call-ins", {"policy.deterrence_share": 0.3, "policy.street_share": 0.1}, "call_ins", "up"),
    ("focused deterrence: market closure", {"policy.deterrence_share": 0.3, "policy.street_share": 0.1},
     "open_air_share", "down"),
    ("community policing", {"policy.community_share": 0.4, "policy.street_share": 0.1}, "trust", "up"),
    ("anti-money-laundering", {"policy.aml_share": 0.3, "policy.street_share": 0.1}, "cash_seized", "up"),
    ("militarisation", {"policy.militarisation": 1.0}, "homicides", "up"),
    ("longer sentences", {"policy.sentence_multiplier": 3.0}, "prison_population", "up"),
    ("more custody", {"policy.custody_multiplier": 2.0}, "incarcerations", "up"),
    ("user diversion", {"policy.user_diversion": 1.0}, "diversions", "up"),
    ("dealer diversion", {"policy.dealer_diversion": 1.0}, "incarcerations", "down"),
    ("decriminalisation of possession", {"policy.decriminalise_possession": True}, "arrests_users", "down"),
    ("harm-reduction policing", {"policy.harm_reduction_policing": True}, "syringe_attendance", "up"),
    ("naloxone", {"harm.naloxone_coverage": 0.9}, "overdose_deaths", "down"),
    ("syringe programmes", {"harm.syringe_coverage": 0.9}, "new_infections", "down"),
    ("treatment capacity", {"harm.treatment_capacity": 400.0}, "in_treatment", "up"),
    ("collusion", {"policy.collusion": 0.9}, "corruption", "up"),
    ("anti-corruption", {"policy.anti_corruption": 0.9}, "corruption", "down"),
    ("legal regulation", {"policy.legal_share": 0.6}, "consumption_kg", "down"),
    ("online market", {"retail.online_share": 0.5, "retail.open_air_share": 0.2, "retail.indoor_share": 0.2},
     "online_share", "up"),
    ("alternative development", {"production.alt_development": 1.0, "policy.eradication_share": 0.2,
                                 "policy.street_share": 0.15}, "production_kg", "down"),
]


@pytest.mark.parametrize(("overrides", "metric", "direction"), [lever[1:] for lever in LEVERS],
                         ids=[lever[0] for lever in LEVERS])
def test_lever_moves_what_it_should(overrides, metric, direction):
    base, lever = effect(overrides, metric)
    assert (lever > base) if direction == "up" else (lever < base), f"{metric}: baseline {base:.4g}, lever {lever:.4g}"


def test_legal_regulation_supplies_part_of_demand():
    legal = table((("policy.legal_share", 0.6),), 1)
    assert (legal["legal_consumption_kg"] > 0).all()


def test_decriminalisation_makes_no_possession_arrests():
    assert (table((("policy.decriminalise_possession", True),), 1)["arrests_users"] == 0).all()


def test_every_preset_spends_the_same_budget():
    budgets = {scn.name: scn.params.police.budget for scn in ms.list_scenarios()}
    assert len(set(budgets.values())) == 1, budgets
