"""Contracts of each subsystem, on a tiny world: what every operation keeps true.

Each test builds a small model (2 regions, 2 corridors, 12 neighbourhoods, 60 households), runs
a few weeks so that every table is populated, applies one operation and checks its invariant —
product conserved, members and their places consistent, ids never reused, agents as views.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import marketsim as ms
from marketsim.sim import Dealer, Member, Producer, Role
from marketsim.sim.justice import CATEGORIES
from marketsim.sim.organisations import weighted_choice

TINY = {"world.regions": 2, "world.places_per_region": 1, "world.routes": 2, "world.towns_per_route": 1,
        "world.border_crossings": 1, "world.neighbourhoods": 12, "world.producers": 60,
        "world.neighbourhood_population": 20_000, "trafficking.organisations": 3,
        "trafficking.members_per_org": 20}


@pytest.fixture
def model() -> ms.DrugMarketModel:
    """A tiny world after eight weeks."""
    return ms.DrugMarketModel(ms.load_scenario("baseline", TINY), seed=4).run(8)


def conserved(model: ms.DrugMarketModel) -> bool:
    """initial + produced == stock + seized + consumed + lost."""
    return abs(model.ledger.imbalance(model.stock_kg())) < 1e-9 * max(model.ledger.produced, 1.0)


def test_a_dealer_arrest_seizes_exactly_the_dealers_stock(model):
    dealers = model.dealers
    caught = dealers.active_slots()[:3]
    stock, seized_before = float(dealers.stock[caught].sum()), model.ledger.seized
    model.log.start_week(model.steps + 1)
    dealers.arrest(caught)
    assert model.ledger.seized - seized_before == pytest.approx(stock)
    assert model.log.total("seizure") == pytest.approx(stock)
    assert model.log.total("arrest", "dealer") == 3
    assert not dealers.active[caught].any() and all(dealers.views.of(i) is None for i in caught)
    assert conserved(model)


def test_a_dealer_leaving_hands_back_its_stock(model):
    dealers = model.dealers
    slot = int(dealers.active_slots()[0])
    supplier = dealers.views.of(slot).organisation
    before, kg = supplier.city_stock, float(dealers.stock[slot])
    dealers.return_stock(np.array([slot]))
    dealers.remove(np.array([slot]))
    assert supplier.city_stock == pytest.approx(before + kg)
    assert conserved(model)


def test_agents_are_views_of_their_rows(model):
    dealer = next(agent for agent in model.agents if isinstance(agent, Dealer))
    dealer.stock_kg = 1.25
    assert model.dealers.stock[dealer.index] == 1.25
    producer = model.farms.agents[0]
    assert isinstance(producer, Producer)
    target = int(np.flatnonzero(model.places.region == 1 - model.farms.region[0])[0])
    model.farms.relocate(0, target)
    assert producer.cell.coordinate == model.places.names[target]
    assert model.communities.agents[0].trust == model.communities.trust[0]


def test_an_occupation_keeps_presence_equal_to_the_members_stationed(model):
    orgs = model.orgs
    attacker = max(orgs, key=lambda o: o.size)
    origin = int(np.argmax(attacker.presence))
    place = int(np.flatnonzero((orgs.controller != attacker.id) & (orgs.controller >= 0))[0])
    defender = orgs.get(int(orgs.controller[place]))
    sizes = {org.id: org.size for org in orgs}
    orgs.occupy(attacker, origin, place, garrison=2)
    assert orgs.controller[place] == attacker.id
    assert {org.id: org.size for org in orgs} == sizes
    matrix = orgs.presence_matrix()
    for org in orgs:
        stationed = np.bincount([m.place for m in org.members], minlength=model.places.n)
        np.testing.assert_array_equal(matrix[org.id], stationed)
    assert not defender.members_at(place)


def test_a_fight_kills_the_members_at_its_place_first_and_spares_the_leader(model):
    orgs = model.orgs
    org = max(orgs, key=lambda o: o.size)
    place = int(np.argmax(org.presence))
    fighters = [m for m in org.members if m.role is not Role.LEADER]
    here, elsewhere = [m for m in fighters if m.place == place], [m for m in fighters if m.place != place]
    assert here and elsewhere
    leader = org.leader
    assert orgs.kill_members(org, len(here) + 1, place) == len(here) + 1
    assert [m for m in org.members if m is not leader] == elsewhere[1:] and org.leader is leader  # in order
    assert orgs.kill_members(org, org.size + 5) == len(elsewhere) - 1  # never the leader
    assert org.members == [leader]


def test_vacant_lieutenant_posts_go_to_soldiers_where_no_lieutenant_is(model):
    orgs = model.orgs
    org = max(orgs, key=lambda o: o.size)
    lieutenants = [m for m in org.members if m.role is Role.LIEUTENANT]
    for member in lieutenants[1:]:  # all but one lose their rank
        orgs.members.promote(member, Role.SOLDIER)
    kept = lieutenants[0].place
    posts = min(model.p.trafficking.lieutenants, org.size - 1) - 1
    assert orgs.vacant_posts()[org.id] == posts > 0
    soldiers = [m for m in org.members if m.role is Role.SOLDIER and m.place != kept]
    at = {place: sum(m.place == place for m in soldiers) for place in {m.place for m in soldiers}}
    expected = sorted(soldiers, key=lambda m: -at[m.place])[:posts]  # the most strongly held place first
    orgs.fill_command(org, posts)
    assert [m for m in org.members if m.role is Role.LIEUTENANT] == [
        m for m in org.members if m is lieutenants[0] or m in expected]
    assert orgs.vacant_posts()[org.id] == 0


def test_local_strength_follows_the_members_through_a_run():
    """The strength table is kept up to date, not recomputed: after recruitment, shedding, arrests,
    contests, occupations, leader removals and splits it still counts each member where it is."""
    model = ms.DrugMarketModel(ms.load_scenario("kingpin", TINY), seed=2).run(104)
    orgs = model.orgs
    assert (model.events()["kind"] == "split").any()
    expected = np.zeros((orgs.id_bound(), model.places.n))
    for org in orgs:
        np.add.at(expected[org.id], [m.place for m in org.members], 1)
        assert all(m.organisation is org for m in org.members)
        assert org.member_rows().tolist() == [m.index for m in org.members]  # the kept rows follow the roster
    np.testing.assert_array_equal(orgs.presence_matrix(), expected)
    assert orgs.members.active.sum() == sum(org.size for org in orgs)


@pytest.mark.parametrize("seed", range(5))
def test_weighted_choice_draws_what_numpys_choice_draws(seed):
    """Recruits' places are drawn without Generator.choice's argument checks: the same places, and the
    stream left where choice leaves it (a numpy that changed its algorithm would fail here)."""
    setup = np.random.default_rng(seed)
    items = setup.integers(0, 100, size=int(setup.integers(1, 30)))
    weights = (setup.random(len(items)) * 10.0 ** setup.integers(0, 7) + 1.0) / setup.integers(1, 20, len(items))
    ours, numpys = np.random.default_rng([seed, 1]), np.random.default_rng([seed, 1])
    size = int(setup.integers(1, 10))
    np.testing.assert_array_equal(weighted_choice(ours, items, weights, size),
                                  numpys.choice(items, size=size, p=weights / weights.sum()))
    assert ours.random() == numpys.random()


def test_a_split_conserves_members_and_product_and_takes_new_ids(model):
    orgs = model.orgs
    org = max(orgs, key=lambda o: o.size)
    members, highest = sum(o.size for o in orgs), max(orgs.ids())
    held = org.city_stock + float(org.in_transit.sum())
    model.log.start_week(model.steps + 1)
    seeds = orgs.faction_seeds(org)
    assert len(seeds) >= 2
    assert orgs.split(org, seeds)
    new = [o for o in orgs if o.id > highest]
    assert new and sum(o.size for o in orgs) == members
    assert sum(o.city_stock + float(o.in_transit.sum()) for o in [org, *new]) == pytest.approx(held)
    assert all(o.leader is not None for o in [org, *new])
    assert model.log.total("split") == 1
    assert conserved(model)


def test_a_dissolved_organisations_id_is_never_reused(model):
    orgs = model.orgs
    victim = max(orgs, key=lambda o: o.id)
    orgs.dissolve(victim)
    assert victim.id not in orgs.ids() and not (orgs.controller == victim.id).any()
    assert orgs.create().id > victim.id
    assert conserved(model)


def test_a_leader_removal_leads_to_a_new_leader_or_a_split(model):
    orgs = model.orgs
    org = max(orgs, key=lambda o: o.size)
    org.remove_member(org.leader)
    orgs.succession(org)
    assert all(o.leader is not None for o in orgs)
    assert all(isinstance(m, Member) and m.role in Role for o in orgs for m in o.members)


def test_interdiction_seizes_what_leaves_the_pipeline(model):
    in_transit = sum(float(o.in_transit.sum()) for o in model.orgs)
    seized = model.ledger.seized
    model.log.start_week(model.steps + 1)
    model.trafficking.interdict(np.full(len(model.routes.edges), 0.9), np.ones(model.orgs.id_bound()))
    taken = in_transit - sum(float(o.in_transit.sum()) for o in model.orgs)
    assert taken > 0
    assert model.ledger.seized - seized == pytest.approx(taken)
    assert conserved(model)


def test_a_seizure_through_the_owners_takes_what_it_reports(model):
    """A seizure at some places, done through each owner's method (farms, organisations' product,
    dealers): the kilograms taken from holdings are those reported by place, the organisations count
    the loss and learn the risk of the checkpoints there, and product is conserved."""
    from marketsim.world import BORDER, PRODUCTION

    places, dealers, orgs, held = model.places, model.dealers, model.orgs, model.trafficking.by_org
    mask = (places.kind == BORDER) | (places.kind == PRODUCTION) | (places.community >= 0)
    ids = orgs.ids()
    before, losses = model.stock_kg(), orgs.by_org.losses[ids].copy()
    seized_at = model.farms.seize(mask, 0.5)
    model.trafficking.seize_at(mask, 0.5, seized_at)
    here = dealers.active_slots()[mask[dealers.place[dealers.active_slots()]]]
    seized_at += np.bincount(dealers.place[here], weights=dealers.seize_stock(here, 0.5), minlength=places.n)
    model.ledger.seize(float(seized_at.sum()))
    assert seized_at.sum() > 0 and not seized_at[~mask].any()
    assert before - model.stock_kg() == pytest.approx(seized_at.sum())
    assert (orgs.by_org.losses[ids] > losses).any()
    assert held.seized_on[ids][:, np.isin(model.routes.checkpoint, np.flatnonzero(mask))].any()
    assert conserved(model)


def test_eradication_destroys_standing_crop_only(model):
    farms = model.farms
    standing = farms.standing_ha.copy()
    hit = np.zeros(len(standing), dtype=bool)
    hit[:10] = True
    hectares = farms.eradicate(hit)
    assert hectares == pytest.approx(standing[:10].sum())
    np.testing.assert_allclose(farms.standing_ha[10:], standing[10:])
    assert ((farms.eradication_share >= 0) & (farms.eradication_share <= 1)).all()


def test_prison_admissions_and_users_leaving_keep_the_population(model):
    communities, justice = model.communities, model.justice
    residents = sum(getattr(communities, name).sum() for name in
                    ("non_users", "occasional", "dependent", "treatment", "prison"))
    before = justice.population
    justice.admit({"dealer": 7})
    assert justice.population == before + 7
    communities.remove_users(np.minimum(communities.dependent, 1), np.minimum(communities.occasional, 1))
    assert sum(getattr(communities, name).sum() for name in
               ("non_users", "occasional", "dependent", "treatment", "prison")) == residents


@pytest.mark.parametrize("time_left", [0.5, 1.0])
def test_the_starting_prisoners_leave_within_twice_their_mean_time_left(time_left):
    """Starting prisoners' remaining times are uniform from 0 to 2 × justice.initial_time_left × their
    offence's mean sentence: none is released later, and they leave at the rate that implies."""
    model = ms.DrugMarketModel(ms.load_scenario("baseline", {**TINY, "justice.initial_time_left": time_left}), seed=4)
    justice = model.justice
    dealer = CATEGORIES.index("dealer")
    last = round(2 * time_left * justice.sentence_mean("dealer"))
    releases = justice.releases[:, dealer]
    assert releases[last + 1:].sum() == 0 and releases[:last + 1].sum() == justice.prison[dealer]
    weekly = justice.prison[dealer] / (2 * time_left * justice.sentence_mean("dealer"))
    assert releases[1:last].mean() == pytest.approx(weekly, rel=0.25)


def test_event_log_totals_places_and_rows_agree(model):
    log = model.log
    log.start_week(99)
    log.record("homicide", 2, detail="contest", place=3, org=1)
    log.record_places("homicide", np.array([0.0, 1.0, 0.0, 4.0]), detail="dispute", places=np.array([5, 6, 7, 8]))
    assert log.total("homicide") == 7 and log.total("homicide", "dispute") == 5
    assert log.by_place("homicide")[[3, 6, 8]].tolist() == [2, 1, 4]
    rows = model.events().query("week == 99")
    assert rows["count"].sum() == 7 and set(rows["place"]) == {model.places.names[i] for i in (3, 6, 8)}


def test_build_order_follows_declared_needs_and_nothing_undeclared(monkeypatch):
    """Each subsystem is built after those its initialisation reads; building the ties in the
    opposite order gives the same run, so no subsystem relies on an order it does not declare."""
    import functools

    import marketsim.model
    from marketsim.sim import SUBSYSTEMS, build_order

    order = [cls.name for cls in build_order(SUBSYSTEMS)]
    for cls in SUBSYSTEMS:
        assert all(order.index(need) < order.index(cls.name) for need in cls.needs)
    forward = ms.run("kingpin", seed=4, steps=30)
    monkeypatch.setattr(marketsim.model, "build_order", functools.partial(build_order, reverse_ties=True))
    reversed_ties = ms.run("kingpin", seed=4, steps=30)
    pd.testing.assert_frame_equal(forward, reversed_ties)


def test_every_stage_names_a_rule_of_a_subsystem():
    from marketsim.model import STAGES
    from marketsim.sim import SUBSYSTEMS

    owners = {cls.name: cls for cls in SUBSYSTEMS}
    for stage in STAGES:
        if stage.subsystem == "outputs":
            continue
        assert callable(getattr(owners[stage.subsystem], stage.rule, None)), stage
    assert len({stage.name for stage in STAGES}) == len(STAGES)


def test_a_cycle_or_an_unknown_need_is_refused():
    from marketsim.sim.subsystem import Subsystem, build_order

    class A(Subsystem):
        name, needs = "a", ("b",)

    class B(Subsystem):
        name, needs = "b", ("a",)

    class C(Subsystem):
        name, needs = "c", ("nowhere",)

    with pytest.raises(ValueError, match="cycle"):
        build_order([A, B])
    with pytest.raises(ValueError, match="unknown nowhere"):
        build_order([C])
