"""The police's and the courts' compiled kernels give, bit for bit, what the numpy expressions they
replaced give: on random inputs of several lengths (below and above numpy's blocks of 8 and 128
summed pairwise), with ties at halves for rounding, NaN where numpy's minimum and maximum keep it,
and organisation ids outside the table."""

from __future__ import annotations

import numpy as np
import pytest

from marketsim.sim.common import PER_100K, group_sum, safe_ratio
from marketsim.sim.justice import HORIZON, _book_sentences, _count_reoffences, _tilted_shares, _whole_people
from marketsim.sim.organisations import ROLES
from marketsim.sim.police import _reporting, _territory_intel
from marketsim.sim.policies.base import action_counts, spared
from marketsim.sim.policies.community import _community_effort
from marketsim.sim.policies.eradication import EVERYWHERE, _eligible_crops, _hit_crops
from marketsim.sim.policies.reactive import LEADER, SOLDIER, _killer_weights, _suspects
from marketsim.sim.policies.street import _street_arrests
from marketsim.sim.policies.users import _arrest_hazards, _user_arrest_chances

LENGTHS = (0, 1, 7, 9, 130, 1001)


def same_bits(got: np.ndarray, expected: np.ndarray) -> bool:
    """Equal dtype, shape and bytes (a -0.0 is not a 0.0, a NaN is the same NaN)."""
    got, expected = np.asarray(got), np.asarray(expected)
    return got.dtype == expected.dtype and got.shape == expected.shape and got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("protected", [-1, 2])
def test_sparing_and_action_counts_are_numpys(n, protected):
    rng = np.random.default_rng(n)
    weights, owners = rng.random(n) * 3, rng.integers(-1, 5, n)
    exposure = rng.random(n) * 1.2
    collusion = 0.7
    out, protected_weight, total = spared(weights, owners, protected, collusion)
    if protected < 0 or n == 0:
        assert out is weights and total == 0.0
    else:
        mask = owners == protected
        expected = weights.copy()
        expected[mask] *= 1 - collusion
        assert same_bits(out, expected)
        assert protected_weight == weights[mask].sum() and total == weights.sum()
    if n:
        exposure[0] = np.nan  # np.maximum(0, 1 - NaN) is NaN
    actions, neutralised = action_counts(weights, exposure)
    assert actions == weights.sum()
    assert same_bits(neutralised, (weights * np.maximum(0.0, 1 - exposure)).sum())


@pytest.mark.parametrize("n", LENGTHS)
def test_street_arrests_are_the_numpy_rule(n):
    rng = np.random.default_rng(10 + n)
    slots = 2 * n + 3
    active = np.sort(rng.choice(slots, n, replace=False)).astype(np.int64)
    mode, org = rng.integers(0, 4, slots), rng.integers(-1, 6, slots)
    community = rng.integers(0, 5, n)
    visibility, intel = rng.random(4), rng.random(5) * 2
    exposure_by_id = np.append(rng.random(6), 1.0)
    uniforms = rng.random(n)
    effort, max_hazard = 40.0, 0.2
    for protected, collusion in ((-1, 0.0), (3, 0.6)):
        arrested, actions, neutralised, protected_weight, total = _street_arrests(
            active, mode, org, community, visibility, intel, exposure_by_id, uniforms, effort, max_hazard,
            protected, collusion)
        base = effort * (visibility[mode[active]] * intel[community]) / max(n, 1)
        aimed = base.copy()
        if protected >= 0 and n and base.sum() > 0:
            mine = org[active] == protected
            aimed[mine] *= 1 - collusion
            assert protected_weight == base[mine].sum() and total == base.sum()
        else:
            assert total == 0.0
        exposure = exposure_by_id[org[active]]
        hazard = np.minimum(aimed * exposure, max_hazard)
        assert same_bits(arrested, active[uniforms < hazard])
        assert actions == aimed.sum() and neutralised == (aimed * np.maximum(0.0, 1 - exposure)).sum()


def test_whole_people_round_half_to_even():
    at_risk = np.array([0.0, 0.4, 0.5, 1.5, 2.5, 2.4999999, 3.5000001, 7.0])
    counts, anyone = _whole_people(at_risk)
    assert same_bits(counts, np.rint(at_risk).astype(np.int64)) and anyone
    assert not _whole_people(np.array([0.0, 0.5, 0.2]))[1]


def test_reoffences_keep_at_risk_as_numpys_maximum():
    at_risk = np.array([-0.0, 1.0, np.nan, 2.0, 0.5])
    back = np.array([0, 2, 1, 1, 0], dtype=np.int64)
    expected = np.maximum(at_risk - back, 0)
    rearrested, imprisoned = np.zeros(5), np.zeros(5)
    totals = _count_reoffences(at_risk, rearrested, imprisoned, back, np.array([1, 3]), np.array([2, 1]))
    assert same_bits(at_risk, expected)
    assert totals == (4, 3) and imprisoned.tolist() == [0.0, 2.0, 0.0, 1.0, 0.0]


def test_sentences_are_booked_where_numpys_rounding_and_clipping_put_them():
    rng = np.random.default_rng(3)
    counts, columns = np.array([3, 40, 1], dtype=np.int64), np.array([0, 2, 5], dtype=np.int64)
    scales = np.array([0.2, 30.0, 9000.0])
    variates = rng.standard_gamma(1.5, size=int(counts.sum()))
    variates[0] = 2.5 / 0.2  # a tie at a half: to even, as np.rint
    releases, prison = np.zeros((HORIZON, 6), dtype=np.int64), np.zeros(6, dtype=np.int64)
    _book_sentences(releases, prison, columns, counts, scales, variates, 8000)
    weeks = np.minimum(np.maximum(np.rint(np.repeat(scales, counts) * variates), 1), HORIZON - 1).astype(np.int64)
    expected = np.zeros((HORIZON, 6), dtype=np.int64)
    np.add.at(expected, ((8000 + weeks) % HORIZON, np.repeat(columns, counts)), 1)
    assert same_bits(releases, expected)
    assert prison.tolist() == [3, 0, 40, 0, 0, 1]


@pytest.mark.parametrize("n", LENGTHS[1:])
def test_tilted_shares_sum_as_numpy_does(n):
    rng = np.random.default_rng(n)
    residents, tilt = rng.integers(0, 5000, n), rng.random(n) * 2
    residents[0] = max(residents[0], 1)
    weights = residents * tilt
    assert same_bits(_tilted_shares(residents, tilt), weights / weights.sum())


def test_territory_intel_is_the_group_mean():
    rng = np.random.default_rng(4)
    controller = rng.integers(-1, 9, 300)  # ids 7 and 8 are beyond the table's size
    community_places = np.sort(rng.choice(300, 120, replace=False))
    community_of_place = rng.integers(0, 40, 120)
    intel, size = rng.random(40) * 2, 7
    owners_all = controller[community_places]
    held = owners_all >= 0
    owners = owners_all[held]
    total = group_sum(owners, intel[community_of_place[held]], size)
    count = group_sum(owners, None, size)
    expected = np.divide(total, count, out=np.ones(size), where=count > 0)
    assert same_bits(_territory_intel(controller, community_places, community_of_place, intel, size), expected)


def test_reporting_and_user_arrest_chances_are_numpys_clipping():
    rng = np.random.default_rng(6)
    trust = np.append(rng.random(50) * 3 - 1, np.nan)
    assert same_bits(_reporting(trust, 0.2, 0.6), np.minimum(np.maximum(0.2 + 0.6 * trust, 0.0), 1.0))
    signed = np.array([-0.0, 0.0, 1.0])  # -0.0 + 1 × -0.0 is -0.0: np.maximum(-0.0, 0.0) is 0.0
    assert same_bits(_reporting(signed, -0.0, 1.0), np.minimum(np.maximum(-0.0 + 1.0 * signed, 0.0), 1.0))
    occasional, dependent = rng.integers(0, 300, 51), rng.integers(0, 100, 51)
    occasional[5] = dependent[5] = 0  # nobody uses there
    place, aim = rng.permutation(60)[:51], rng.random(60) < 0.5
    attending = rng.random(51) * 300
    attending[:3] = (0.5, 1.5, 2.5)  # ties: to even, as np.rint
    intel = rng.random(51) * 2
    intel[4] = np.nan
    for where in (None, aim):
        everyone = occasional + dependent
        expected_users = everyone if where is None else everyone * where[place]
        total = expected_users.sum()
        users, reachable, chance = _user_arrest_chances(
            occasional, dependent, place, np.zeros(0, dtype=bool) if where is None else where, attending, intel, 1.3,
            0.05)
        assert same_bits(users, expected_users)
        assert same_bits(reachable, np.maximum(expected_users - np.rint(attending).astype(np.int64), 0))
        assert same_bits(chance, np.minimum(np.maximum(1.3 * intel / total, 0.0), 0.05))
        users, everyone_reached, _ = _user_arrest_chances(occasional, dependent, place, np.zeros(0, dtype=bool),
                                                          np.zeros(0), intel, 1.3, 0.05)
        assert same_bits(everyone_reached, users)  # (everyone is within reach)
    nobody = np.zeros(51, dtype=np.int64)
    assert len(_user_arrest_chances(nobody, nobody, place, aim, attending, intel, 1.3, 0.05)[2]) == 0
    caught = rng.integers(0, 5, 51)
    assert same_bits(_arrest_hazards(caught, occasional, dependent), safe_ratio(caught, occasional + dependent))


@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("targeted", [False, True])
def test_eradication_targets_are_the_numpy_rule(n, targeted):
    rng = np.random.default_rng(20 + n)
    standing = np.maximum(rng.random(n) - 0.3, 0.0)
    if n > 1:
        standing[1] = np.nan  # (no crop: NaN > 0 is False)
    place = rng.integers(0, 6, n)
    aim = rng.random(6) < 0.5
    eligible, total = _eligible_crops(standing, place, aim if targeted else EVERYWHERE)
    expected = (standing > 0) & aim[place] if targeted else standing > 0
    assert same_bits(eligible, expected)
    assert same_bits(total, float(standing[expected].sum()))
    uniforms = rng.random(n)
    assert same_bits(_hit_crops(eligible, uniforms, 0.4), expected & (uniforms < 0.4))


@pytest.mark.parametrize("n", LENGTHS[1:])
@pytest.mark.parametrize("anyone_killed", [False, True])
def test_killer_weights_and_suspects_are_the_numpy_rule(n, anyone_killed):
    rng = np.random.default_rng(30 + n)
    width = n + 4
    killings = rng.integers(0, 3, width) * anyone_killed
    violence_score = rng.random(width) * 5
    ids = np.sort(rng.choice(width, n, replace=False)).astype(np.int64)
    expected = killings[ids].astype(float)
    expected = expected if expected.sum() > 0 else violence_score[ids] + 1e-9
    assert same_bits(_killer_weights(killings, violence_score, ids), expected)
    role = rng.integers(0, len(ROLES), 3 * n).astype(np.int8)
    rows = rng.permutation(3 * n)[:n].astype(np.int64)
    for roles in (role, np.where(role == SOLDIER, LEADER, role).astype(np.int8)):  # with soldiers, without any
        on_roster = roles[rows]
        soldiers = (on_roster == SOLDIER).nonzero()[0]
        assert same_bits(_suspects(roles, rows), soldiers if len(soldiers) else (on_roster != LEADER).nonzero()[0])


@pytest.mark.parametrize("n", LENGTHS[1:])
@pytest.mark.parametrize("targeted", [False, True])
def test_community_effort_is_the_numpy_rule(n, targeted):
    rng = np.random.default_rng(40 + n)
    weight, place, aim = rng.random(n) * 1e4, rng.permutation(n + 3)[:n], rng.random(n + 3) < 0.6
    weight[0] = 0.0
    population, presence_base = rng.integers(1, 5000, n), rng.random(n + 3)
    towns = np.flatnonzero(rng.random(n) < 0.4)
    aimed = weight * aim[place] if targeted else weight
    effort, target = _community_effort(weight, aim if targeted else np.zeros(0, dtype=bool), place, 120.0, towns,
                                       population, presence_base, place[towns], 0.02, 0.9)
    if aimed.sum() <= 0:
        assert len(effort) == len(target) == 0
        return
    expected = 120.0 * aimed / aimed.sum()
    assert same_bits(effort, expected)
    assert same_bits(target, np.minimum(presence_base[place[towns]] + 0.02 * (expected[towns] / population[towns]
                                                                             * PER_100K), 0.9))
