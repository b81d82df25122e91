"""Parallel efficiency of the local sweep backend, and the Dask backend's overhead per run.

1. Efficiency: the same sweep of default-scenario runs, end to end (planning, pool start,
   runs, storage, consolidation), on one worker and on every core:
   efficiency = T(1 worker) / (cores × T(all cores)). Target (issue 6): at least 85%.
   The CPU seconds of the runs and the share of the cores they got tell a busy machine from
   overhead in the pool.
2. Dask overhead: many very short runs streamed through a warmed-up local pool and through a
   warmed-up Dask LocalCluster (127.0.0.1) with the same number of workers; the difference in
   wall time divided by the number of runs is what Dask adds to each run.

Needs a quiet machine: other work on the cores makes both figures meaningless (the load average
is printed; ``--repeats`` takes the best of several sweeps). Run on demand:
``python benchmarks/bench_sweep.py [--runs-per-core 8] [--steps 520] [--repeats 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from marketsim.runs import RunTask, available_cores
from marketsim.sweep import make_spec, open_backend, plan_sweep, run_sweep

TARGET_EFFICIENCY = 0.85
SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
RESULTS = Path("out") / "benchmarks" / "bench_sweep.json"


def timed_sweep(runs: int, steps: int, workers: int, out: Path) -> tuple[float, float]:
    """Wall seconds for a whole sweep of ``runs`` default-scenario runs (one point, ``runs`` seeds),
    and the CPU seconds its runs used (from the manifest)."""
    start = time.perf_counter()
    run_sweep(scenarios=["baseline"], params={"policy.hvt_share": [0.05]}, seeds=runs, steps=steps,
          outcomes=["homicides"], out=out, workers=workers, progress=False)
    wall = time.perf_counter() - start
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return wall, sum(json.loads(line)["cpu_seconds"] for line in lines)


def efficiency(runs_per_core: int, steps: int, cores: int, repeats: int) -> dict[str, float]:
    """End-to-end sweep time on one worker and on every core, each the best of ``repeats``.

    Also the CPU time of the runs in each case (equal if the pool adds no work to a run) and the
    share of the cores the parallel runs got (well below 1 when other work competes for them).
    """
    runs = runs_per_core * cores
    serial = parallel = (float("inf"), 0.0)
    for repeat in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            serial = min(serial, timed_sweep(runs, steps, 1, Path(scratch) / f"serial{repeat}"))
            parallel = min(parallel, timed_sweep(runs, steps, cores, Path(scratch) / f"parallel{repeat}"))
    return {"runs": runs, "steps": steps, "cores": cores, "repeats": repeats,
            "seconds_1_worker": serial[0], "seconds_all_cores": parallel[0],
            "speed_up": serial[0] / parallel[0], "efficiency": serial[0] / (cores * parallel[0]),
            "cpu_seconds_per_run_1_worker": serial[1] / runs, "cpu_seconds_per_run_all_cores": parallel[1] / runs,
            "core_share_all_cores": parallel[1] / (cores * parallel[0])}


def streamed(backend: str, workers: int, tasks: list[RunTask]) -> tuple[float, float]:
    """Start-up seconds, and seconds to stream ``tasks`` through a warmed-up backend."""
    start = time.perf_counter()
    runner = open_backend(backend, workers)
    try:
        list(runner.imap_unordered(tasks[:2 * workers]))  # start and warm every worker
        ready = time.perf_counter()
        list(runner.imap_unordered(tasks))
        return ready - start, time.perf_counter() - ready
    finally:
        runner.close()


def dask_overhead(runs: int, cores: int) -> dict[str, float]:
    """Per-run overhead of Dask over the local pool, on runs of one week in a small world."""
    plan = plan_sweep(make_spec({"params": {"policy.hvt_share": [0.05]}, "seeds": runs, "steps": 1, "burn_in": 0,
                                 "overrides": SMALL_WORLD, "outcomes": ["homicides"]}))
    tasks = [RunTask(run.run_id, plan.scenario_at(run), run.seed, 1) for run in plan.runs]
    local_start, local = streamed("local", cores, tasks)
    dask_start, dask = streamed("dask", cores, tasks)
    return {"runs": runs, "workers": cores, "seconds_local": local, "seconds_dask": dask,
            "ms_per_run_local": 1000 * local / runs, "ms_per_run_dask": 1000 * dask / runs,
            "overhead_ms_per_run": 1000 * (dask - local) / runs,
            "startup_seconds_local": local_start, "startup_seconds_dask": dask_start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-per-core", type=int, default=8, help="default-scenario runs per core")
    parser.add_argument("--steps", type=int, default=520, help="weeks per run")
    parser.add_argument("--short-runs", type=int, default=400, help="one-week runs for the Dask overhead")
    parser.add_argument("--repeats", type=int, default=1, help="take the best of this many sweeps of each kind")
    args = parser.parse_args()
    cores = available_cores()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{cores} cores, load average {load:.2f} before starting")
    scaling = efficiency(args.runs_per_core, args.steps, cores, args.repeats)
    met = "met" if scaling["efficiency"] >= TARGET_EFFICIENCY else "NOT met"
    print(f"local backend, {scaling['runs']} runs × {args.steps} weeks: 1 worker {scaling['seconds_1_worker']:.1f} s, "
          f"{cores} workers {scaling['seconds_all_cores']:.1f} s → speed-up {scaling['speed_up']:.2f}, "
          f"efficiency {scaling['efficiency']:.0%} (target ≥ {TARGET_EFFICIENCY:.0%}: {met})")
    print(f"  CPU per run: {scaling['cpu_seconds_per_run_1_worker']:.2f} s on 1 worker, "
          f"{scaling['cpu_seconds_per_run_all_cores']:.2f} s on {cores}; the {cores} workers got "
          f"{scaling['core_share_all_cores']:.0%} of the cores (below ~90%: other work competed, rerun)")
    overhead = dask_overhead(args.short_runs, cores)
    print(f"{args.short_runs} one-week runs on {cores} workers: local pool {overhead['ms_per_run_local']:.1f} ms/run, "
          f"Dask {overhead['ms_per_run_dask']:.1f} ms/run → Dask adds {overhead['overhead_ms_per_run']:.1f} ms per run "
          f"(start-up: pool {overhead['startup_seconds_local']:.1f} s, LocalCluster "
          f"{overhead['startup_seconds_dask']:.1f} s)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"cores": cores, "load_average": load, "efficiency": scaling,
                                   "dask_overhead": overhead}, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {RESULTS}")


if __name__ == "__main__":
    main()
