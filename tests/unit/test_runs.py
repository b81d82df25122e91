"""The one batch runner: paired seeds, validation before the first run, the same table whatever
the number of workers, and a package that imports only what is used.

Runs are a few weeks in a small world so the file stays fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import marketsim as ms
from marketsim import runs

SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50_000}
HEAVY = ("scipy", "matplotlib", "dask", "distributed", "SALib", "solara")


# -- seeds -------------------------------------------------------------------------------------
def test_seed_list_is_reproducible_distinct_and_prefix_stable() -> None:
    seeds = runs.seed_list(20)
    assert seeds == runs.seed_list(20)
    assert len(set(seeds)) == 20
    assert runs.seed_list(5) == seeds[:5]
    assert runs.seed_list(5, base=1) != seeds[:5]
    assert all(isinstance(seed, int) and seed >= 0 for seed in seeds)
    with pytest.raises(ValueError, match="n = -1"):
        runs.seed_list(-1)


# -- batches -----------------------------------------------------------------------------------
def test_run_batch_stacks_tidy_rows_with_paired_seeds() -> None:
    calls: list[tuple[int, int]] = []
    weeks = runs.run_batch(["baseline", "kingpin"], 2, 4, SMALL_WORLD, progress=lambda *c: calls.append(c))
    assert list(weeks.columns[:3]) == ["scenario", "seed", "step"]
    assert len(weeks) == 2 * 2 * 4
    assert list(pd.unique(weeks["scenario"])) == ["baseline", "kingpin"]
    for _, group in weeks.groupby("scenario"):
        assert list(pd.unique(group["seed"])) == runs.seed_list(2)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    single = ms.run("kingpin", seed=runs.seed_list(2)[1], steps=4, overrides=SMALL_WORLD)
    again = weeks[(weeks["scenario"] == "kingpin") & (weeks["seed"] == runs.seed_list(2)[1])]
    pd.testing.assert_frame_equal(again.reset_index(drop=True), single)


def test_worker_processes_give_the_same_table() -> None:
    serial = runs.run_batch(["baseline", "kingpin"], [3, 4], 5, SMALL_WORLD, progress=False)
    parallel = runs.run_batch(["baseline", "kingpin"], [3, 4], 5, SMALL_WORLD, workers=2, progress=False)
    pd.testing.assert_frame_equal(serial, parallel)


class KillsItsWorker:
    """Stands in for a scenario; unpickling it in a worker process ends that process at once."""

    def __reduce__(self) -> tuple:
        return os._exit, (9,)


def test_a_run_that_kills_its_worker_is_failed_and_the_pool_goes_on() -> None:
    scenario = ms.load_scenario("baseline", SMALL_WORLD)
    tasks = [runs.RunTask(str(seed), scenario, seed, 3) for seed in (1, 2, 3)]
    tasks.insert(1, runs.RunTask("deadly", KillsItsWorker(), 4, 3))  # type: ignore[arg-type]
    backend = runs.ProcessBackend(2)
    try:
        outcomes = {outcome.key: outcome for outcome in backend.imap_unordered(tasks)}
    finally:
        backend.close()
    assert sorted(outcomes) == ["1", "2", "3", "deadly"]
    assert outcomes["deadly"].frame is None and outcomes["deadly"].error.startswith("the worker process died")
    for seed in (1, 2, 3):
        pd.testing.assert_frame_equal(outcomes[str(seed)].frame, runs.simulate(scenario, seed, 3))


def test_run_batch_validates_everything_before_the_first_run(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    with pytest.raises(ms.ScenarioError) as caught:
        runs.run_batch(["baseline", "nope", "zero_tolerence"], [1], 4, SMALL_WORLD, progress=progress)
    assert [problem.split(" (presets")[0] for problem in caught.value.problems] == [
        "unknown scenario 'nope'", "unknown scenario 'zero_tolerence' — did you mean 'zero_tolerance'?"]
    # a problem only the built world reveals, in the second scenario
    region = tmp_path / "region.toml"
    region.write_text('[policy]\ntargets = { eradication = ["region_9"] }\n', encoding="utf-8")
    with pytest.raises(ms.ScenarioError, match="'region_9' is not a place, place kind, region or corridor"):
        runs.run_batch(["baseline", region], [1], 4, SMALL_WORLD, progress=progress)
    with pytest.raises(ms.ScenarioError, match="scenario 'baseline' is given more than once"):
        runs.run_batch(["baseline", "baseline"], [1], 4, progress=progress)
    with pytest.raises(ms.ScenarioError, match="workers = 0: allowed a whole number ≥ 1"):
        runs.run_batch("baseline", [1], 4, SMALL_WORLD, workers=0, progress=progress)
    assert calls == []


@pytest.mark.parametrize(("seeds", "steps", "message"), [
    ([], 4, "no seeds"), ([3, 3], 4, "seeds must be distinct"), ([-1], 4, "≥ 0"), (1, 0, "steps = 0"),
])
def test_run_batch_rejects_bad_seeds_and_steps(seeds: list[int] | int, steps: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        runs.run_batch("baseline", seeds, steps, progress=False)


def test_a_run_that_raises_stops_the_batch_with_its_scenario_and_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(scenario, seed, steps, progress=None, table=None):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(runs.single, "simulate", explode)
    with pytest.raises(runs.RunError, match=r"(?s)kingpin with seed 7 failed:.*RuntimeError: model exploded"):
        runs.run_batch(["kingpin"], [7], 4, SMALL_WORLD, progress=False)


def test_one_burn_in_default_and_its_checks() -> None:
    assert runs.BURN_IN == ms.BURN_IN == 52
    assert runs.burn_in_problems(51, 52) == []
    assert runs.burn_in_problems(52, 52) == ["burn_in = 52 leaves no weeks to average: allowed fewer than steps = 52"]
    assert runs.burn_in_problems(-1, 10, ("--burn-in", "--steps")) == ["--burn-in = -1: allowed a whole number ≥ 0"]


# -- a quick start -----------------------------------------------------------------------------
@pytest.mark.parametrize("module", ["marketsim", "marketsim.cli.main"])
def test_importing_the_package_or_the_command_line_leaves_heavy_libraries_alone(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(sorted(set({HEAVY!r}) & set(sys.modules))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert loaded.stdout.split() == [], f"import {module} loads {loaded.stdout.strip()}"


def test_public_names_load_on_first_use() -> None:
    assert set(ms.__all__) <= set(dir(ms))
    assert ms.run is runs.run and ms.run_batch is runs.run_batch
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        ms.nope  # noqa: B018 -- the attribute access is the test


def test_progress_counts_weeks_of_one_run_and_runs_of_a_batch() -> None:
    task = runs.RunTask("0", ms.load_scenario("baseline"), 1, 10)
    with runs.ProgressReport(True, total=1, steps=10) as single:
        single.week(task, 4, 10)
        bar = single.bar.tasks[0]
        assert (bar.completed, bar.total, bar.fields["counts"]) == (4, 10, "week 4/10")
        single.run_finished()
        assert (bar.completed, bar.fields["counts"]) == (10, "week 10/10")
    with runs.ProgressReport(True, total=3, steps=10) as batch:
        batch.run_finished()
        batch.week(task, 5, 10)
        bar = batch.bar.tasks[0]
        assert (bar.completed, bar.total, bar.fields["counts"]) == (15, 30, "1/3 runs · week 5/10")
        batch.run_finished(failed=True)
        assert (bar.completed, bar.fields["counts"], bar.fields["failed"]) == (20, "2/3 runs", "1 failed")


def test_a_finished_run_leaves_no_model_behind() -> None:
    """Mesa 3.3 keeps every model alive unless released (mesa issue #3179): a leak in sweep workers."""
    import gc

    from marketsim.model import DrugMarketModel

    def models() -> int:
        gc.collect()
        return sum(isinstance(thing, DrugMarketModel) for thing in gc.get_objects())

    before = models()
    for seed in (1, 2):
        ms.run("baseline", seed=seed, steps=2, overrides=SMALL_WORLD)
    assert models() == before


def test_run_refuses_a_progress_that_cannot_be_called() -> None:
    with pytest.raises(ms.ScenarioError, match=r"progress = False: allowed None or a callable"):
        ms.run("baseline", steps=2, progress=False)
    weeks: list[int] = []
    ms.run("baseline", steps=2, progress=lambda done, total: weeks.append(done))
    assert weeks == [1, 2]
