"""Policies in time and place: schedules, one-off events and targeted enforcement (issue #14).

Each test runs a small world for a few dozen weeks with a fixed seed: deterministic."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import marketsim as ms
from marketsim.cli.main import app
from marketsim.config.params import BUDGET_SHARES
from marketsim.config.timeline import parse_events

SMALL = {"world.producers": 2250, "world.neighbourhoods": 12}
"""A smaller city, with producers in proportion (so that supply meets demand)."""
WEEKS = 40


def model(**kwargs) -> ms.DrugMarketModel:
    return ms.DrugMarketModel(kwargs.pop("scenario", "baseline"), seed=kwargs.pop("seed", 7),
                              overrides={**SMALL, **kwargs.pop("overrides", {})}, **kwargs)


def balanced_every_week(m: ms.DrugMarketModel, weeks: int) -> None:
    for _ in range(weeks):
        m.step()
        assert abs(m.ledger.imbalance(m.stock_kg())) < 1e-6 * max(m.ledger.initial, 1.0), m.steps


# -- validation ------------------------------------------------------------------------------------
def problems(**kwargs) -> list[str]:
    with pytest.raises(ms.ScenarioError) as caught:
        ms.load_scenario("baseline", **kwargs)
    return caught.value.problems


def test_schedule_problems_name_the_entry_the_field_and_what_is_allowed() -> None:
    found = problems(schedule=[
        {"week": 0, "set": {"policy.street_shar": 0.1}},
        {"week": 10, "until": 5, "set": {"policy.street_share": 2}},
        {"week": 10, "set": {"world.producers": 900, "demand.prevalence": 0.1}},
        {"week": 10, "sett": {}},
    ])
    assert "schedule[0].week = 0: allowed a whole number ≥ 1 (weeks count from 1)" in found
    assert "schedule[0].set: unknown parameter policy.street_shar — did you mean policy.street_share?" in found
    assert "schedule[1].until = 5 is before its week (10)" in found
    assert "schedule[1].set: policy.street_share = 2 is out of range: allowed a number ≥ 0 and ≤ 1" in found
    assert any(p.startswith("schedule[2].set: world.producers cannot change during a run") for p in found)
    assert "schedule[2].set: demand.prevalence sets the starting state only; it cannot change during a run" in found
    assert "schedule[3]: unknown field 'sett' — did you mean 'set'? (allowed: week, until, set)" in found


def test_budget_shares_changed_together_must_fit_in_every_week_of_the_schedule() -> None:
    found = problems(schedule=[{"week": 100, "until": 200, "set": {"policy.street_share": 0.6}},
                               {"week": 150, "set": {"policy.hvt_share": 0.5}}])
    assert [p.split(":")[0] for p in found] == ["schedule, from week 150"]
    assert "budget shares set together add up to 1.1" in found[0]
    # the same changes, one after the other, fit: each takes what it needs from the others
    scenario = ms.load_scenario("baseline", schedule=[{"week": 100, "until": 149, "set": {"policy.street_share": 0.6}},
                                                      {"week": 150, "set": {"policy.hvt_share": 0.5}}])
    assert [note.split(",")[0] for note in scenario.notes] == ["from week 100", "from week 150"]
    for week, path, value in ((100, "policy.street_share", 0.6), (150, "policy.hvt_share", 0.5)):
        policy = scenario.params_at(week).policy
        assert getattr(policy, path.split(".")[1]) == value
        assert sum(getattr(policy, name) for name in BUDGET_SHARES) == pytest.approx(1)
    assert scenario.params_at(99) == scenario.params


def test_event_problems_name_the_entry_and_the_field() -> None:
    found = problems(events=[{"week": 3, "kind": "seizur"},
                             {"week": 3, "kind": "seizure", "share": 1.5, "were": "border"},
                             {"week": 3, "kind": "leader_removal", "organisation": "biggest"},
                             {"week": 3, "kind": "arrest_sweep", "where": "most_violent:0", "share": 0.5}])
    assert found[0].startswith("event[0].kind = 'seizur' is not an event kind — did you mean 'seizure'?")
    assert "event[1] (seizure): unknown field 'were' — did you mean 'where'? (allowed: week, kind, where, share)" \
        in found
    assert any(p.startswith("event[1].where is missing") for p in found)
    assert "event[1].share = 1.5: allowed a number > 0 and ≤ 1" in found
    assert any(p.startswith("event[2].organisation = 'biggest'") for p in found)
    assert "event[3].where: 'most_violent:0' must look like 'most_violent:3' (N ≥ 1 places)" in found


def test_places_are_checked_against_the_world_and_weeks_against_the_run() -> None:
    with pytest.raises(ms.ScenarioError, match=r"event\[0\].where: 'bordr' is not a place, .* did you mean 'border'"):
        model(events=[{"week": 3, "kind": "seizure", "where": "bordr", "share": 0.5}])
    with pytest.raises(ms.ScenarioError, match=r"schedule\[0\].set: policy.targets.street: 'nbhd_99'"):
        model(schedule=[{"week": 3, "set": {"policy.targets": {"street": ["nbhd_99"]}}}])
    with pytest.raises(ms.ScenarioError, match=r"event\[0\].week = 30 is after the last week of the run \(20\)"):
        ms.run("baseline", steps=20, overrides=SMALL, events=[{"week": 30, "kind": "leader_removal"}])
    with pytest.raises(ms.ScenarioError, match=r"schedule\[0\].week = 30 is after the last week of the run \(20\)"):
        ms.run("baseline", steps=20, overrides=SMALL, schedule=[{"week": 30, "set": {"policy.hvt_share": 0.1}}])


def test_a_scenario_file_holds_its_schedule_and_events_and_extends_its_parents(tmp_path: Path) -> None:
    parent = tmp_path / "parent.toml"
    parent.write_text('extends = "baseline"\n[[schedule]]\nweek = 20\nset = { "policy.street_share" = 0.4 }\n',
                      encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "parent.toml"\n[[event]]\nweek = 30\nkind = "seizure"\nwhere = "border"\n'
                     'share = 0.5\n', encoding="utf-8")
    scenario = ms.load_scenario(child)
    assert [c.as_dict() for c in scenario.timeline.schedule] == [{"week": 20, "set": {"policy.street_share": 0.4}}]
    assert [e.as_dict() for e in scenario.timeline.events] == [
        {"week": 30, "kind": "seizure", "where": ["border"], "share": 0.5}]
    assert scenario.params_at(19).policy.street_share == 0.3 and scenario.params_at(20).policy.street_share == 0.4


# -- schedules -------------------------------------------------------------------------------------
def test_a_schedule_changes_the_policy_from_its_week_and_back_after_until() -> None:
    plain = model().run(WEEKS)
    changed = model(schedule=[{"week": 15, "until": 24, "set": {"policy.street_share": 0.55,
                                                                "policy.user_share": 0.0}}]).run(WEEKS)
    a, b = plain.metrics(), changed.metrics()
    before = a.columns.drop("policy_changes")
    pd.testing.assert_frame_equal(a.loc[a.step < 15, before], b.loc[b.step < 15, before])
    assert b.loc[b.step.between(15, 24), "arrests_dealers"].sum() > 1.5 * a.loc[a.step.between(15, 24),
                                                                                 "arrests_dealers"].sum()
    assert b.set_index("step").policy_changes[[15, 25]].tolist() == [1, 1]
    assert changed.p.policy.street_share == 0.3
    log = changed.events().query("kind == 'policy_change'")
    assert log.week.tolist() == [15, 25] and log.detail.iloc[0] == "policy.street_share, policy.user_share"


def test_a_schedule_that_changes_nothing_leaves_the_run_as_it_was() -> None:
    plain = model().run(WEEKS).metrics()
    same = model(schedule=[{"week": 10, "set": {"policy.street_share": 0.3}}]).run(WEEKS).metrics()
    pd.testing.assert_frame_equal(plain.drop(columns="policy_changes"), same.drop(columns="policy_changes"))


# -- events ----------------------------------------------------------------------------------------
def test_a_border_seizure_takes_its_share_of_the_drug_in_transit_and_conserves_product() -> None:
    m = model(events=[{"week": 12, "kind": "seizure", "where": "border", "share": 0.9}])
    balanced_every_week(m, 11)
    m.step()  # week 12: the seizure comes before interdiction
    table = m.metrics().set_index("step")
    seized = m.events().query("kind == 'seizure' and detail == 'event'")["count"].sum()
    assert table.loc[12, "shocks"] == 1 and seized > 0
    assert m.events().query("kind == 'shock'").detail.tolist() == ["seizure"]
    balanced_every_week(m, 20)
    # supply falls short for a while: retail prices rise after the shock
    later = m.metrics().set_index("step")
    assert later.loc[13:20, "retail_price"].mean() > later.loc[4:11, "retail_price"].mean()


def test_an_arrest_sweep_arrests_about_its_share_of_the_dealers_there() -> None:
    m = model(events=[{"week": 10, "kind": "arrest_sweep", "where": "urban", "share": 0.5}])
    m.run(9)
    urban_dealers = int((m.dealers.active & (m.places.kind[m.dealers.place] == 3)).sum())
    m.step()
    swept = int(m.metrics().set_index("step").loc[10, "arrests_dealers"])
    assert 0.4 * urban_dealers < swept < 0.6 * urban_dealers + 30


def test_a_leader_removal_takes_the_largest_organisations_leader_and_a_succession_follows() -> None:
    m = model(events=[{"week": 8, "kind": "leader_removal"}], overrides={"policy.hvt_share": 0.0})
    m.run(7)
    largest = max(m.orgs, key=lambda o: (o.size, -o.id))
    old_leader = largest.leader
    m.step()
    removals = m.events().query("kind == 'leader_removal'")
    assert removals.organisation.tolist() == [largest.id]
    assert largest.leader is not old_leader


def test_a_leader_removal_of_an_organisation_that_is_gone_is_logged_and_changes_nothing() -> None:
    m = model(events=[{"week": 5, "kind": "leader_removal", "organisation": 999}],
              overrides={"policy.hvt_share": 0.0}).run(6)
    assert m.events().query("kind == 'shock'").detail.tolist() == ["leader_removal (no such leader)"]
    assert m.metrics().leaders_removed.sum() == 0


def test_a_market_entry_takes_the_places_and_can_be_contested() -> None:
    m = model(events=[{"week": 6, "kind": "market_entry", "where": ["nbhd_03", "nbhd_04"], "size": 6}]).run(6)
    entrant = m.events().query("kind == 'shock'").organisation.iloc[0]
    held = m.place_metrics().query("step == 6 and place in ['nbhd_03', 'nbhd_04']").controller
    assert set(held) == {entrant}
    assert m.orgs.get(int(entrant)).size == 12


def test_the_same_events_give_the_same_table_for_the_same_seed() -> None:
    timeline = {"events": [{"week": 5, "kind": "arrest_sweep", "where": "most_violent:3", "share": 0.7},
                           {"week": 9, "kind": "market_entry", "where": "nbhd_02"}],
                "schedule": [{"week": 7, "set": {"policy.targets": {"street": ["most_violent:2"]}}}]}
    first = ms.run("baseline", seed=3, steps=20, overrides=SMALL, **timeline)
    pd.testing.assert_frame_equal(first, ms.run("baseline", seed=3, steps=20, overrides=SMALL, **timeline))


def test_an_event_added_during_a_run_gives_the_run_that_staged_it_from_the_start() -> None:
    seizure = {"week": 13, "kind": "seizure", "where": "border", "share": 0.8}
    staged = model(events=[seizure]).run(20)
    live = model().run(12)
    live.interventions.add_event(parse_events([seizure])[0])
    assert live.scenario == staged.scenario
    pd.testing.assert_frame_equal(live.run(8).metrics(), staged.metrics())
    assert live.metrics().set_index("step").shocks[13] == 1


def test_an_event_cannot_be_added_for_a_week_that_has_begun_or_a_place_not_in_the_world() -> None:
    live = model().run(12)
    (seizure,) = parse_events([{"week": 12, "kind": "seizure", "where": "border", "share": 0.8}])
    with pytest.raises(ms.ScenarioError, match=r"event in week 12: the run has reached week 12; allowed week 13 or"):
        live.interventions.add_event(seizure)
    elsewhere = replace(seizure, week=20, where=("bordr",))
    with pytest.raises(ms.ScenarioError, match=r"event in week 20: where: 'bordr' is not a place.*did you mean"):
        live.interventions.add_event(elsewhere)
    assert live.interventions.timeline.events == () and live.scenario.timeline.events == ()


# -- targets -----------------------------------------------------------------------------------------
def test_street_enforcement_aimed_at_two_places_arrests_only_there_with_the_same_budget() -> None:
    aimed = ["nbhd_03", "nbhd_04"]
    m = model(overrides={"policy.targets": {"street": aimed}})
    balanced_every_week(m, WEEKS)
    arrests = m.events().query("kind == 'arrest' and detail == 'dealer'")
    assert len(arrests) and set(arrests.place) <= set(aimed)
    plain = model().run(WEEKS)
    assert (m.metrics().enforcement_cost == plain.metrics().enforcement_cost).all()
    # the same effort on fewer dealers: each faces a higher hazard there (up to police.max_arrest_hazard)
    def per_dealer(run: ms.DrugMarketModel) -> float:
        events, places = run.events(), run.place_metrics()
        caught = events[(events.kind == "arrest") & (events.detail == "dealer") & events.place.isin(aimed)]
        return caught["count"].sum() / places[places.place.isin(aimed)].dealers.sum()

    assert per_dealer(m) > 3 * per_dealer(plain)


def test_most_violent_names_the_places_with_the_most_homicides_of_the_past_year() -> None:
    m = model(schedule=[{"week": 30, "set": {"policy.targets": {"street": ["most_violent:3"]}}}]).run(30)
    homicides = m.place_metrics().query("step < 30").groupby("place", sort=False).homicides.sum()
    residents = [m.places.names[i] for i in m.places.community_places]
    aimed = sorted(np.array(m.places.names)[m.police.aim["street"]])
    top = homicides[residents].sort_values(ascending=False)
    assert top[aimed].min() >= top.iloc[3]


def test_interdiction_and_eradication_aimed_by_place_kind_and_region() -> None:
    m = model(overrides={"policy.targets": {"interdiction": ["border"], "eradication": ["region_2"]},
                         "policy.eradication_share": 0.2, "policy.street_share": 0.2})
    region_2 = m.places.region == m.places.regions.index("region_2")
    eradicated = np.zeros(m.places.n)
    for _ in range(20):
        m.step()
        eradicated += m.farms.eradication_share
    assert eradicated[region_2].sum() > 0 and (eradicated[~region_2] == 0).all()
    plain = model(overrides={"policy.eradication_share": 0.2, "policy.street_share": 0.2}).run(20)

    def at_borders(run: ms.DrugMarketModel) -> float:
        seized = run.place_metrics().groupby("kind").seizures_kg.sum()
        return seized["border"] / seized.sum()

    assert at_borders(m) > at_borders(plain)


# -- command line ----------------------------------------------------------------------------------
def test_the_command_line_takes_a_schedule_and_events_and_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "run.csv"
    result = CliRunner().invoke(app, [
        "run", "baseline", "--steps", "30", "--burn-in", "0", "--set", "world.producers=2250",
        "--at", "10-20:policy.street_share=0.45", "--at", "15:policy.targets={street=['most_violent:2']}",
        "--event", '{week=12, kind="seizure", where="border", share=0.5}', "--out", str(out)])
    assert result.exit_code == 0, result.output
    events = pd.read_csv(tmp_path / "run_events.csv")
    assert events.query("kind == 'policy_change'").week.tolist() == [10, 15, 21]
    assert events.query("kind == 'shock'").week.tolist() == [12]
    assert len(pd.read_csv(tmp_path / "run_places.csv")) == 30 * len(ms.DrugMarketModel(
        "baseline", seed=1, overrides={"world.producers": 2250}).places.names)


def test_the_command_line_names_a_malformed_at_or_event() -> None:
    result = CliRunner().invoke(app, ["run", "baseline", "--at", "soon:policy.street_share=0.4",
                                      "--event", "{week=3, kind=", "--at", "5:policy.street_share=3"])
    assert result.exit_code == 2
    assert "--at 'soon:policy.street_share=0.4' must look like WEEK:group.name=value" in result.output
    assert "--event '{week=3, kind=' is not a TOML inline table" in result.output
    assert "schedule[0].set: policy.street_share = 3 is out of range" in result.output


# -- sweeps ------------------------------------------------------------------------------------------
def test_a_sweep_varies_a_schedules_week_and_an_events_size(tmp_path: Path) -> None:
    scenario = tmp_path / "shock.toml"
    scenario.write_text('extends = "baseline"\n[world]\nproducers = 2250\n[[schedule]]\nweek = 10\n'
                        'set = { "policy.street_share" = 0.45 }\n[[event]]\nweek = 12\nkind = "seizure"\n'
                        'where = "border"\nshare = 0.5\n', encoding="utf-8")
    result = ms.run_sweep(scenarios=[str(scenario)], params={"schedule.0.week": [5, 15], "event.0.share": [0.2, 0.9]},
                          design="grid", seeds=1, steps=20, burn_in=0, out=tmp_path / "sweep", workers=1,
                          progress=False)
    assert (result.total, result.failed) == (4, 0)
    summary = pd.read_parquet(tmp_path / "sweep" / "summary.parquet")
    pairs = sorted(zip(summary["schedule.0.week"], summary["event.0.share"], strict=True))
    assert pairs == [(5, 0.2), (5, 0.9), (15, 0.2), (15, 0.9)]
    assert summary.groupby("event.0.share").seizures_kg.mean().is_monotonic_increasing
    with pytest.raises(ms.ScenarioError, match=r"schedule.1.week: the scenario has 1 schedule entry"):
        ms.run_sweep(scenarios=[str(scenario)], params={"schedule.1.week": [5, 15]}, design="grid", seeds=1,
                     steps=20, burn_in=0, out=tmp_path / "bad", workers=1, progress=False)


# -- displacement -----------------------------------------------------------------------------------
def crackdown(displacement: bool) -> ms.DrugMarketModel:
    """Street enforcement on two neighbourhoods from week 1, with displacement on or off."""
    return model(overrides={"policy.targets": {"street": ["nbhd_06", "nbhd_07"]}, "policy.street_share": 0.5,
                            "policy.user_share": 0.0, "mechanisms.displacement": displacement}).run(WEEKS)


def test_dealers_move_from_a_crackdown_to_their_organisations_places_next_door() -> None:
    moved, stayed = crackdown(True), crackdown(False)
    aimed = ["nbhd_06", "nbhd_07"]
    near = {moved.places.names[j] for name in aimed for j in moved.places.neighbours[moved.places.index[name]]
            if moved.places.is_urban[j]} - set(aimed)

    def dealers(run: ms.DrugMarketModel, where: set[str] | list[str]) -> float:
        table = run.place_metrics()
        return table[table.place.isin(where) & (table.step > 20)].dealers.mean()

    assert dealers(moved, aimed) < dealers(stayed, aimed)
    assert dealers(moved, near) > dealers(stayed, near)
    # open-air dealers under the crackdown go indoors
    assert moved.metrics().open_air_share.iloc[-1] < stayed.metrics().open_air_share.iloc[-1]


def test_buyers_seek_next_door_what_their_neighbourhood_cannot_supply() -> None:
    sweep = [{"week": 10, "kind": "arrest_sweep", "where": "nbhd_05", "share": 1.0}]
    shortage = {}
    for displacement in (True, False):
        m = model(events=sweep, overrides={"mechanisms.displacement": displacement}).run(11)
        row = m.places.community[m.places.index["nbhd_05"]]
        shortage[displacement] = m.communities.shortage[row]
    assert shortage[False] > 0.9 and shortage[True] < shortage[False]
