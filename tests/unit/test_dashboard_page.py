"""The dashboard page, rendered with Solara's test renderer: what a user sees change when they
step, pick presets, compare, edit parameters, choose a lesson, play and download.

Every page runs on a small world. Numbers on screen are checked against models run
independently with the same scenario and seed, never against fixed values.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterator

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from solara.components.file_download import FileDownloadWidget
from solara.server import settings as solara_settings
from solara.widgets import HTML

import marketsim as ms
from marketsim.dashboard.app import Page, world_files
from marketsim.dashboard.parameters import ordered_groups, panel_members
from marketsim.dashboard.server import WORLDS_VARIABLE
from marketsim.dashboard.session import MAX_RUN_WEEKS, Session, Settings, work_problem
from marketsim.lessons import list_lessons
from marketsim.world import generate_world, save_world

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
solara_settings.telemetry.mixpanel_enable = False  # tests never phone home


class Screen:
    """A rendered page, and the few ways a test looks at it."""

    def __init__(self) -> None:
        _, self.rc = solara.render(solara.AppLayout(children=[Page(base=SMALL_WORLD)]), handle_error=False)

    def html(self, marker: str) -> list[str]:
        """The raw HTML of every HTML element containing ``marker``."""
        return [w.unsafe_innerHTML for w in self.rc.find(HTML).widgets if marker in (w.unsafe_innerHTML or "")]

    def week(self) -> int:
        return int(re.search(r"class='ms-week'>(\d+)<", self.html("ms-week")[0]).group(1))

    def click(self, css_class: str) -> None:
        self.rc.find(v.Btn, class_=css_class).widget.click()

    def select(self, label: str) -> v.Select:
        return next(w for w in self.rc.find(v.Select).widgets if (w.label or "").startswith(label))

    def control(self, path: str) -> v.VuetifyWidget:
        return self.rc.find(class_="ms-param-" + path.replace(".", "-")).widget

    def wait(self, condition, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, "timed out waiting for the page"
            time.sleep(0.05)


@pytest.fixture
def screen() -> Iterator[Screen]:
    page = Screen()
    yield page
    page.rc.close()


def model_after(name: str, seed: int, weeks: int) -> ms.DrugMarketModel:
    """The same run as the page's, made independently."""
    return ms.DrugMarketModel(ms.load_scenario(name, SMALL_WORLD), seed=seed).run(weeks)


def test_step_updates_week_scoreboard_map_and_charts(screen):
    assert screen.week() == 0
    assert 'data-week="0"' in screen.html("ms-map")[0]
    board_before = screen.html("ms-scoreboard")[0]
    assert "No weeks run yet" in board_before
    prison_before = re.search(r'data-metric="prison_population">.*?class="ms-value">([^<]+)<', board_before).group(1)
    assert prison_before == "—", "prison population is not 0 before the first week"
    screen.click("ms-step")
    screen.click("ms-step")
    assert screen.week() == 2
    board = screen.html("ms-scoreboard")[0]
    assert board != board_before and "Weekly means over weeks 2–2 (the first 1 left out" in board
    outcomes = screen.html('class="ms-series" data-metric="homicides"')[0]
    process = screen.html('class="ms-series" data-metric="arrests"')[0]
    assert outcomes.count('data-week="2"') == 5 and process.count('data-week="2"') == 3
    # the map shows the model: the first seed's controllers, violence and flows after two weeks
    svg = screen.html("ms-map")[0]
    model = model_after("baseline", seed=1, weeks=2)
    slots = [int(s) for s in re.findall(r'class="ms-place" data-slot="(-?\d+)"', svg)]
    assert slots == model.orgs.controller.tolist()
    radii = np.array([float(r) for r in re.findall(r'data-r="([\d.]+)"', svg)])
    assert np.all(np.diff(radii[np.argsort(model.violence.violence_ma, kind="stable")]) >= -1e-9)
    # the scoreboard shows the weekly mean after the burn-in (half the weeks so far), over the paired seeds 1-3
    homicides = np.mean([model_after("baseline", seed, 2).metrics()["homicides"].iloc[1:].mean() for seed in (1, 2, 3)])
    row = re.search(r'data-metric="homicides">.*?class="ms-value">([^<]+)<', board).group(1)
    assert float(row.replace(",", "")) == pytest.approx(homicides, rel=0.01)


def test_csv_download_matches_the_models(screen):
    for _ in range(3):
        screen.click("ms-step")
    download = screen.rc.find(FileDownloadWidget, filename="marketsim_baseline_week3.csv").widget
    download.request_download = True  # what a click on the button does in the browser
    screen.wait(lambda: download.bytes is not None)
    table = pd.read_csv(io.BytesIO(download.bytes))
    assert sorted(set(zip(table.scenario, table.seed, strict=True))) == [("baseline", 1), ("baseline", 2),
                                                                        ("baseline", 3)]
    for seed in (1, 2, 3):
        own = table[table.seed == seed].drop(columns=["scenario", "seed"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(own, model_after("baseline", seed, 3).metrics(), check_dtype=False)


def test_every_metric_a_lesson_names_is_charted_and_scored(screen):
    for lesson in list_lessons():
        screen.select("Lesson").v_model = lesson.name
        named = {*(item.metric for item in lesson.watch), *(claim.metric for claim in lesson.claims)}
        charted = set(re.findall(r'class="ms-series" data-metric="([^"]+)"', " ".join(screen.html("ms-series"))))
        scored = set(re.findall(r'class="ms-row" data-metric="([^"]+)"', screen.html("ms-scoreboard")[0]))
        assert named <= charted and named <= scored, lesson.name


def test_the_user_charts_more_metrics_without_restarting_the_runs(screen):
    screen.click("ms-step")
    screen.select("Also chart").v_model = ["leaders_removed", "market_hhi"]
    assert screen.week() == 1, "charting a metric does not restart the runs"
    for metric in ("leaders_removed", "market_hhi"):
        assert screen.html(f'class="ms-series" data-metric="{metric}"')
        assert f'data-metric="{metric}"' in screen.html("ms-scoreboard")[0]


def test_the_edited_scenario_saves_as_a_scenario_file_that_loads_the_same(screen, tmp_path):
    screen.control("policy.hvt_share").fire_event("change", 0.5)
    download = screen.rc.find(FileDownloadWidget, filename="baseline_edited.toml").widget
    download.request_download = True
    screen.wait(lambda: download.bytes is not None)
    saved = tmp_path / "edited.toml"
    saved.write_bytes(download.bytes)
    scenario = ms.load_scenario(saved)
    assert scenario.extends == "baseline" and scenario.params.policy.hvt_share == 0.5
    expected = Settings(presets=("baseline",), edits=({"policy.hvt_share": 0.5},), base=SMALL_WORLD).scenario(0)
    assert scenario.resolved() == expected.resolved()


def test_two_presets_side_by_side(screen):
    screen.select("Scenario A").v_model = "focused_deterrence"
    screen.click("ms-add-run")
    screen.select("Scenario B").v_model = "zero_tolerance"
    screen.click("ms-step")
    maps = screen.html("ms-map")[0]
    assert "A: Focused deterrence" in maps and "B: Zero tolerance" in maps
    board = screen.html("ms-scoreboard")[0]
    assert "B − A" in board and board.count('class="ms-diff"') == 8
    outcomes = screen.html('class="ms-series" data-metric="homicides"')[0]
    homicides = re.search(r'<svg class="ms-series" data-metric="homicides".*?</svg>', outcomes).group(0)
    assert homicides.count('class="ms-line"') == 2
    teaching = screen.html("ms-teach-title")[0]
    assert "Focused deterrence" in teaching and "Zero tolerance" in teaching
    for question in ms.load_scenario("zero_tolerance").teaching["questions"]:
        assert question.split()[0] in teaching


def test_parameter_edits_restart_the_run_and_respect_the_budget(screen):
    preset = ms.load_scenario("baseline", SMALL_WORLD)
    hvt = preset.get("policy.hvt_share")
    screen.click("ms-step")
    screen.control("policy.hvt_share").fire_event("change", hvt + 0.01)
    assert screen.week() == 0
    header = next(h for h in screen.html("hvt share</b>"))
    assert f"(preset: {hvt:.4g})" in header and f"= {hvt + 0.01:.4g}" in header
    # one share may take any value: the others give way (the budget bar shows reactive policing at 0)
    screen.control("policy.hvt_share").fire_event("change", 0.6)
    assert "= 0.6" in next(h for h in screen.html("hvt share</b>"))
    assert not screen.html("capped at 0")
    # a second share edited with it that would take the budget over 1 is capped at the largest allowed value
    screen.control("policy.street_share").fire_event("change", 0.6)
    message = screen.html("capped at 0")[0]
    assert float(re.search(r"capped at ([\d.]+)", message).group(1)) == pytest.approx(0.4)
    screen.control("policy.decriminalise_possession").v_model = not preset.get("policy.decriminalise_possession")
    # hvt and street, the five other shares with money that gave way to them, and the switch
    assert "8 changed" in " ".join(str(w.children) for w in screen.rc.find(v.ExpansionPanelHeader).widgets)


def test_lesson_loads_its_scenarios_and_teaching_text(screen):
    lesson = list_lessons()[0]
    screen.select("Lesson").v_model = lesson.name
    chosen = [screen.select(f"Scenario {label}").v_model for label in "ABC"[: len(lesson.scenarios)]]
    assert chosen == list(lesson.scenarios)
    text = screen.html("ms-teach-title")[0]
    assert lesson.title in text.replace("&#x27;", "'")
    assert all(len(q) < 20 or q[:20] in text.replace("&#x27;", "'") for q in lesson.questions)
    screen.click("ms-step")
    if lesson.claims:  # checked once the runs pass the burn-in (see test_dashboard_experiment)
        assert f"checked after week {ms.BURN_IN}" in screen.html("ms-claim")[0]


def test_every_page_has_its_own_models():
    first, second = Screen(), Screen()
    try:
        first.click("ms-step")
        assert (first.week(), second.week()) == (1, 0)
    finally:
        first.rc.close()
        second.rc.close()


def test_play_and_pause(screen):
    screen.click("ms-play")
    screen.wait(lambda: screen.week() >= 2)
    screen.click("ms-play")
    paused = screen.week()
    time.sleep(0.5)
    assert screen.week() <= paused + 1


def test_a_preset_that_does_not_load_is_left_out_and_named(monkeypatch):
    load = ms.load_scenario

    def load_or_fail(name, overrides=None):
        if name == "kingpin":
            raise ms.ScenarioError(["kingpin.toml: broken on purpose"])
        return load(name, overrides)

    monkeypatch.setattr(ms, "load_scenario", load_or_fail)
    screen = Screen()
    try:
        warning = screen.rc.find(v.Alert).widget
        assert "broken on purpose" in str(warning.children)
        offered = [item["value"] for item in screen.select("Scenario A").items]
        assert "kingpin" not in offered and "baseline" in offered
        screen.click("ms-step")
        assert screen.week() == 1
    finally:
        screen.rc.close()


def test_closing_the_page_stops_play():
    screen = Screen()
    before = set(threading.enumerate())
    screen.click("ms-play")
    screen.wait(lambda: screen.week() >= 1)
    players = [thread for thread in threading.enumerate() if thread not in before]
    assert players, "play runs in a thread of its own"
    screen.rc.close()
    for thread in players:
        thread.join(timeout=3)
    assert not any(thread.is_alive() for thread in players)


def test_every_parameter_has_a_control_within_its_bounds(screen):
    panels = screen.rc.find(v.ExpansionPanels).widget
    for index, group in enumerate(ordered_groups()):
        panels.v_model = index
        for spec in panel_members(group, ms.parameter_specs()):
            control = screen.control(spec.path)
            if isinstance(control, v.Slider):
                assert spec.minimum <= control.min and control.max == spec.maximum, spec.path
                assert control.min <= control.v_model <= control.max, spec.path


# -- hardening (issue #17) ---------------------------------------------------------------------
def open_group(screen: Screen, group: str) -> None:
    screen.rc.find(v.ExpansionPanels).widget.v_model = ordered_groups().index(group)


def test_world_files_are_chosen_from_a_list_never_typed(monkeypatch, tmp_path):
    world = tmp_path / "small.json"
    save_world(generate_world(ms.load_scenario("baseline", SMALL_WORLD).params.world, np.random.default_rng(3)),
               world)
    (tmp_path / "notes.txt").write_text("not a world")
    monkeypatch.setenv(WORLDS_VARIABLE, str(tmp_path))
    assert world_files() == ["", str(world)]
    screen = Screen()
    try:
        open_group(screen, "world")
        control = screen.control("world.file")
        assert isinstance(control, v.Select) and control.items == ["", str(world)]
        control.v_model = "/etc/passwd"
        assert screen.html("choose one") == ["world.file: choose one of the values offered"]
        screen.click("ms-step")
        assert screen.week() == 1  # the runs were not restarted
        screen.control("world.file").v_model = str(world)
        assert screen.week() == 0
        assert f"file</b> = {world}" in screen.html("file</b>")[0]
    finally:
        screen.rc.close()


def test_a_page_refuses_more_work_than_its_bound():
    settings = Settings(presets=("baseline", "kingpin", "zero_tolerance"), edits=({}, {}, {}), paired=5,
                        base=SMALL_WORLD)
    weeks = MAX_RUN_WEEKS // 15 + 1
    with pytest.raises(ValueError, match=rf"3 scenarios × 5 seeds × {weeks:,} weeks = {15 * weeks:,} simulated "
                                         rf"weeks: a page runs at most {MAX_RUN_WEEKS:,}"):
        Session(settings, horizon=weeks)
    assert work_problem(3, 5, MAX_RUN_WEEKS // 15) is None


def test_stopping_beyond_the_bound_is_refused_with_a_message(screen):
    stop = next(w for w in screen.rc.find(v.TextField).widgets if w.label == "Stop at week")
    stop.v_model = "1000000"
    stop.fire_event("focusout", None)
    (alert,) = screen.rc.find(v.Alert).widgets
    assert f"1 scenario × 3 seeds × 1,000,000 weeks = 3,000,000 simulated weeks: a page runs at most " \
           f"{MAX_RUN_WEEKS:,}" in str(alert.children)


def test_policy_start_week_targets_and_a_seizure_now_show_as_markers(screen):
    # street enforcement aimed at two neighbourhoods from week 3: a planned change, rings on the map later
    screen.rc.find(v.Select, class_="ms-targets").widget.v_model = ["nbhd_03", "nbhd_04"]
    start = next(w for w in screen.rc.find(v.TextField).widgets if w.label == "Policy starts at week")
    start.v_model = "3"
    start.fire_event("focusout", None)
    assert screen.week() == 0
    (planned,) = screen.html("ms-timeline-entry")
    assert 'data-kind="change" data-state="planned"' in planned and "week 3: policy.targets = street" in planned
    assert "ms-target" not in screen.html("ms-map")[0]
    screen.click("ms-step")
    screen.click("ms-seize-now")  # for week 2, in every seed
    assert screen.html("Staged here: week 2: seizure")
    for _ in range(2):
        screen.click("ms-step")
    timeline = screen.html("ms-timeline-entry")[0]
    assert re.findall(r'data-kind="(\w+)" data-state="(\w+)"', timeline) == [("event", "done"), ("change", "done")]
    outcomes = screen.html('class="ms-series" data-metric="homicides"')[0]
    homicides = re.search(r'<svg class="ms-series" data-metric="homicides".*?</svg>', outcomes).group(0)
    assert re.findall(r'class="ms-marker" data-kind="(\w+)" data-week="(\d+)"', homicides) == \
        [("event", "2"), ("change", "3")]
    svg = screen.html("ms-map")[0]
    assert re.findall(r'class="ms-target" data-place="([^"]+)"', svg) == ["nbhd_03", "nbhd_04"]
    assert "ms-event-place" in svg
    # the runs are the models run alone with the same change and event from the start
    scenario = ms.load_scenario("baseline", SMALL_WORLD).with_timeline(
        [{"week": 3, "set": {"policy.targets": {"street": ["nbhd_03", "nbhd_04"]}}}],
        [{"week": 2, "kind": "seizure", "where": "border", "share": 0.9}])
    alone = ms.DrugMarketModel(scenario, seed=1).run(3)
    homicide_total = np.mean([ms.DrugMarketModel(scenario, seed=s).run(3).metrics().homicides.iloc[1:].mean()
                              for s in (1, 2, 3)])
    assert alone.metrics().shocks.tolist() == [0, 1, 0]
    row = re.search(r'data-metric="homicides">.*?class="ms-value">([^<]+)<', screen.html("ms-scoreboard")[0])
    assert float(row.group(1).replace(",", "")) == pytest.approx(homicide_total, rel=0.01)
    # a reset replays the staged event; forgetting it restarts without
    screen.click("ms-reset")
    assert screen.week() == 0 and "week 2: seizure" in screen.html("ms-timeline-entry")[0]
    screen.click("ms-forget-events")
    assert "seizure" not in screen.html("ms-timeline-entry")[0]


def test_a_lesson_that_stages_an_event_lists_it_next_to_the_runs(screen):
    screen.select("Lesson").v_model = "organised_crime"
    assert "wk 130: seizure of 90% at border" in screen.html("ms-teach-title")[0]
    assert "week 130: seizure of 90% at border" in screen.html("ms-timeline-entry")[0]
