"""Violence's and the organisations' compiled kernels give, bit for bit, what the numpy expressions
they replaced give: on random inputs of several sizes (rows shorter and longer than numpy's blocks of
8 and 128 summed pairwise), with dealers and places of no organisation (-1), negative zeros where
numpy's maximum turns them into zeros, and organisations whose id is above every one alive."""

from __future__ import annotations

import math

import numpy as np
import pytest

from marketsim.sim.common import group_sum, safe_ratio
from marketsim.sim.organisations import emerging_places, hiring_and_shedding, overgrown, posts_to_fill
from marketsim.sim.violence import (
    dispute_odds,
    extortion_rates,
    extortion_takes,
    fading_violence,
    values_per_person,
    vigilante_rates,
)


def same_bits(got: np.ndarray, expected: np.ndarray) -> bool:
    """Equal dtype, shape and bytes (a -0.0 is not a 0.0)."""
    got, expected = np.asarray(got), np.asarray(expected)
    return got.dtype == expected.dtype and got.shape == expected.shape and got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("dealers", [1, 9, 300])
@pytest.mark.parametrize("width", [2, 9, 130])
@pytest.mark.parametrize("criminogenic", [False, True])
def test_dispute_odds_are_the_numpy_rule(dealers, width, criminogenic):
    rng = np.random.default_rng(dealers * width)
    n = 6
    community, supplier = rng.integers(0, n - 1, dealers), rng.integers(-1, width - 1, dealers)  # one without
    contact = rng.choice([0.0, 0.3, 1.0], dealers)
    violence, has_record = rng.random(dealers) * 2, rng.random(dealers) < 0.3
    certainty, sales, control = rng.random(width), rng.random(n) * 1e4, rng.random(n) + 0.5
    civilian, arms, owner = rng.random(n) * 0.5, rng.random(width), rng.integers(-1, width - 1, n)
    record_violence, reference_sales, dispute_rate, lethality = 0.4, 5e3, 0.02, 0.9
    got = dispute_odds(community, contact, supplier, violence, has_record, certainty, sales, control, civilian,
                       arms, owner, criminogenic, record_violence, reference_sales, dispute_rate, lethality)
    # the numpy rule (Violence.dealer_disputes before its kernel)
    record = record_violence * has_record if criminogenic else 0.0
    propensity = violence * (1 + record)
    key = community * width + np.maximum(supplier, 0)
    contact_by_org = np.bincount(key, weights=contact, minlength=n * width).reshape(n, width)
    total = contact_by_org.sum(axis=1)
    rivalry = 1.0 - safe_ratio((contact_by_org ** 2).sum(axis=1), total ** 2, 1.0)
    gain = 0.5 * rivalry[community]
    weight = propensity * safe_ratio(gain, gain + certainty[supplier]) * contact
    weight_by_community = group_sum(community, weight, n)
    rate = dispute_rate * (sales * rivalry) / reference_sales * safe_ratio(weight_by_community, total) * control
    expected = (rate, np.minimum(lethality * np.maximum(civilian, arms[owner]), 1.0), weight, weight_by_community)
    assert all(same_bits(g, e) for g, e in zip(got, expected, strict=True))


@pytest.mark.parametrize("n", [1, 9, 130])
def test_extortion_is_the_numpy_rule(n):
    rng = np.random.default_rng(n)
    bound = 7
    ids = np.array([0, 2, 3, 6], dtype=np.int64)
    owner, extorting = rng.choice(np.append(ids, -1), n), rng.random(bound) < 0.5
    businesses, presence, control = rng.random(n) * 50, rng.random(n), rng.random(n) + 0.5
    background, presence_effect, rate, take = 0.1, 0.6, 0.03, 250.0
    intensity_of = np.zeros(bound + 1)
    intensity_of[ids] = np.where(extorting[ids], 1.0, background)
    expected = rate * (businesses * (1.0 - presence_effect * presence)) * intensity_of[owner] * control
    got = extortion_rates(owner, extorting, businesses, presence, control, background, presence_effect, rate)
    assert same_bits(got, expected)
    events = rng.poisson(got * 20).astype(float)
    takes = np.bincount(owner + 1, weights=events, minlength=bound + 1)[ids + 1] * take
    assert same_bits(extortion_takes(owner, events, ids, bound, take), takes)


def test_vigilante_pressure_is_numpys_clip():
    trust = np.array([0.0, 0.2, 0.3, 0.45, 0.9, 0.3, 0.1])
    extortion_ma = np.array([0.0, -0.0, 2.0, 7.5, 1.0, 30.0, -0.0])
    vigilante_trust, vigilante_extortion, vigilantism = 0.3, 10.0, 0.05
    pressure = (np.minimum(np.maximum(1.0 - trust / vigilante_trust, 0.0), 1.0)
                * np.minimum(np.maximum(extortion_ma / vigilante_extortion, 0.0), 1.0))
    got = vigilante_rates(trust, extortion_ma, vigilante_trust, vigilante_extortion, vigilantism)
    assert same_bits(got, vigilantism * pressure)


@pytest.mark.parametrize("slots", [0, 9, 300])
def test_values_per_person_are_the_numpy_rule(slots):
    rng = np.random.default_rng(slots)
    bound, places = 6, 5
    ids = np.array([0, 1, 4, 5], dtype=np.int64)
    supplier = rng.integers(-1, bound + 3, slots)  # none, alive, gone, and above every id alive
    active = np.flatnonzero(rng.random(slots) < 0.8).astype(np.int64)
    strength = rng.integers(0, 4, (bound + 3, places))
    revenue_ma = np.array([5e3, -0.0, 1e3, 7.0, -20.0, 0.0, 3.0, 9.0, 1.0])
    people = np.bincount(supplier[active] + 1, minlength=bound + 2)[1:bound + 2].astype(float)
    people[ids] += strength[ids].sum(axis=1)
    revenue = np.zeros(bound + 1)
    revenue[ids] = revenue_ma[ids]
    expected = safe_ratio(np.maximum(revenue, 0.0), people)
    assert same_bits(values_per_person(supplier, active, ids, strength, revenue_ma, bound), expected)


def test_fading_violence_is_the_numpy_rule():
    rng = np.random.default_rng(3)
    ids, memory = np.array([0, 2, 3], dtype=np.int64), 0.15
    score, attacks, disputes = rng.random(5) * 9, rng.integers(0, 4, 5), rng.integers(0, 9, 5)
    attacks_ma, disputes_ma = rng.random(5), rng.random(5) * 3
    violence_ma, homicides = rng.random(8), rng.integers(0, 3, 8).astype(float)
    expected_score, expected_attacks, expected_disputes = score.copy(), attacks_ma.copy(), disputes_ma.copy()
    expected_score[ids] *= 1 - memory
    expected_attacks[ids] = attacks_ma[ids] + memory * (attacks[ids] - attacks_ma[ids])
    expected_disputes[ids] = disputes_ma[ids] + memory * (disputes[ids] - disputes_ma[ids])
    moved = fading_violence(violence_ma, homicides, ids, score, attacks, attacks_ma, disputes, disputes_ma, memory)
    assert same_bits(moved, violence_ma + memory * (homicides - violence_ma))
    assert same_bits(score, expected_score) and same_bits(attacks_ma, expected_attacks)
    assert same_bits(disputes_ma, expected_disputes)


def test_vacant_posts_are_the_numpy_rule():
    rng = np.random.default_rng(5)
    rows, bound, lieutenants = 60, 6, 3
    active, member_org, role = rng.random(rows) < 0.8, rng.integers(0, bound, rows), rng.integers(0, 3, rows)
    member_org[~active] = -1
    ids = np.array([0, 1, 3, 5], dtype=np.int64)
    strength = rng.integers(0, 3, (bound, 4))
    held = np.bincount(member_org[active & (role == 1)], minlength=bound)
    expected = np.zeros(bound, dtype=np.int64)
    expected[ids] = np.minimum(lieutenants, strength[ids].sum(axis=1) - 1) - held[ids]
    assert same_bits(posts_to_fill(active, member_org, role.astype(np.int8), ids, strength, bound, lieutenants),
                     expected)


@pytest.mark.parametrize("n_towns", [1, 7, 40])
def test_emerging_places_are_the_numpy_rule(n_towns):
    rng = np.random.default_rng(n_towns)
    n_places, n_orgs, thin = 60, 5, 1
    towns = np.sort(rng.choice(n_places, n_towns, replace=False)).astype(np.int64)
    controller = rng.integers(-1, n_orgs, n_places)  # some held by nobody
    strength = rng.integers(0, 4, (n_orgs, n_places))
    deprivation = rng.choice([-0.0, 0.5, 1.0, 3.0], n_towns)  # a negative zero, and chances above 1
    uniforms = rng.random(n_towns) * 0.5
    entry_rate = 0.9
    # the numpy rule it replaced
    held = controller[towns]
    presence = np.where(held >= 0, strength[np.maximum(held, 0), towns], 0)
    chance = entry_rate * deprivation * (presence <= thin)
    expected = towns[uniforms < chance]
    assert same_bits(emerging_places(towns, controller, strength, deprivation, uniforms, entry_rate, thin), expected)
    assert len(expected) or n_towns == 1  # the rule is exercised: some towns form a group


@pytest.mark.parametrize("span", [1, 3, 7])
def test_overgrown_organisations_are_the_numpy_rule(span):
    rng = np.random.default_rng(span)
    next_id = 9
    controller = rng.integers(-1, next_id - 1, 50)  # places of nobody; the last id holds none
    ids = np.array([0, 2, 3, 5, 6, 8], np.int64)  # some ids gone
    # the numpy rule it replaced
    excess = np.bincount(controller[controller >= 0], minlength=next_id)[ids] / span - 1
    expected = ids[excess > 0], excess[excess > 0]
    got = overgrown(controller, ids, next_id, float(span))
    assert same_bits(got[0], expected[0]) and same_bits(got[1], expected[1])
    assert 0 < len(expected[0]) < len(ids)  # some split, some do not


def test_hiring_and_shedding_are_the_scalar_rule():
    rng = np.random.default_rng(5)
    bound, n_places = 12, 9
    held = np.array([0, 1, 3, 4, 6, 7, 8, 10, 11], np.int64)
    revenue = rng.choice([-0.0, -500.0, 0.0, 900.0, 2e4, 3e4, np.nan], bound)
    cash = rng.choice([0.0, -10.0, 50.0, 50.0], bound)
    strength = rng.integers(0, 3, (bound, n_places))
    labour_share, wage, threshold = 0.45, 400.0, 0.25
    trials, hiring, recruits, shedding = hiring_and_shedding(held, revenue, cash, strength, bound, labour_share,
                                                             wage, threshold)
    # the scalar rule it replaced, organisation by organisation
    expected_trials, expected_hiring, expected_shedding = [], [], [False] * bound
    for org_id in held.tolist():
        affordable = labour_share * max(float(revenue[org_id]), 0.0) / wage
        gap = affordable - int(strength[org_id].sum())
        if gap > 0 and cash[org_id] > 0:
            expected_trials.append(math.ceil(gap))
            expected_hiring.append(org_id)
        elif gap < -threshold * affordable:
            expected_shedding[org_id] = True
    assert trials.tolist() == expected_trials and hiring.tolist() == expected_hiring
    assert shedding.tolist() == expected_shedding and recruits.tolist() == [0] * bound
    assert expected_hiring and any(expected_shedding)  # both branches exercised
