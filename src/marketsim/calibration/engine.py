"""Bayesian history matching in waves (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015).

Wave 1 runs every arm the targets need at a Latin hypercube over the calibrated parameters'
plausible ranges (the other parameters at their defaults). Each wave then fits an emulator of every
target (:mod:`marketsim.calibration.emulator`) and rules out the parameter sets whose implausibility
for the fitted targets exceeds the cut-off; the next wave samples the space not yet ruled out. What
remains after the last wave is sampled by that wave's runs: its points whose own runs meet every fitted
target (their implausibility, with the run-to-run variation the emulator measured, is under the
cut-off) are the **posterior sample** — the parameter sets consistent with the evidence.

Runs go through the sweep engine's backends and stores (``marketsim.sweep.arms``): one sweep directory
per arm and wave under ``DIR/runs``, every run stored as it finishes, so an interrupted calibration
resumes where it stopped, and a wave's design — computed from the stored runs of the waves before it —
is the same every time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marketsim import __version__, analysis
from marketsim.calibration.emulator import (
    Emulator,
    Observation,
    combined,
    emulated_implausibility,
    fit_emulator,
    implausibility,
    to_scale,
)
from marketsim.calibration.measures import columns_needed, measure
from marketsim.calibration.targets import CalibrationError, Targets, load_targets, scenario_text
from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.params import SPECS
from marketsim.runs import ProgressOption, available_cores, workers_problems
from marketsim.sweep.arms import ArmRuns, Compute, event_tables, execute, plain, plan_arms, weekly_runs
from marketsim.sweep.design import design_points
from marketsim.sweep.spec import make_spec
from marketsim.text import plural
from marketsim.validation import EVENT_WINDOWS, Arm, source_digest

FORMAT = 1
"""Version of a calibration directory's layout, stored in ``calibration.json``."""
INSTALL_EXTRA = "pip install 'marketsim[calibrate]'"
"""How to install the optional dependency: scikit-learn's Gaussian processes."""
RECORD = "calibration.json"
TOP_UP_BATCHES = 10
"""Fresh Latin hypercubes drawn when too few of the first are left to fill a wave."""
QUANTILES = (0.05, 0.5, 0.95)


@dataclass
class Wave:
    """One wave: its design, runs, measures, emulators and what it ruled out."""

    number: int
    design: pd.DataFrame
    unit: np.ndarray
    folder: Path
    units: list[ArmRuns]
    compute: Compute
    measured: pd.DataFrame
    emulators: dict[str, Emulator]
    run_implausibility: pd.DataFrame
    remaining: float = math.nan
    """Share of the plausible space (a Latin hypercube of ``candidates`` points) not ruled out after this wave."""


@dataclass
class Calibration:
    """What a calibration produced; its files are in ``out`` (see :func:`calibrate`)."""

    out: Path
    targets: Targets
    parameters: tuple[str, ...]
    waves: list[Wave]
    posterior: pd.DataFrame
    checks: pd.DataFrame
    reach: pd.DataFrame
    conflicts: pd.DataFrame
    rankings: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
    policies: tuple[str, ...]
    computes: list[Compute]
    minutes: float
    stopped: str
    notes: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Every run the calibration needed (made now or kept from before)."""
        return sum(compute.runs for compute in self.computes)

    @property
    def core_hours(self) -> float:
        """Processor time of those runs."""
        return sum(compute.core_hours for compute in self.computes)


# -- the design ----------------------------------------------------------------------------------
def ranges(parameters: Sequence[str]) -> pd.DataFrame:
    """Each parameter's plausible range: ``low`` and ``high`` by parameter."""
    return pd.DataFrame({"low": [SPECS[p].plausible[0] for p in parameters],
                         "high": [SPECS[p].plausible[1] for p in parameters]}, index=list(parameters))


def latin_hypercube(parameters: Sequence[str], samples: int, seed: int) -> pd.DataFrame:
    """A Latin hypercube over the parameters' plausible ranges (the sweep engine's sampler)."""
    spec = make_spec({"params": {p: {"min": SPECS[p].plausible[0], "max": SPECS[p].plausible[1]} for p in parameters},
                      "design": {"kind": "lhs", "samples": samples, "seed": seed}})
    return design_points(spec)


def to_unit(design: pd.DataFrame, bounds: pd.DataFrame) -> np.ndarray:
    """Parameter values in the unit cube of their plausible ranges."""
    low, high = bounds["low"].to_numpy(), bounds["high"].to_numpy()
    return (design[list(bounds.index)].to_numpy(dtype=float) - low) / (high - low)


def design_digest(design: pd.DataFrame) -> str:
    """A short digest of a design's points: a wave's folder is named after it."""
    records = [[plain(value) for value in row] for row in design.itertuples(index=False)]
    return hashlib.sha256(json.dumps([list(design.columns), records]).encode()).hexdigest()[:10]


# -- the arms ------------------------------------------------------------------------------------
class ArmResolver:
    """The arm that runs each scenario a target names: a preset or file as it is, a staged scenario with
    only parameter values as the scenario it extends with overrides (as ``marketsim.validation`` names its
    arms), and a staged scenario with a timeline from a scenario file written in ``DIR/scenarios``."""

    def __init__(self, targets: Targets, out: Path):
        self.targets = targets
        self.folder = out / "scenarios"

    def __call__(self, reference: str) -> Arm:
        staged = self.targets.scenarios.get(reference)
        if staged is None:
            return Arm(reference)
        if staged.staged or not all(isinstance(v, int | float | str | bool) for v in staged.values.values()):
            return Arm(str(self.folder / f"{staged.name}.toml"))
        return Arm(staged.extends, tuple(staged.values.items()))

    def write(self) -> None:
        """Write the scenario files of the staged scenarios that need one."""
        for staged in self.targets.scenarios.values():
            path = self.folder / f"{staged.name}.toml"
            if self(staged.name).scenario == str(path):
                text = scenario_text(staged)
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    with analysis.atomic_path(path) as temporary:
                        temporary.write_text(text, encoding="utf-8")

    def target_arms(self) -> tuple[list[Arm], set[Arm]]:
        """Every arm the targets need, and those that also collect the kingpin event study."""
        arms, event_arms = [], set()
        for target in self.targets.targets:
            mine = [self(reference) for reference in target.scenarios]
            arms.extend(mine)
            if target.metric in EVENT_WINDOWS:
                event_arms.update(mine)
        return list(dict.fromkeys(arms)), event_arms


# -- checks before anything runs -----------------------------------------------------------------
def check_policies(targets: Targets) -> tuple[str, ...]:
    """The policies ranked over the prior and the posterior (default: every preset at the baseline's budget)."""
    from marketsim.rankings import policy_presets

    ranked, excluded = policy_presets()
    chosen = targets.settings.policies
    if chosen is None:
        return tuple(ranked)
    problems = []
    for name in chosen:
        if name in excluded:
            problems.append(f"calibration.policies: {name!r} is not ranked: {excluded[name]}")
        elif name not in ranked:
            problems.append(f"calibration.policies: unknown preset {name!r}{did_you_mean(name, ranked)} "
                            f"(allowed: {', '.join(ranked)})")
    if problems:
        raise CalibrationError(problems)
    return tuple(dict.fromkeys(chosen))


def record_of(targets: Targets) -> dict[str, Any]:
    """What ``calibration.json`` stores: a calibration resumes only into a directory holding this very record."""
    return {"format": FORMAT, "marketsim": __version__, "sources": source_digest(), "targets": targets.digest,
            "settings": json.loads(json.dumps(asdict(targets.settings)))}


def prepare(out: Path, targets: Targets, resume: bool) -> None:
    """Check the output directory (new, empty, or this very calibration with ``resume``) and write its record
    and a copy of the targets file; reads only until everything is checked."""
    record_file = out / RECORD
    if out.exists() and not out.is_dir():
        raise CalibrationError([f"out = {out} is a file, not a directory"])
    if record_file.exists():
        try:
            stored = json.loads(record_file.read_text(encoding="utf-8"))
        except ValueError:
            raise CalibrationError([f"{record_file} is damaged: choose another directory"]) from None
        if not resume:
            raise CalibrationError([f"{out} already holds a calibration: pass --resume (resume=True) to continue it, "
                                    "or choose another directory"])
        record = record_of(targets)
        differing = [key for key in sorted(set(stored) | set(record)) if stored.get(key) != record.get(key)]
        if differing:
            what = {"targets": "the targets file", "sources": "the model's sources", "marketsim": "marketsim's version",
                    "format": "the directory layout", "settings": "the settings (the design)"}
            raise CalibrationError([f"cannot resume into {out}: its calibration differs in "
                                    + ", ".join(what.get(key, key) for key in differing)
                                    + "; use the same targets file and model, or choose another directory"])
    elif out.exists() and any(out.iterdir()):
        raise CalibrationError([f"{out} is not empty and holds no calibration (no {RECORD}): choose a new or empty "
                                "directory"])
    else:
        problems = analysis.directory_problems(out)
        if problems:
            raise CalibrationError(problems)
    out.mkdir(parents=True, exist_ok=True)
    for path, text in ((out / "targets.toml", targets.text), (record_file, json.dumps(record_of(targets), indent=1))):
        if not path.exists():
            with analysis.atomic_path(path) as temporary:
                temporary.write_text(text, encoding="utf-8")


# -- the calibration -----------------------------------------------------------------------------
def calibrate(targets: str | Path | Targets | None = None, out: str | Path = "out/calibration", *,
              workers: int | None = None, scheduler: str | None = None, resume: bool = False,
              progress: ProgressOption = True) -> Calibration:
    """Calibrate the model to a targets file by history matching (``ms.calibrate``).

    Args:
        targets: a targets file, or loaded :class:`~marketsim.calibration.targets.Targets` (default: the
            shipped ``default_targets.toml``, the generic city).
        out: the calibration's directory: runs, the posterior sample, tables, figures and ``report.md``.
        workers: local worker processes (default: every core); 1 runs everything in this process.
        scheduler: a Dask scheduler's address, e.g. ``tcp://10.0.0.5:8786``: runs execute on its workers.
        resume: continue the calibration in ``out`` (the same targets file and model): finished runs are kept.
        progress: see ``marketsim.runs.ProgressOption``.

    Returns:
        The waves, the posterior sample, the predictive checks, the conflicts and the rankings; the same are
        written in ``out`` (``posterior.parquet``, ``checks.csv``, ``conflicts.csv``, ``rankings.csv``,
        ``waves.csv``, ``report.md`` and ``figures/``).

    Raises:
        CalibrationError: a bad targets file, option or directory, before anything runs.
    """
    from marketsim.calibration.report import write_outputs

    started = time.perf_counter()
    if importlib.util.find_spec("sklearn") is None:
        raise CalibrationError([f"calibration needs scikit-learn, which is not installed ({INSTALL_EXTRA})"])
    targets = targets if isinstance(targets, Targets) else load_targets(targets)
    out = Path(out)
    problems = workers_problems(workers)
    if scheduler and workers is not None:
        problems.append("workers applies to local processes; a Dask cluster has its own workers (drop workers)")
    if problems:
        raise CalibrationError(problems)
    policies = check_policies(targets)
    resolver = ArmResolver(targets, out)
    arms, event_arms = resolver.target_arms()
    settings = targets.settings
    parameters = settings.parameters
    bounds = ranges(parameters)
    try:
        first = latin_hypercube(parameters, settings.points, settings.design_seed)
        plan_arms([Arm(a.scenario, a.overrides) for a in arms if not a.scenario.startswith(str(resolver.folder))],
                  first.iloc[:1], settings.seeds, settings.steps, settings.burn_in, out / "check", event_arms)
    except ScenarioError as error:
        raise CalibrationError(error.problems) from None
    prepare(out, targets, resume)
    resolver.write()
    workers = workers or (None if scheduler else available_cores())
    observations = {target.name: Observation.of(target, settings) for target in targets.targets}
    fitted = [target.name for target in targets.fitted]
    columns = sorted(columns_needed(targets.targets))
    candidates = latin_hypercube(parameters, settings.candidates, settings.design_seed + 1)
    candidate_unit = to_unit(candidates, bounds)
    alive = np.ones(len(candidates), dtype=bool)
    waves: list[Wave] = []
    computes: list[Compute] = []
    notes: list[str] = []
    stopped = f"after the {plural(settings.waves, 'wave')} asked for"
    design = first
    for number in range(1, settings.waves + 1):
        if number > 1:
            design, note = next_design(targets, waves, candidates, candidate_unit, alive, bounds, number)
            if note:
                notes.append(note)
            if design.empty:
                stopped = (f"after wave {number - 1}: no parameter set in the plausible space is left that meets the "
                           "fitted targets together")
                break
        folder = out / "runs" / f"wave-{number}-{design_digest(design)}"
        units = plan_arms(arms, design, settings.seeds, settings.steps, settings.burn_in, folder, event_arms)
        compute = execute(units, workers, scheduler, f"calibration wave {number}/{settings.waves}", progress)
        computes.append(compute)
        unit = to_unit(design, bounds)
        weeks = {u.arm.label: weekly_runs(u, columns) for u in units}
        measured = measure(targets, resolver, weeks, event_tables(units), len(design))
        emulators = {}
        for target in targets.targets:
            emulator = fit_emulator(target, unit, measured[target.name].to_numpy(), settings.design_seed + number)
            if emulator is not None:
                emulators[target.name] = emulator
        run_values = pd.DataFrame({target.name: implausibility(
            observations[target.name], to_scale(target, measured[target.name]),
            np.full(len(design), emulators[target.name].noise if target.name in emulators else 0.0))
            for target in targets.targets}, index=measured.index)
        wave = Wave(number, design, unit, folder, units, compute, measured, emulators, run_values)
        alive &= not_ruled_out(wave, fitted, observations, candidate_unit, settings.cutoff, settings.combine)
        wave.remaining = float(alive.mean())
        waves.append(wave)
        missing = [name for name in fitted if name not in emulators]
        if missing:
            notes.append(f"wave {number}: no emulator for {', '.join(missing)} (fewer than the runs it needs measured "
                         "it); it rules nothing out in this wave")
        if not alive.any():
            stopped = (f"after wave {number}: no parameter set in the plausible space meets the fitted targets "
                       "together (see the conflicts)")
            break
    last = waves[-1]
    accepted = combined(last.run_implausibility[fitted].to_numpy(), settings.combine) <= settings.cutoff
    posterior = posterior_sample(last, parameters, targets, accepted)
    rankings: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}
    if policies:
        rankings, more = rank_policies(targets, policies, arms, event_arms, waves, posterior, workers, scheduler,
                                       progress)
        computes.extend(more)
    from marketsim.calibration.report import checks_table, conflicts_table

    reach, conflicts = conflicts_table(targets, waves[0], observations, candidate_unit, parameters)
    result = Calibration(out, targets, parameters, waves, posterior, checks_table(targets, waves, posterior), reach,
                         conflicts, rankings, policies, computes, (time.perf_counter() - started) / 60, stopped, notes)
    write_outputs(result)
    result.minutes = (time.perf_counter() - started) / 60
    return result


def not_ruled_out(wave: Wave, fitted: Sequence[str], observations: dict[str, Observation], unit: np.ndarray,
                  cutoff: float, rule: str) -> np.ndarray:
    """Which points are not ruled out by the wave's emulators of the fitted targets."""
    emulators = [wave.emulators[name] for name in fitted if name in wave.emulators]
    return combined(emulated_implausibility(emulators, observations, unit), rule) <= cutoff


def next_design(targets: Targets, waves: Sequence[Wave], candidates: pd.DataFrame, candidate_unit: np.ndarray,
                alive: np.ndarray, bounds: pd.DataFrame, number: int) -> tuple[pd.DataFrame, str]:
    """The next wave's points: drawn from the candidates no wave has ruled out, topped up from fresh Latin
    hypercubes when too few are left; empty when none is left."""
    settings = targets.settings
    fitted = [target.name for target in targets.fitted]
    observations = {target.name: Observation.of(target, settings) for target in targets.targets}
    pool = candidates[alive]
    batch = 0
    while len(pool) < settings.points and batch < TOP_UP_BATCHES and alive.any():
        batch += 1
        fresh = latin_hypercube(list(bounds.index), settings.candidates,
                                settings.design_seed + 1000 * number + batch)
        keep = np.ones(len(fresh), dtype=bool)
        for wave in waves:
            keep &= not_ruled_out(wave, fitted, observations, to_unit(fresh, bounds), settings.cutoff,
                                  settings.combine)
        pool = pd.concat([pool, fresh[keep]], ignore_index=True)
    chosen = valid_points(pool, targets.settings.scenario, settings.points,
                          np.random.default_rng(settings.design_seed + number))
    note = ""
    if len(chosen) < settings.points:
        note = (f"wave {number}: only {len(chosen)} of the {settings.points} points asked for are left in the "
                "non-implausible space sampled")
    return pool.iloc[chosen].reset_index(drop=True), note


def valid_points(pool: pd.DataFrame, scenario: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``count`` rows of the pool, drawn at random, that the scenario accepts (rules across parameters,
    such as retail shares adding up to at most 1), in pool order."""
    from marketsim.config.scenario import load_scenario

    base = load_scenario(scenario)
    chosen: list[int] = []
    for index in rng.permutation(len(pool)):
        if len(chosen) == count:
            break
        point = pool.iloc[[index]].to_dict("records")[0]
        try:
            base.with_overrides({name: plain(value) for name, value in point.items()})
        except ScenarioError:
            continue
        chosen.append(int(index))
    return np.sort(np.array(chosen, dtype=int))


def posterior_sample(wave: Wave, parameters: Sequence[str], targets: Targets, accepted: np.ndarray) -> pd.DataFrame:
    """The last wave's points whose own runs meet every fitted target: parameters, measures and implausibility."""
    fitted = [target.name for target in targets.fitted]
    table = wave.design[list(parameters)].copy()
    table.insert(0, "point", np.arange(len(table)))
    table.insert(0, "wave", wave.number)
    for target in targets.targets:
        table[target.name] = wave.measured[target.name].to_numpy()
    table["implausibility"] = combined(wave.run_implausibility[fitted].to_numpy(), targets.settings.combine)
    kept = table[accepted].reset_index(drop=True)
    kept.insert(0, "draw", np.arange(len(kept)))
    return kept


def rank_policies(targets: Targets, policies: Sequence[str], arms: Sequence[Arm], event_arms: set[Arm],
                  waves: Sequence[Wave], posterior: pd.DataFrame, workers: int | None, scheduler: str | None,
                  progress: ProgressOption) -> tuple[dict[str, tuple[pd.DataFrame, pd.DataFrame]], list[Compute]]:
    """The policies run at the first wave's points (the prior) and the last wave's (of which the posterior's
    are ranked), in those waves' folders so the arms they share with the targets are not run again."""
    from marketsim.rankings import NEEDED, policy_outcomes, rankings

    settings = targets.settings
    extra = [Arm(name) for name in policies if Arm(name) not in arms]
    samples = {"prior": (waves[0], None)}
    if not posterior.empty:
        samples["posterior"] = (waves[-1], set(posterior["point"]))
    results, computes, done = {}, [], {}
    for name, (wave, points) in samples.items():
        if wave.number not in done:
            units = list(wave.units)
            if extra:  # in the wave's folder, beside the arms the policies share with the targets
                more = plan_arms(extra, wave.design, settings.seeds, settings.steps, settings.burn_in, wave.folder,
                                 event_arms)
                computes.append(execute(more, workers, scheduler, f"calibration: policies at wave {wave.number}",
                                        progress))
                units += more
            means = []
            for unit in units:
                if unit.arm.scenario in policies and not unit.arm.overrides:
                    weeks = weekly_runs(unit, NEEDED)
                    if not weeks.empty:
                        kept = weeks[weeks["step"] > settings.burn_in]
                        means.append(kept.groupby(["point", "seed"])[list(NEEDED)].mean().reset_index()
                                     .assign(arm=unit.arm.scenario))
            done[wave.number] = pd.concat(means).set_index(["point", "arm", "seed"]).sort_index() if means \
                else pd.DataFrame()
        means = done[wave.number]
        if points is not None and not means.empty:
            means = means[means.index.get_level_values("point").isin(points)]
        outcomes = policy_outcomes(means, policies, wave.design) if not means.empty else pd.DataFrame()
        results[name] = rankings(outcomes, policies) if not outcomes.empty else (pd.DataFrame(), pd.DataFrame())
    return results, computes
