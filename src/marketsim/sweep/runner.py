"""Running a sweep: validate and plan everything, then execute the runs not yet done, storing each."""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from marketsim.runs import Backend, ProgressOption, ProgressReport, RunTask
from marketsim.sweep.backends import open_backend
from marketsim.sweep.design import Plan, Run, plan_sweep
from marketsim.sweep.errors import SweepError
from marketsim.sweep.spec import SweepSpec, load_spec, make_spec
from marketsim.sweep.store import DamageWarning, SweepStore
from marketsim.text import plural


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did. The data are in ``out``: see :class:`~marketsim.sweep.store.SweepStore`."""

    out: Path
    total: int
    ran: int
    skipped: int
    failed: int
    seconds: float
    backend: str
    rerun: Mapping[str, str] = field(default_factory=dict)
    """Runs found damaged when the sweep resumed, run again: run id → why (``SweepStore.untrusted``)."""

    @property
    def ok(self) -> int:
        """Runs finished without error, including those kept from before a resume."""
        return self.total - self.failed

    def table(self, name: Literal["summary", "timeseries"] = "summary") -> pd.DataFrame:
        """Load a consolidated table."""
        return pd.read_parquet(self.out / f"{name}.parquet")


def run_sweep(spec: str | Path | SweepSpec | None = None, /, *, scenarios: Sequence[str] | None = None,
              params: Mapping[str, Any] | None = None, design: Any = None, seeds: int | None = None,
              steps: int | None = None, burn_in: int | None = None, base_seed: int | None = None,
              outcomes: Sequence[str] | None = None, overrides: Mapping[str, Any] | None = None,
              out: str | Path | None = None, resume: bool = False, backend: str | None = None,
              scheduler: str | None = None, workers: int | None = None, timeout: float = 10.0,
              run_timeout: float | None = None,
              progress: ProgressOption = True) -> SweepResult:
    """Run a parameter sweep and store its data in ``out`` (``ms.run_sweep``).

    Bad input raises :class:`SweepError` before anything is written. Runs that raise are recorded
    with their traceback and the sweep goes on; ``resume`` runs them again.

    Args:
        spec: a TOML spec file or a :class:`SweepSpec`; or leave it out and give the spec's fields
            as keyword arguments, which take the same values as the file.
        scenarios: scenario names or files, each run at every design point.
        params: dotted parameter paths mapped to ``{"min": …, "max": …}`` (sampled designs),
            ``{"min": …, "max": …, "levels": n}`` or a list of values (grids).
        design: ``"grid"``, ``{"kind": "lhs" | "sobol", "samples": n, "seed": s}`` or a list of points.
        seeds: paired seeds per scenario and point.
        steps: weeks per run.
        burn_in: weeks at the start of each run left out of its means (default
            ``marketsim.runs.BURN_IN``).
        base_seed: root of the seed sequence.
        outcomes: metrics summarised (default ``analysis.KEY_OUTCOMES``).
        overrides: constants: dotted parameter paths and values applied to every run.
        out: the output directory (default: the spec's ``out``).
        resume: continue the sweep in ``out``: finished runs are kept, failed and missing ones run.
        backend: ``"local"`` (this process or a process pool) or ``"dask"``.
        scheduler: a Dask scheduler's address (implies the dask backend).
        workers: processes of the local pool or a Dask LocalCluster (default: every core).
        timeout: seconds to wait for the Dask scheduler.
        run_timeout: seconds a run may take; a longer one is stopped and recorded as failed (local backend).
        progress: see ``marketsim.runs.ProgressOption``.

    Returns:
        What ran, what was kept, what failed, and where the data are.
    """
    given = {"scenarios": scenarios, "params": params, "design": design, "seeds": seeds,
             "steps": steps, "burn_in": burn_in, "base_seed": base_seed, "outcomes": outcomes,
             "overrides": overrides}
    given = {key: value for key, value in given.items() if value is not None}
    if spec is not None and given:
        raise SweepError([f"give either a spec or its fields, not both (got a spec and {', '.join(given)})"])
    if spec is None:
        spec = make_spec(given)
    elif not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    target = out if out is not None else spec.out
    if target is None:
        raise SweepError(["no output directory: give out (or out = \"…\" in the spec)"])
    plan = plan_sweep(spec)
    store = SweepStore(target)
    record = plan.record()
    store.check(record, resume)
    clock = time.perf_counter()
    rerun = store.untrusted()
    report_damage(rerun)
    finished = store.finished()
    todo = [run for run in plan.runs if run.run_id not in finished]
    skipped = len(plan.runs) - len(todo)
    runner = open_backend(backend, workers, scheduler, timeout, run_timeout)
    try:
        with store.locked():
            store.create(record)
            failed = _execute(plan, todo, store, runner, progress, skipped, run_timeout)
            store.consolidate()
    finally:
        runner.close()
    return SweepResult(store.root, len(plan.runs), len(todo), skipped, failed,
                       time.perf_counter() - clock, runner.label, rerun)


def report_damage(rerun: Mapping[str, str], shown: int = 5) -> None:
    """One :class:`DamageWarning` per reason, naming the runs run again for it (the first few)."""
    by_reason: dict[str, list[str]] = {}
    for run_id, reason in rerun.items():
        by_reason.setdefault(reason, []).append(run_id)
    for reason, ids in by_reason.items():
        more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
        warnings.warn(f"{plural(len(ids), 'run')} run again, {reason}: {', '.join(ids[:shown])}{more}",
                      DamageWarning, stacklevel=3)


def _execute(plan: Plan, todo: Sequence[Run], store: SweepStore, runner: Backend,
             progress: ProgressOption, skipped: int, time_limit: float | None) -> int:
    """Run ``todo`` on the backend, storing each run as it finishes; return how many failed.

    The progress starts at the runs kept from before a resume.
    """
    by_id = {run.run_id: run for run in todo}
    names = [scenario.name for scenario in plan.scenarios]
    tasks = (RunTask(run.run_id, plan.scenario_at(run), run.seed, plan.spec.steps, time_limit=time_limit)
             for run in todo)
    failed = 0
    manifest = store.open_manifest()
    try:
        with ProgressReport(progress, len(plan.runs), plan.spec.steps, f"sweep ({runner.label})",
                            done=skipped) as report:
            for outcome in runner.imap_unordered(tasks):
                run = by_id[outcome.key]
                store.save(run, names[run.scenario], outcome, manifest)
                failed += outcome.error is not None
                report.run_finished(outcome.error is not None)
    finally:
        manifest.close()
    return failed
