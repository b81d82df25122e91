"""Policies in time and place on the dashboard (issue #14), without a browser: markers of changes
and events, the week a policy starts, aiming enforcement at places, and events staged "now"
that keep the paired seeds paired."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import marketsim as ms
from marketsim.config.timeline import Change, Timeline, parse_events
from marketsim.dashboard.charts import series_svg
from marketsim.dashboard.experiment import Experiment
from marketsim.dashboard.frame import Painter
from marketsim.dashboard.network import MapLayout, MapScale, MapState, map_svg
from marketsim.dashboard.session import Session, Settings
from marketsim.dashboard.teaching import lesson_html
from marketsim.dashboard.timeline import (
    DEFAULT_SEIZURE_PLACES,
    MOST_VIOLENT_CHOICES,
    Marker,
    event_places,
    markers,
    now_event,
    seizure_choices,
    split_edits,
    start_week_problem,
    target_choices,
    with_targets,
)
from marketsim.dashboard.views import timeline_html
from marketsim.lessons import load_lesson

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
SEIZURE = {"week": 3, "kind": "seizure", "where": "border", "share": 0.9}


@pytest.fixture(scope="module")
def model() -> ms.DrugMarketModel:
    return ms.DrugMarketModel(ms.load_scenario("baseline", SMALL_WORLD), seed=2)


# -- markers ---------------------------------------------------------------------------------------------
def test_markers_merge_the_same_entry_of_several_runs_and_mark_the_return_after_until() -> None:
    (seizure,) = parse_events([SEIZURE])
    change = Change(5, {"policy.street_share": 0.5}, until=8)
    found = markers([Timeline((change,), (seizure,)), Timeline((), (seizure,))])
    assert found == (
        Marker(3, "event", "seizure of 90% at border", (0, 1)),
        Marker(5, "change", "policy.street_share = 0.5 until week 8", (0,)),
        Marker(9, "change", "back to the scenario's policy.street_share", (0,)),
    )
    assert found[0].label(["A", "B"]) == "A, B · week 3: seizure of 90% at border"
    assert markers([Timeline(), Timeline()]) == ()


def test_a_change_describes_its_values_in_a_few_words() -> None:
    change = Change(53, {"policy.targets": {"street": ("nbhd_03", "nbhd_04")}, "policy.decriminalise_possession": True,
                         "policy.street_share": 0.25})
    assert change.describe() == ("policy.targets = street → nbhd_03, nbhd_04, policy.decriminalise_possession = yes, "
                                 "policy.street_share = 0.25")


def test_charts_draw_markers_done_or_to_come_and_leave_out_those_past_the_horizon() -> None:
    runs = [np.arange(12, dtype=float).reshape(2, 6)]
    marks = [Marker(4, "event", "seizure of 90% at border", (0,)),
             Marker(10, "change", "policy.street_share = 0.5", (0,)),
             Marker(40, "event", "leader removal (largest organisation)", (0,))]
    svg = series_svg("homicides", runs, ["A: Baseline"], horizon=20, markers=marks)
    found = re.findall(r'class="ms-marker" data-kind="(\w+)" data-week="(\d+)" data-state="(\w+)"', svg)
    assert found == [("event", "4", "done"), ("change", "10", "planned")]
    assert "A · week 4: seizure of 90% at border" in svg and "(to come)" in svg
    assert "ms-marker" not in series_svg("homicides", runs, ["A: Baseline"], horizon=20)


def test_the_timeline_lists_every_marker_done_or_to_come() -> None:
    marks = [Marker(4, "event", "seizure of 90% at border", (0, 1)),
             Marker(10, "change", "policy.street_share = 0.5", (1,))]
    text = timeline_html(marks, ["A: Baseline", "B: Kingpin"], week=6)
    assert re.findall(r'data-kind="(\w+)" data-state="(\w+)"', text) == [("event", "done"), ("change", "planned")]
    assert "A, B · week 4: seizure of 90% at border" in text and "B · week 10: policy.street_share = 0.5" in text
    assert timeline_html([], ["A: Baseline"], week=6) == ""


# -- the week a policy starts ------------------------------------------------------------------------------
def test_split_edits_starts_the_schedulable_groups_later_and_the_world_at_once() -> None:
    edits = {"policy.street_share": 0.3, "justice.sentence_weeks": 20, "world.producers": 900,
             "demand.prevalence": 0.02, "trafficking.entry_size": 4}
    assert split_edits(edits) == ({"world.producers": 900, "demand.prevalence": 0.02, "trafficking.entry_size": 4},
                                  {"policy.street_share": 0.3, "justice.sentence_weeks": 20})


@pytest.mark.parametrize("week", [0, -3, 30, 2.5, True, None])
def test_a_start_week_outside_the_run_is_refused_naming_what_is_allowed(week) -> None:
    assert start_week_problem(week, horizon=26) == (f"policy starts at week = {week!r}: allowed a whole number from 1 "
                                                    "(the start) to 26 (the week play stops at)")
    assert start_week_problem(26, horizon=26) is None


def test_edits_take_effect_from_the_start_week_and_the_panel_shows_them() -> None:
    settings = Settings(presets=("baseline",), edits=({"policy.street_share": 0.3, "world.producers": 700},),
                        base=SMALL_WORLD)
    preset = settings.preset(0)
    assert settings.scenario(0).timeline == Timeline() and settings.scenario(0).get("policy.street_share") == 0.3
    later = settings.with_start_week(0, 10)
    scenario = later.scenario(0)
    assert scenario.get("policy.street_share") == preset.get("policy.street_share")
    assert scenario.get("world.producers") == 700
    assert scenario.timeline.schedule == (Change(10, {"policy.street_share": 0.3}),)
    assert scenario.params_at(10).policy.street_share == 0.3
    assert later.levers(0).get("policy.street_share") == 0.3
    # the start week belongs to its run: a new preset starts from week 1 again, other runs keep theirs
    two = later.with_run_added("kingpin").with_start_week(1, 5)
    assert [two.start_week(i) for i in (0, 1)] == [10, 5]
    assert two.with_preset(0, "kingpin").start_week(0) == 1
    assert two.with_run_removed(1).start_weeks == (10,)
    assert two.without_edits(0).start_week(0) == 1


def test_a_start_week_that_breaks_the_budget_later_is_refused() -> None:
    edits = {"policy.street_share": 0.6, "policy.hvt_share": 0.5}  # set together: more than the budget
    settings = Settings(presets=("baseline",), edits=(edits,), base=SMALL_WORLD)
    with pytest.raises(ms.ScenarioError):
        settings.scenario(0)
    with pytest.raises(ms.ScenarioError, match="budget shares set together"):
        settings.with_start_week(0, 4).scenario(0)
    # one share alone, from week 4, takes what it needs from the others then
    alone = Settings(presets=("baseline",), edits=({"policy.street_share": 0.9},), base=SMALL_WORLD)
    assert alone.with_start_week(0, 4).scenario(0).params_at(4).policy.street_share == 0.9


def test_the_start_week_change_happens_in_the_runs() -> None:
    settings = Settings(presets=("baseline",), edits=({"policy.street_share": 0.3},), base=SMALL_WORLD, paired=1)
    session = Session(settings.with_start_week(0, 3), horizon=4)
    session.experiment.step(4)
    table = session.experiment.metrics().set_index("step")
    assert table.policy_changes.tolist() == [0, 0, 1, 0]
    assert session.experiment.models[0][0].p.policy.street_share == 0.3


# -- aiming enforcement --------------------------------------------------------------------------------------
def test_target_and_seizure_choices_come_from_the_world(model) -> None:
    places = model.places
    choices = target_choices(places)
    assert choices[: len(MOST_VIOLENT_CHOICES)] == [f"most_violent:{n}" for n in MOST_VIOLENT_CHOICES]
    urban = [name for name, kind in zip(places.names, places.kind_names, strict=True) if kind == "urban"]
    assert choices[len(MOST_VIOLENT_CHOICES): len(MOST_VIOLENT_CHOICES) + len(urban)] == urban
    assert set(places.names) | set(places.regions) | set(places.corridors) <= set(choices)
    for text in choices:  # every choice selects places of this world
        assert len(places.select([text], "choice", np.zeros(places.n)))
    seizures = seizure_choices(places)
    assert seizures[0] == DEFAULT_SEIZURE_PLACES and "all" in seizures and set(places.names) <= set(seizures)


def test_with_targets_aims_one_activity_and_keeps_the_others() -> None:
    targets = {"street": ("nbhd_01",), "eradication": ("region_1",)}
    assert with_targets(targets, "street", ["nbhd_03", "nbhd_04"]) == {"eradication": ("region_1",),
                                                                       "street": ("nbhd_03", "nbhd_04")}
    assert with_targets(targets, "street", []) == {"eradication": ("region_1",)}


def test_the_map_rings_where_enforcement_is_aimed_and_where_an_event_struck() -> None:
    aimed = ["nbhd_03", "nbhd_04"]
    model = ms.DrugMarketModel(ms.load_scenario("baseline", {**SMALL_WORLD, "policy.targets": {"street": aimed}}),
                               seed=2)
    (seizure,) = parse_events([SEIZURE])
    struck = event_places(model.places, seizure)
    assert [model.places.names[i] for i in np.flatnonzero(struck)] == \
        [name for name, kind in zip(model.places.names, model.places.kind_names, strict=True) if kind == "border"]
    svg = map_svg(MapLayout.of(model), MapState.of(model, (("week 3: seizure", struck),)), MapScale(), "A")
    assert re.findall(r'class="ms-target" data-place="([^"]+)"', svg) == aimed
    assert len(re.findall(r'class="ms-event-place"', svg)) == struck.sum()
    assert "street enforcement aimed here" in svg and "✱ week 3: seizure" in svg
    (removal,) = parse_events([{"week": 3, "kind": "leader_removal"}])
    assert not event_places(model.places, removal).any()


# -- events staged now -----------------------------------------------------------------------------------------
def test_now_event_builds_a_checked_event() -> None:
    seizure = now_event("seizure", 7, "transit", 0.5)
    assert (seizure.week, seizure.kind, seizure.where, seizure.share) == (7, "seizure", ("transit",), 0.5)
    removal = now_event("leader_removal", 7)
    assert (removal.kind, removal.organisation, removal.where) == ("leader_removal", "largest", ())
    with pytest.raises(ms.ScenarioError, match="event kind = 'market_entry': allowed seizure, leader_removal"):
        now_event("market_entry", 7)
    with pytest.raises(ms.ScenarioError, match=r"share = 1.5: allowed a number > 0 and ≤ 1"):
        now_event("seizure", 7, "border", 1.5)


def test_events_staged_now_keep_the_seeds_paired_and_equal_runs_staged_from_the_start() -> None:
    scenarios = [ms.load_scenario(name, SMALL_WORLD) for name in ("baseline", "kingpin")]
    experiment = Experiment(scenarios, seeds=[1, 2])
    experiment.step(2)
    experiment.stage(now_event("seizure", 3))
    experiment.stage(now_event("leader_removal", 4))
    experiment.step(4)
    staged = [SEIZURE, {"week": 4, "kind": "leader_removal", "organisation": "largest"}]
    for scenario, runs in zip(scenarios, experiment.models, strict=True):
        for seed, live in zip(experiment.seeds, runs, strict=True):
            alone = ms.DrugMarketModel(scenario.with_timeline(events=staged), seed=seed).run(6)
            pd.testing.assert_frame_equal(live.metrics(), alone.metrics())
    shocks = experiment.metrics().pivot_table(index="step", columns=["scenario", "seed"], values="shocks")
    assert (shocks.loc[[3, 4]] == 1).all().all() and shocks.drop(index=[3, 4]).sum().sum() == 0
    assert [m.week for m in markers(experiment.timelines())] == [3, 4]


def test_an_event_for_a_week_begun_or_a_place_not_in_the_world_changes_no_model() -> None:
    experiment = Experiment([ms.load_scenario("baseline", SMALL_WORLD)], seeds=[1, 2])
    experiment.step(2)
    with pytest.raises(ms.ScenarioError, match=r"event in week 2: the runs have reached week 2; allowed week 3"):
        experiment.stage(now_event("seizure", 2))
    with pytest.raises(ms.ScenarioError, match=r"'bordr' is not a place"):
        experiment.stage(now_event("seizure", 3, "bordr"))
    assert all(t.events == () for t in experiment.timelines())
    assert all(model.interventions.timeline.events == () for model in experiment.models[0])


def test_a_session_keeps_staged_events_so_a_restart_replays_them() -> None:
    settings = Settings(presets=("baseline",), edits=({},), base=SMALL_WORLD, paired=1)
    session = Session(settings, horizon=6)
    session.experiment.step(2)
    session.stage(now_event("seizure", 3))
    assert session.settings.staged_events == (SEIZURE | {"where": ["border"]},)
    replay = Session(session.settings, horizon=6)
    assert replay.experiment.timelines()[0].events == session.experiment.timelines()[0].events
    assert session.settings.without_staged_events().scenario(0).timeline.events == ()
    session.experiment.step(2)
    frame = Painter(session.experiment, 6).frame()
    assert [m.week for m in frame.markers] == [3] and 'data-state="done"' in frame.outcomes
    assert "ms-event-place" in frame.maps[0]


# -- lessons ------------------------------------------------------------------------------------------------
def test_a_lesson_chosen_on_the_page_stages_its_events_in_every_run() -> None:
    lesson = load_lesson("organised_crime")
    settings = Settings(base=SMALL_WORLD).with_lesson(lesson.name, lesson.scenarios, lesson.schedule, lesson.event)
    for index in range(len(lesson.scenarios)):
        (event,) = settings.scenario(index).timeline.events
        assert (event.week, event.kind, event.where, event.share) == (130, "seizure", ("border",), 0.9)
    assert settings.with_preset(0, "baseline").scenario(0).timeline.events == ()
    panel = lesson_html(lesson)
    assert "Staged in every scenario" in panel and "wk 130: seizure of 90% at border" in panel
