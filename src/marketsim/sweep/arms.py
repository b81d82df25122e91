"""Several arms at the same design points: one sweep store per arm, one backend, one progress bar.

An *arm* (``marketsim.validation.Arm``) is a scenario with optional overrides and staged events. Analyses that run
many arms at the same points of a design — the robustness analysis (every fact's arms and every
policy at each point of a Latin hypercube) and the calibration (each target's arms at each point of
a history-matching wave) — plan each arm as a sweep of its own (:class:`ArmRuns`), run them all
through one backend (:func:`execute`: a local process pool or a Dask cluster), point by point, and
store each run as it finishes, so an interrupted analysis resumes where it stopped.

An arm that is an event-study arm (the kingpin event study of ``marketsim.validation``) also
collects its event-study table, in a second store with the same run ids.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from marketsim.analysis import atomic_path
from marketsim.config.scenario import Scenario
from marketsim.runs import ProgressOption, ProgressReport, RunTask
from marketsim.sweep.backends import open_backend
from marketsim.sweep.design import Plan, Run, plan_sweep
from marketsim.sweep.errors import SweepError
from marketsim.sweep.spec import make_spec
from marketsim.sweep.store import SweepStore
from marketsim.validation import Arm, event_study_table

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


def plain(value: Any) -> Any:
    """A numpy scalar as a plain Python value (for scenario overrides and JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def arm_scenario(arm: Arm) -> Scenario:
    """The arm's scenario (a preset name or a scenario file) with its overrides and staged events."""
    return arm.load()


def arm_folder(arm: Arm) -> str:
    """A folder name for an arm: its scenario's name (a file's stem), and a digest of its overrides and
    events if it has any."""
    name = Path(arm.scenario).stem if arm.scenario.endswith(".toml") else arm.scenario
    if not arm.overrides and not arm.events:
        return name
    return f"{name}-{hashlib.sha256(arm.label.encode()).hexdigest()[:10]}"


def staged_scenario(arm: Arm, root: Path) -> str:
    """What a sweep spec names for an arm's scenario: its own, or, for an arm that stages events (the
    kingpin event study's removal), a scenario file under ``root`` extending it with those events."""
    if not arm.events:
        return arm.scenario
    path = root / "scenarios" / f"{arm_folder(arm)}.toml"
    parent = str(Path(arm.scenario).resolve()) if arm.scenario.endswith(".toml") else arm.scenario
    lines = [f"extends = {json.dumps(parent)}"]
    for event in arm.events:
        lines += ["", "[[event]]", *(f"{key} = {json.dumps(value)}" for key, value in event.as_dict().items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temporary:
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def metrics_and_event_study(model: DrugMarketModel) -> dict[str, pd.DataFrame]:
    """What a run of an event-study arm collects: its weekly metrics and its event-study table, so
    that one run serves both (``validation.measure`` runs such arms twice)."""
    return {"metrics": model.metrics(), "events": event_study_table(model)}


@dataclass
class ArmRuns:
    """One arm at every design point and seed, stored as a sweep of its own (and, for an event-study
    arm, its event-study tables in a second store with the same run ids)."""

    arm: Arm
    plan: Plan
    store: SweepStore
    event_store: SweepStore | None
    points: int
    finished: set[str] = field(default_factory=set)

    @property
    def stores(self) -> list[SweepStore]:
        """Where its runs are kept."""
        return [self.store] if self.event_store is None else [self.store, self.event_store]

    @property
    def constant(self) -> bool:
        """Whether the arm holds every design parameter itself: its one point serves every point."""
        return len(self.plan.points) != self.points

    def points_of(self, run: Run) -> list[int]:
        """The design points a run serves."""
        return list(range(self.points)) if self.constant else [run.point]


def plan_arms(arms: Sequence[Arm], design: pd.DataFrame, seeds: int, steps: int, burn_in: int, root: Path,
              event_arms: Collection[Arm] = (), base_seed: int | None = None) -> list[ArmRuns]:
    """Plan every arm's sweep over the design (validated before anything runs), stored under ``root``:
    ``weekly/<arm>/`` and, for the ``event_arms``, ``events/<arm>/``.

    A parameter the arm sets itself (its scenario's or its own overrides) is held at the arm's value
    in that arm: the design's value would undo what the arm compares.
    """
    planned = []
    for arm in arms:
        held = set(arm_scenario(arm).overrides)
        columns = [name for name in design.columns if name not in held]
        records = [{path: plain(value) for path, value in row.items()}
                   for row in design[columns].to_dict("records")] if columns else "grid"
        fields: dict[str, Any] = {"scenarios": [staged_scenario(arm, root)], "overrides": dict(arm.overrides),
                                  "design": records, "seeds": seeds, "steps": steps, "burn_in": burn_in}
        if base_seed is not None:
            fields["base_seed"] = base_seed
        plan = plan_sweep(make_spec(fields))  # no column left: one point, the same runs at every point
        events = SweepStore(root / "events" / arm_folder(arm), weekly=False) if arm in event_arms else None
        planned.append(ArmRuns(arm, plan, SweepStore(root / "weekly" / arm_folder(arm)), events, len(design)))
    return planned


@dataclass(frozen=True)
class Compute:
    """What running the arms cost: runs, their processor time, and where they ran."""

    runs: int
    ran: int
    failed: int
    core_hours: float
    backend: str
    steps: int

    @property
    def seconds_per_week(self) -> float:
        """Mean processor seconds of one simulated week."""
        return 3600 * self.core_hours / self.runs / self.steps if self.runs else math.nan


def execute(units: Sequence[ArmRuns], workers: int | None, scheduler: str | None, title: str,
            progress: ProgressOption = True) -> Compute:
    """Run every planned run not yet finished, point by point, storing each as it finishes.

    All arms share one backend (a local process pool or a Dask cluster) and one progress bar, titled
    ``title (backend)``; each run is stored in its arm's sweep directory, so an interrupted analysis
    resumes where it stopped. An arm that holds every design parameter runs once, for every point.
    """
    for unit in units:
        record = unit.plan.record()
        for store in unit.stores:
            try:
                store.check(record, resume=True)
            except SweepError as error:
                raise SweepError([*error.problems, f"delete {store.root} or choose another --out"]) from None
            store.create(record)
        unit.finished = set.intersection(*(store.finished() for store in unit.stores))
    todo: dict[str, tuple[ArmRuns, Run]] = {}
    for point in range(max((len(unit.plan.points) for unit in units), default=0)):
        for index, unit in enumerate(units):
            for run in unit.plan.runs:
                if run.point == point and run.run_id not in unit.finished:
                    todo[f"{index}:{run.run_id}"] = (unit, run)
    total = sum(len(unit.plan.runs) for unit in units)
    steps = units[0].plan.spec.steps if units else 0
    tasks = (RunTask(key, unit.plan.scenario_at(run), run.seed, steps,
                     table=None if unit.event_store is None else metrics_and_event_study)
             for key, (unit, run) in todo.items())
    failed = 0
    label = "none: every run was in the store"
    if todo:
        backend = open_backend(None, workers, scheduler)
        label = backend.label
        manifests = {store.root: store.open_manifest() for unit in units for store in unit.stores}
        try:
            with ProgressReport(progress, total, steps, f"{title} ({label})", done=total - len(todo)) as report:
                for outcome in backend.imap_unordered(tasks):
                    unit, run = todo[outcome.key]
                    name = unit.plan.scenarios[0].name
                    if unit.event_store is None:
                        unit.store.save(run, name, outcome, manifests[unit.store.root])
                    else:
                        tables = outcome.frame or {}
                        for store, part in ((unit.store, "metrics"), (unit.event_store, "events")):
                            store.save(run, name, replace(outcome, frame=tables.get(part)), manifests[store.root])
                    failed += outcome.error is not None
                    report.run_finished(outcome.error is not None)
        finally:
            for manifest in manifests.values():
                manifest.close()
            backend.close()
    for unit in units:
        if not unit.store.is_consolidated():
            unit.store.consolidate()
    seconds = 0.0
    for unit in units:
        planned = {run.run_id for run in unit.plan.runs}
        seconds += sum(entry["cpu_seconds"] for run_id, entry in unit.store.entries().items() if run_id in planned)
    return Compute(total, len(todo), failed, seconds / 3600, label, steps)


def failures(units: Sequence[ArmRuns], design: pd.DataFrame) -> pd.DataFrame:
    """Every planned run whose last attempt failed: arm, point, seed, the error's last line, and the
    point's parameter values."""
    rows = []
    for unit in units:
        planned = {run.run_id: run for run in unit.plan.runs}
        for run_id, entry in unit.store.entries().items():
            if run_id in planned and entry["status"] == "failed":
                run = planned[run_id]
                error = (entry["error"] or "").strip().splitlines()
                rows.extend({"arm": unit.arm.label, "point": point, "seed": run.seed,
                             "error": error[-1] if error else "", **design.iloc[point].to_dict()}
                            for point in unit.points_of(run))
    return pd.DataFrame(rows)


def weekly_runs(unit: ArmRuns, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """An arm's finished runs, week by week, labelled by ``point`` and ``seed`` (the runs of an arm
    that holds every design parameter appear at every point)."""
    if not unit.store.timeseries.exists():
        return pd.DataFrame()
    wanted = None
    if columns is not None:
        import pyarrow.parquet as pq

        available = set(pq.read_schema(unit.store.timeseries).names)
        wanted = [name for name in ("point", "seed", "step", *columns) if name in available]
    weeks = pd.read_parquet(unit.store.timeseries, columns=wanted)
    if not unit.constant:
        return weeks
    return pd.concat([weeks.assign(point=point) for point in range(unit.points)], ignore_index=True)


def event_tables(units: Sequence[ArmRuns]) -> dict[int, dict[tuple[str, int], pd.DataFrame]]:
    """By design point: each finished event-study run's table by ``(arm label, seed)``."""
    tables: dict[int, dict[tuple[str, int], pd.DataFrame]] = {}
    for unit in units:
        if unit.event_store is None:
            continue
        finished = unit.event_store.finished()
        for run in unit.plan.runs:
            if run.run_id in finished:
                table = pd.read_parquet(unit.event_store.run_file(run.run_id),
                                        columns=["kind", "removal", "step", "place", "value"])
                for point in unit.points_of(run):
                    tables.setdefault(point, {})[(unit.arm.label, run.seed)] = table
    return tables

