"""The dashboard's arithmetic and drawing, without a browser: experiments over paired seeds,
the scoreboard, the CSV, the settings a page keeps, the map and the charts."""

from __future__ import annotations

import io
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES
from marketsim.dashboard.charts import nice_ticks, series_svg, smooth
from marketsim.dashboard.controls import MAX_FRAMES_PER_SECOND, SPEEDS, play_plan
from marketsim.dashboard.experiment import OUTCOME_INDICATORS, PROCESS_INDICATORS, Experiment
from marketsim.dashboard.frame import Painter
from marketsim.dashboard.network import MapLayout, MapScale, MapState, map_svg, org_colour
from marketsim.dashboard.parameters import control_for, round_to_step
from marketsim.dashboard.session import Settings
from marketsim.dashboard.teaching import claims_html
from marketsim.lessons import evaluate_claims, load_lesson

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
WEEKS = 6


@pytest.fixture(scope="module")
def experiment() -> Experiment:
    """Focused deterrence against zero tolerance, two paired seeds, a few weeks, small world."""
    scenarios = [ms.load_scenario(name, SMALL_WORLD) for name in ("focused_deterrence", "zero_tolerance")]
    experiment = Experiment(scenarios, seeds=[3, 4])
    experiment.step(WEEKS)
    return experiment


def test_every_run_is_the_model_run_alone_with_the_same_seed(experiment):
    for scenario, runs in zip(experiment.scenarios, experiment.models, strict=True):
        for seed, model in zip(experiment.seeds, runs, strict=True):
            alone = ms.DrugMarketModel(scenario, seed=seed).run(WEEKS).metrics()
            pd.testing.assert_frame_equal(model.metrics(), alone)


def test_tidy_table_and_csv_hold_every_run(experiment):
    table = experiment.metrics()
    assert list(table.columns[:3]) == ["scenario", "seed", "step"]
    assert len(table) == 2 * 2 * WEEKS
    for scenario, runs in zip(experiment.scenarios, experiment.models, strict=True):
        for seed, model in zip(experiment.seeds, runs, strict=True):
            block = table[(table.scenario == scenario.name) & (table.seed == seed)].drop(columns=["scenario", "seed"])
            pd.testing.assert_frame_equal(block.reset_index(drop=True), model.metrics())
    parsed = pd.read_csv(io.StringIO(experiment.csv()))
    pd.testing.assert_frame_equal(parsed, table, check_dtype=False)


def test_scoreboard_is_what_compare_reports_after_the_burn_in(experiment):
    rows, burn_in = experiment.scoreboard()
    assert burn_in == WEEKS // 2, "runs shorter than the burn-in leave out their first half, as the CLI does"
    rows = {row.metric: row for row in rows}
    assert list(rows) == [*OUTCOME_INDICATORS, *PROCESS_INDICATORS]
    expected = ms.compare(ms.summarise_runs(experiment.metrics(), burn_in=burn_in),
                          metrics=list(rows)).set_index(["metric", "scenario"])
    for metric, row in rows.items():
        reference, other = (expected.loc[(metric, name)] for name in experiment.names)
        assert row.values == pytest.approx([reference["mean"], other["mean"]])
        assert row.intervals[1] == pytest.approx((other["ci_low"], other["ci_high"]))
        assert row.differences[0] == pytest.approx(other["diff"])
        assert row.difference_intervals[0] == pytest.approx((other["diff_ci_low"], other["diff_ci_high"]),
                                                            nan_ok=True)
        low, high = row.difference_intervals[0]
        if ms.METRICS[metric].direction == "neither":  # arrests, seizures: effort, not success
            assert row.verdict(0) == "neutral"
        elif row.differences[0] != 0 and (low > 0 or high < 0):
            worse = (row.differences[0] > 0) == (ms.METRICS[metric].direction == "lower")
            assert row.verdict(0) == ("worse" if worse else "better")
        elif row.differences[0] != 0:
            assert row.verdict(0) == "unclear", "a CI that includes 0 says nothing either way"


def test_before_any_week_the_scoreboard_shows_no_number():
    fresh = Experiment([ms.load_scenario(name, SMALL_WORLD) for name in ("baseline", "kingpin")], seeds=[1, 2])
    rows, _ = fresh.scoreboard()
    prison = next(row for row in rows if row.metric == "prison_population")
    assert np.isnan(prison.values).all() and prison.verdict(0) == "", "prison and trust are not 0 at week 0"


def test_lesson_claims_are_checked_on_the_runs_once_past_the_burn_in(experiment):
    lesson = load_lesson("modernising_enforcement")  # claims focused deterrence against zero tolerance
    waiting = claims_html(lesson, experiment, burn_in=WEEKS)
    assert f"checked after week {WEEKS}" in waiting and "so far" not in waiting
    checked = claims_html(lesson, experiment, burn_in=2)
    claims = [c for c in lesson.claims if {c.scenario, c.reference} == {"focused_deterrence", "zero_tolerance"}]
    results = evaluate_claims(claims, experiment.metrics(), burn_in=2)
    assert checked.count('class="ms-claim"') == len(results) > 0
    for result in results:
        assert ("✔ shown so far" if result.holds else "✘ not shown so far") in checked
    assert "weekly means after week 2, 2 paired seeds" in checked


def test_settings_edit_cap_and_restore():
    settings = Settings(presets=("baseline",), base=SMALL_WORLD)
    preset_value = settings.preset(0).get("policy.hvt_share")
    edited = settings.with_edit(0, "policy.hvt_share", preset_value + 0.01)
    assert edited.scenario(0).get("policy.hvt_share") == pytest.approx(preset_value + 0.01)
    assert edited.with_edit(0, "policy.hvt_share", preset_value).edits == ({},)
    # one share alone may take the whole budget: the others give way
    whole = settings.with_edit(0, "policy.hvt_share", 1.0)
    assert settings.largest_valid(0, "policy.hvt_share", 1.0, 0.01) == 1.0
    assert sum(whole.scenario(0).get(f"policy.{name}") for name in BUDGET_SHARES) == pytest.approx(1.0)
    # shares edited together may not add up to more than 1: the largest allowed value is found
    street = settings.with_edit(0, "policy.street_share", 0.6)
    capped = street.largest_valid(0, "policy.hvt_share", 1.0, 0.01)
    assert capped == pytest.approx(0.4)
    with pytest.raises(ms.ScenarioError):
        street.with_edit(0, "policy.hvt_share", capped + 0.02).scenario(0)
    assert settings.seeds() == [1, 2, 3]
    assert settings.with_run_added("kingpin").with_run_removed(1).presets == ("baseline",)


def test_controls_only_allow_declared_values():
    for spec in ms.parameter_specs():
        control = control_for(spec, ["all", "region_1"] if spec.kind == "str" else None)
        if spec.kind == "bool":
            assert control.kind == "switch"
        elif spec.kind == "str":
            assert control.kind == "select"
        else:
            assert control.kind in ("slider", "number")
            if control.kind == "slider":
                assert control.minimum >= spec.minimum and control.maximum == spec.maximum
                if spec.exclusive_minimum:
                    assert control.minimum > spec.minimum
    assert round_to_step(0.30000000000000004, 0.01) == 0.3


def test_map_shows_the_model_and_keeps_its_layout(monkeypatch):
    experiment = Experiment([ms.load_scenario("kingpin", SMALL_WORLD)], seeds=[5])
    model = experiment.models[0][0]
    for name in ("spring_layout", "kamada_kawai_layout", "spectral_layout"):
        monkeypatch.setattr(nx, name, lambda *a, **k: pytest.fail("the map must not compute a layout"))
    painter = Painter(experiment, horizon=52)
    layouts = list(painter.layouts)
    painter.frame()
    experiment.step(WEEKS)
    frame = painter.frame()
    assert all(a is b for a, b in zip(layouts, painter.layouts, strict=True))
    state = frame.map_states[0]
    np.testing.assert_array_equal(state.controller, model.orgs.controller)
    np.testing.assert_array_equal(state.violence, model.violence.violence_ma)
    np.testing.assert_array_equal(state.flow, model.trafficking.flow_ma)
    # drawn where the world says: the layout is an affine map of the nodes' x and -y
    layout = MapLayout.of(model)
    xy = np.column_stack([model.places.x, -model.places.y])
    scale = np.ptp(layout.xy[:, 0]) / np.ptp(xy[:, 0])
    np.testing.assert_allclose(layout.xy - layout.xy.min(axis=0), (xy - xy.min(axis=0)) * scale)
    svg = frame.maps[0]
    slots = [int(s) for s in re.findall(r'class="ms-place" data-slot="(-?\d+)"', svg)]
    assert slots == model.orgs.controller.tolist()
    fills = re.findall(r'class="ms-place".*?fill="(#[0-9a-f]{6})"', svg)
    assert fills == [org_colour(slot) for slot in slots]
    radii = np.array([float(r) for r in re.findall(r'data-r="([\d.]+)"', svg)])
    order = np.argsort(model.violence.violence_ma, kind="stable")
    assert np.all(np.diff(radii[order]) >= -1e-9)  # more violence, never a smaller marker
    assert svg.count('class="ms-route"') == len(model.routes.edges)


def test_map_scale_grows_with_violence_and_flow(experiment):
    model = experiment.models[1][0]
    state = MapState.of(model)
    scale = MapScale()
    scale.update([state])
    assert scale.violence >= state.violence.max()
    widths = scale.widths(state)
    assert np.all(np.diff(widths[np.argsort(state.flow, kind="stable")]) >= -1e-9)
    assert map_svg(MapLayout.of(model), state, scale, "B: Zero tolerance").count("<path") == model.places.n


def test_series_panels(experiment):
    runs = experiment.series("homicides")
    svg = series_svg("homicides", runs, ["A", "B"], horizon=52)
    assert f'data-week="{WEEKS}"' in svg
    lines = re.findall(r'class="ms-line" points="([^"]+)"', svg)
    assert len(lines) == 2 and all(len(points.split()) == 2 * WEEKS for points in lines)
    assert smooth(np.array([[4.0, 0.0, 2.0, 6.0, 8.0]]), weeks=2).tolist() == [[4.0, 2.0, 1.0, 4.0, 7.0]]
    assert nice_ticks(0, 9.3) == [0, 5, 10]
    assert nice_ticks(0, 0.42) == [0, 0.2, 0.4, 0.6]
    empty = series_svg("trust", [np.zeros((1, 0))], ["A"], horizon=52)
    assert "no weeks run yet" in empty


def test_play_keeps_the_chosen_speed_with_few_frames():
    for speed in SPEEDS:
        weeks, seconds = play_plan(speed)
        assert weeks / seconds == pytest.approx(speed)
        assert 1 / seconds <= MAX_FRAMES_PER_SECOND + 1e-9


def lab(colour: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour such as '#1a7f37'."""
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str) -> float:
    """CIE76 colour difference (about 2.3: just noticeable; above 20: clearly different hues)."""
    return float(np.linalg.norm(lab(a) - lab(b)))


def test_colours_do_not_collide():
    from marketsim.dashboard.charts import RUN_COLOURS
    from marketsim.dashboard.network import NO_ORG_COLOUR, ORG_COLOURS
    from marketsim.dashboard.views import VERDICT_COLOURS

    better, worse = VERDICT_COLOURS["better"], VERDICT_COLOURS["worse"]
    assert min(distance(run, verdict) for run in RUN_COLOURS for verdict in (better, worse)) > 50, \
        "no scenario's line may look like 'better' or 'worse'"
    sixteen = [org_colour(org) for org in range(16)]
    assert len(set(sixteen)) == 16, "sixteen organisations, sixteen colours"
    assert min(distance(a, b) for i, a in enumerate(sixteen) for b in sixteen[i + 1:]) > 25
    assert min(distance(colour, NO_ORG_COLOUR) for colour in ORG_COLOURS) > 20
