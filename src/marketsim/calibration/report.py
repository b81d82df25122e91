"""What a calibration reports: predictive checks, conflicts, rankings, figures and the Markdown report.

Written into the calibration's directory by :func:`~marketsim.calibration.engine.calibrate`
(``report.md``, ``figures/``, tables), and into docs/calibration.md by experiments/calibration_report.py.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from marketsim import __version__, analysis
from marketsim.calibration.emulator import FOLDS, Observation, combined, implausibility
from marketsim.calibration.measures import unit_of
from marketsim.calibration.targets import MAX_PARAMETERS, Targets, readable
from marketsim.config.params import SPECS
from marketsim.rankings import RANKED, draw_spread
from marketsim.text import plural
from marketsim.validation import source_digest

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from marketsim.calibration.engine import Calibration, Wave

PAIRS = 4
"""Pairs of parameters drawn in the pair plot: the most strongly correlated in the posterior."""
PULLS = 3
"""Parameters named for each conflict: those whose values differ most between the two targets' regions."""
CLUSTER = 32
"""The Dask cluster size the report's cost section is worked out for."""
LOCAL_CORES = 2


# -- tables --------------------------------------------------------------------------------------
def checks_table(targets: Targets, waves: Sequence[Wave], posterior: pd.DataFrame) -> pd.DataFrame:
    """Per target, fitted or not: the observed range (the interval, or the value ± 2 sd) against the 5–95%
    bands of the prior's runs (the first wave) and the posterior's, and whether they overlap."""
    rows = []
    for target in targets.targets:
        low, high = target.observed.bounds()
        prior = waves[0].measured[target.name].dropna().to_numpy()
        post = posterior[target.name].dropna().to_numpy() if target.name in posterior else np.zeros(0)
        row = {"target": target.name, "kind": target.kind, "fitted": target.fitted, "unit": unit_of(target),
               "observed": target.observed.describe(), "low": low, "high": high}
        for label, values in (("prior", prior), ("posterior", post)):
            quantiles = np.quantile(values, (0.05, 0.5, 0.95)) if len(values) else [math.nan] * 3
            row |= {f"{label}_q05": quantiles[0], f"{label}_q50": quantiles[1], f"{label}_q95": quantiles[2]}
        row["posterior_inside"] = float(np.mean((post >= low) & (post <= high))) if len(post) else math.nan
        if not len(post):
            row["verdict"] = "no posterior" if posterior.empty else "not measured"
        else:
            row["verdict"] = "consistent" if row["posterior_q95"] >= low and row["posterior_q05"] <= high \
                else "misses"
        rows.append(row)
    return pd.DataFrame(rows)


def conflicts_table(targets: Targets, wave: Wave, observations: Mapping[str, Observation], unit: np.ndarray,
                    parameters: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which targets the plausible space can meet, alone and in pairs, by the first wave's emulators (fitted
    over the whole plausible space) at a Latin hypercube of ``candidates`` points.

    Returns the share of the space meeting each target (and the fitted ones together), and every pair of
    targets that no point meets together although each alone is met somewhere — a **conflict** — with the
    parameters that pull them apart: those whose values differ most between the points meeting one and
    the points meeting the other.
    """
    cutoff = targets.settings.cutoff
    met = {}
    for name, emulator in wave.emulators.items():
        mean, variance = emulator.predict(unit)
        met[name] = implausibility(observations[name], mean, variance) <= cutoff
    rows = [{"target": t.name, "fitted": t.fitted, "share": float(met[t.name].mean()) if t.name in met else math.nan}
            for t in targets.targets]
    together = [met[t.name] for t in targets.fitted if t.name in met]
    if together:
        rows.append({"target": "all fitted targets together", "fitted": True,
                     "share": float(np.logical_and.reduce(together).mean())})
    reach = pd.DataFrame(rows)
    conflicts = []
    for first, second in combinations([t.name for t in targets.targets if t.name in met], 2):
        a, b = met[first], met[second]
        if a.any() and b.any() and not (a & b).any():
            difference = unit[a].mean(axis=0) - unit[b].mean(axis=0)
            order = np.argsort(-np.abs(difference))[:PULLS]
            pulls = "; ".join(f"`{parameters[i]}` {'higher' if difference[i] > 0 else 'lower'} for {first} "
                              f"({unit[a][:, i].mean():.0%} of its range) than for {second} "
                              f"({unit[b][:, i].mean():.0%})" for i in order)
            conflicts.append({"first": first, "second": second, "first_fitted": targets.by_name(first).fitted,
                              "second_fitted": targets.by_name(second).fitted, "share_first": float(a.mean()),
                              "share_second": float(b.mean()), "pulls": pulls})
    return reach, pd.DataFrame(conflicts, columns=["first", "second", "first_fitted", "second_fitted", "share_first",
                                                   "share_second", "pulls"])


def waves_table(result: Calibration) -> pd.DataFrame:
    """Per wave: points, runs, the share of the plausible space left, and each emulator's cross-validation."""
    rows = []
    fitted = [t.name for t in result.targets.fitted]
    settings = result.targets.settings
    for wave in result.waves:
        accepted = (combined(wave.run_implausibility[fitted].to_numpy(), settings.combine) <= settings.cutoff).mean()
        rows.append({"wave": wave.number, "points": len(wave.design), "runs": wave.compute.runs,
                     "made": wave.compute.ran, "failed": wave.compute.failed, "remaining": wave.remaining,
                     "runs_meeting_fitted": float(accepted),
                     **{f"cv_{name}": emulator.coverage for name, emulator in wave.emulators.items()}})
    return pd.DataFrame(rows)


# -- outputs -------------------------------------------------------------------------------------
def write_outputs(result: Calibration) -> None:
    """The posterior (Parquet, with the targets file and the model it came from), the tables, the figures and
    ``report.md`` in the calibration's directory."""
    out = result.out
    files = {"posterior": write_posterior(result, out / "posterior.parquet")}
    tables = {"checks": result.checks, "reach": result.reach, "conflicts": result.conflicts,
              "waves": waves_table(result)}
    for name, (table, regret) in result.rankings.items():
        tables[f"rankings_{name}"], tables[f"regret_{name}"] = table, regret
    for wave in result.waves:
        measured = wave.design.assign(**{f"{name} (measured)": wave.measured[name].to_numpy()
                                         for name in wave.measured})
        tables[f"wave_{wave.number}"] = measured.assign(**{f"{name} (implausibility)": wave.run_implausibility[name]
                                                            .to_numpy() for name in wave.run_implausibility})
    for name, table in tables.items():
        files[name] = analysis.write_table(table, out / "tables" / f"{name}.csv")
    result.files = files | write_figures(result, out / "figures")
    result.files["report"] = write_report(result, out / "report.md", out / "figures",
                                          f"marketsim calibrate {out / 'targets.toml'} --out {out}")


def write_posterior(result: Calibration, path: Path) -> Path:
    """``posterior.parquet``: one row per parameter set, with the targets file, the model version and the model
    sources it came from in the file's metadata."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(result.posterior, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), b"marketsim": __version__.encode(),
                b"marketsim.sources": source_digest().encode(), b"marketsim.targets": result.targets.text.encode(),
                b"marketsim.targets_digest": result.targets.digest.encode(),
                b"marketsim.parameters": json.dumps(list(result.parameters)).encode()}
    with analysis.atomic_path(path) as temporary:
        pq.write_table(table.replace_schema_metadata(metadata), temporary)
    return path


# -- figures -------------------------------------------------------------------------------------
def write_figures(result: Calibration, folder: Path) -> dict[str, Path]:
    """The marginals, the pair plot, the predictive checks and (with policies) the rankings."""
    figures = {"marginals": plot_marginals(result), "checks": plot_checks(result)}
    if len(result.posterior) >= 3 and len(result.parameters) >= 2:
        figures["pairs"] = plot_pairs(result)
    if "posterior" in result.rankings and not result.rankings["posterior"][0].empty:
        figures["rankings"] = plot_rankings(result)
    return {name: analysis.save_figure(figure, folder / f"{name}.png") for name, figure in figures.items()}


def plot_marginals(result: Calibration) -> Figure:
    """Each calibrated parameter's posterior over its plausible range (the prior is uniform over it)."""
    figure, axes = analysis.panel_grid(len(result.parameters), 3.6, columns=4, panel_height=2.4)
    for axis, name in zip(axes, result.parameters, strict=True):
        low, high = SPECS[name].plausible
        if len(result.posterior):
            axis.hist(result.posterior[name], bins=12, range=(low, high), density=True, color="#2a9d8f",
                      label="posterior")
        axis.hlines(1 / (high - low), low, high, color="#555555", linestyle="--", label="prior (uniform)")
        axis.axvline(SPECS[name].default, color="#e76f51", linewidth=1, label="default")
        axis.set_xlim(low, high)
        axis.locator_params(axis="x", nbins=4)
        axis.set_title(name, fontsize=8)
        axis.tick_params(labelsize=7)
        axis.set_yticks([])
    axes[0].legend(fontsize=6, loc="upper right")
    figure.suptitle(f"Posterior of the calibrated parameters over their plausible ranges "
                    f"({plural(len(result.posterior), 'parameter set')})", fontsize=10)
    return figure


def strongest_pairs(posterior: pd.DataFrame, parameters: Sequence[str], count: int = PAIRS) -> list[tuple[str, str]]:
    """The pairs of parameters most strongly correlated (Spearman) in the posterior."""
    ranks = posterior[list(parameters)].rank().corr().abs()
    pairs = [(first, second) for first, second in combinations(parameters, 2)
             if np.isfinite(ranks.loc[first, second])]
    return sorted(pairs, key=lambda pair: -ranks.loc[pair])[:count]


def plot_pairs(result: Calibration) -> Figure:
    """The posterior's parameter sets over the most strongly correlated pairs of parameters."""
    pairs = strongest_pairs(result.posterior, result.parameters)
    figure, axes = analysis.panel_grid(len(pairs), 3.4, columns=4, panel_height=3.0)
    for axis, (first, second) in zip(axes, pairs, strict=True):
        axis.scatter(result.posterior[first], result.posterior[second], s=10, color="#264653")
        axis.set_xlim(*SPECS[first].plausible)
        axis.set_ylim(*SPECS[second].plausible)
        rho = result.posterior[[first, second]].rank().corr().iloc[0, 1]
        axis.set_xlabel(first, fontsize=7)
        axis.set_ylabel(second, fontsize=7)
        axis.set_title(f"Spearman ρ = {rho:+.2f}", fontsize=8)
        axis.tick_params(labelsize=7)
    figure.suptitle("The most strongly correlated pairs of parameters in the posterior (axes: plausible ranges)",
                    fontsize=10)
    return figure


def plot_checks(result: Calibration) -> Figure:
    """Per target: the observed range against the prior's and the posterior's 5–95% bands (dots: medians)."""
    checks = result.checks
    figure, axes = analysis.panel_grid(len(checks), 4.2, columns=3, panel_height=1.5)
    for axis, row in zip(axes, checks.itertuples(), strict=True):
        low, high = row.low, row.high
        finite = [v for v in (low, high, row.prior_q05, row.prior_q95, row.posterior_q05, row.posterior_q95)
                  if math.isfinite(v)]
        span = (max(finite) - min(finite)) or 1.0 if finite else 1.0
        left = low if math.isfinite(low) else (min(finite) - span if finite else -1)
        right = high if math.isfinite(high) else (max(finite) + span if finite else 1)
        axis.axvspan(left, right, color="#e9c46a", alpha=0.6, label="observed")
        for y, label, colour in ((1, "prior", "#999999"), (0, "posterior", "#2a9d8f")):
            q05, q50, q95 = (getattr(row, f"{label}_{q}") for q in ("q05", "q50", "q95"))
            if math.isfinite(q05):
                axis.hlines(y, q05, q95, color=colour, linewidth=4, label=f"{label} 5–95%")
                axis.plot([q50], [y], "o", color="black", markersize=3)
        axis.set_yticks([0, 1], ["posterior", "prior"], fontsize=7)
        axis.set_ylim(-0.7, 1.7)
        axis.tick_params(axis="x", labelsize=7)
        axis.set_title(f"{row.target} ({'fitted' if row.fitted else 'predicted'}; {row.unit})", fontsize=8)
    axes[0].legend(fontsize=6, loc="lower right")
    figure.suptitle("Predictive checks: observed (shaded) against the prior's and the posterior's runs", fontsize=10)
    return figure


def plot_rankings(result: Calibration) -> Figure:
    """Per outcome: how often each policy is best, and its regret, over the prior and the posterior."""
    from matplotlib.figure import Figure

    prior, posterior = result.rankings["prior"][0], result.rankings["posterior"][0]
    order = posterior[posterior["outcome"] == "combined_harm"].sort_values("regret_median")["policy"].tolist()
    figure = Figure(figsize=(13, 2.5 + 0.5 * max(len(order), 1)), layout="constrained")
    axes = figure.subplots(2, len(RANKED), sharey="row", squeeze=False)
    y = np.arange(len(order))
    for column, (outcome, unit) in enumerate(RANKED.items()):
        top, bottom = axes[0, column], axes[1, column]
        for offset, (label, table, colour) in enumerate((("prior", prior, "#999999"),
                                                         ("posterior", posterior, "#2a9d8f"))):
            mine = table[table["outcome"] == outcome].set_index("policy").reindex(order)
            top.barh(y + 0.2 - 0.4 * offset, 100 * mine["share_first"].fillna(0).to_numpy(), height=0.4,
                     color=colour, label=label)
            regrets = result.rankings[label][1]
            for index, policy in enumerate(order):
                values = regrets.loc[(regrets["outcome"] == outcome) & (regrets["policy"] == policy), "regret"]
                draw_spread(bottom, index + 0.2 - 0.4 * offset, values.to_numpy(), colour=colour, height=0.35)
        top.set_xlim(0, 100)
        top.set_title(outcome.replace("_", " ").capitalize(), fontsize=10)
        top.set_xlabel("share of parameter sets where it is best, %", fontsize=8)
        bottom.set_xlabel(f"regret: {unit} above the best", fontsize=8)
        for axis in (top, bottom):
            axis.set_yticks(y, order, fontsize=8)
    axes[0, 0].legend(fontsize=7)
    for axis in axes[:, 0]:
        axis.invert_yaxis()
    figure.suptitle("Policy rankings over the prior (grey) and the posterior (green)", fontsize=11)
    return figure


# -- the report ----------------------------------------------------------------------------------
def number(value: float) -> str:
    """A number for a table ("—" if undefined)."""
    return "—" if not math.isfinite(value) else readable(value)


def percent(value: float) -> str:
    """A share as a percentage ("—" if undefined)."""
    return "—" if not math.isfinite(value) else f"{value:.0%}"


def method_lines(result: Calibration) -> list[str]:
    """How the calibration works and why this method."""
    settings = result.targets.settings
    return [
        "## The method, and why this one", "",
        "**Bayesian history matching with Gaussian-process emulators** (Craig et al. 1997; Vernon, Goldstein & Bower "
        "2010; Andrianakis et al. 2015). Wave 1 runs the model at a Latin hypercube over the calibrated parameters' "
        "plausible ranges (every other parameter at its default). An emulator of each target — a Gaussian process "
        "(scikit-learn's `GaussianProcessRegressor`, Pedregosa et al. 2011; Rasmussen & Williams 2006) with one "
        "length scale per parameter and a white-noise term for the run-to-run variation — is fitted to the runs. "
        "A parameter set's **implausibility** for a target is the distance between what the emulator expects there "
        "and what was observed, in standard deviations of every uncertainty together: the emulator's, the "
        "simulation's run-to-run variation, the observation's and the model discrepancy; for an observed interval "
        "only the distance outside it counts. Parameter sets whose implausibility for a fitted target exceeds "
        f"{settings.cutoff:g} (Pukelsheim's 1994 three-sigma rule) are ruled out "
        f"({'the largest' if settings.combine == 'max' else 'the second largest'} over the fitted targets); the next "
        "wave samples what is left. The posterior sample is the last wave's parameter sets whose own runs meet every "
        "fitted target. History matching returns the region of parameter sets consistent with the evidence, "
        "sampled uniformly within it (the prior is uniform over the plausible ranges), rather than a likelihood-"
        "weighted posterior: its **posterior** here means that sample.", "",
        "Why this method rather than the others the issue names:", "",
        "- *Approximate Bayesian computation* (ABC-SMC; Toni et al. 2009, pyabc: Klinger, Rickert & Hasenauer 2018) "
        "returns a posterior too, but needs tens of thousands of runs to shrink its tolerance and one distance "
        "that mixes targets of different units into a single number. History matching needs hundreds of runs per "
        "wave, judges each target on its own scale, and says which targets cannot be met together instead of "
        "leaving a tolerance that will not shrink.",
        "- *Optuna* (Akiba et al. 2019), as Starsim's `Calibration` uses it, finds one best point: no sample of "
        "parameter sets, so no predictive band and no ranking over what is consistent with the evidence. It is "
        "not built here.",
        "- Every wave's runs are independent of each other, so they go through the sweep engine's backends (a local "
        "process pool, or a Dask cluster) and stores: stored as they finish, resumable. scikit-learn is a "
        "well-kept library already installed with the sweep extra (the EMA Workbench depends on it).", "",
        f"Each emulator is checked by {FOLDS}-fold cross-validation: the share of held-out runs within three predicted "
        "standard deviations (Bastos & O'Hagan 2009) should be near 99%; a much lower share means the emulator is "
        "overconfident and the wave rules out too much.", "",
        f"The calibrated parameters are a declared subset (at most {MAX_PARAMETERS}): those the sensitivity indices "
        "of [robustness.md](robustness.md) rank highest for the targets' outcomes, and those that set the targets' "
        "levels directly. The other uncertainties stay at their defaults, so the posterior is conditional on them. "
        "An emulator needs about ten runs per parameter per wave (Loeppky, Sacks & Welch 2009)"
        + (f": this design's {settings.points} points for {len(result.parameters)} parameters "
           f"{'meet' if settings.points >= 10 * len(result.parameters) else '**fall short of**'} that." ""), ""]


def write_report(result: Calibration, doc: Path, figures: Path, command: str,
                 default_cost: tuple[int, float] | None = None) -> Path:
    """The calibration report as Markdown, linking the figures in ``figures``.

    Args:
        result: the calibration.
        doc: where to write it.
        figures: the folder of its figures (``result.files`` gives the figures' paths).
        command: the command that reproduces it.
        default_cost: the runs and simulated weeks of the default design, to estimate its time (docs only).
    """
    targets, settings = result.targets, result.targets.settings
    link = {name: os.path.relpath(result.files[name], doc.parent) for name in ("marginals", "pairs", "checks",
                                                                              "rankings") if name in result.files}
    checks, reach, conflicts = result.checks, result.reach, result.conflicts
    lines = [
        "# Calibration against evidence", "",
        f"Generated by `{command}` on {date.today():%Y-%m-%d} with marketsim {__version__} from model sources "
        f"`{source_digest()}`, targets file `{targets.path.name if targets.path else 'targets.toml'}` (digest "
        f"`{targets.digest}`). Do not edit by hand: rerun the command. The works cited are listed in full in "
        "[references.md](references.md).", "",
        f"**{targets.title}.** {targets.summary}".strip(), "",
        "## Headlines", ""]
    lines += [f"- {line}" for line in headlines(result)]
    lines += ["", *method_lines(result)]
    lines += ["## The targets", "",
              "Each target's `fitted` flag was written in the targets file before any run and is never moved to "
              "improve a report: **fitted** targets calibrate the model; **predicted** ones only judge it. "
              f"Model discrepancy: {settings.discrepancy:.0%} of each observed value unless a target gives its own.",
              "", "| target | fitted | measured as | observed | source |", "|---|---|---|---|---|"]
    for target in targets.targets:
        note = f" {target.note}" if target.note else ""
        lines.append(f"| `{target.name}` | {'fitted' if target.fitted else 'predicted'} | {target.measured_as()} "
                     f"({unit_of(target)}) | {target.observed.describe()} | {target.source}, {target.location}."
                     f"{note} |")
    lines += ["", "## The waves", "",
              f"{plural(len(result.parameters), 'parameter')} calibrated, each over its plausible range; "
              f"{settings.points} points per wave, {plural(settings.seeds, 'seed')} per point, {settings.steps} weeks "
              f"per run, the first {settings.burn_in} left out of the levels. The calibration stopped "
              f"{result.stopped}.", "",
              "| wave | points | runs | space left | runs meeting the fitted targets | emulators' cross-validation |",
              "|---|---|---|---|---|---|"]
    for row in waves_table(result).itertuples():
        cv = [getattr(row, column) for column in row._fields if column.startswith("cv_")]
        lines.append(f"| {row.wave} | {row.points} | {row.runs:,} ({row.made:,} made, {row.failed} failed) "
                     f"| {percent(row.remaining)} | {percent(row.runs_meeting_fitted)} | "
                     f"{percent(min(cv)) if cv else '—'} to {percent(max(cv)) if cv else '—'} |")
    lines += ["", f"*Space left*: the share of a Latin hypercube of {settings.candidates:,} parameter sets over the "
              "plausible ranges that no wave has ruled out so far.", ""]
    for note in result.notes:
        lines.append(f"- {note}")
    lines += ["", "## The posterior", "",
              f"{plural(len(result.posterior), 'parameter set')} (`posterior.parquet`, with the targets file and the "
              "model version it came from). Each parameter's posterior median and 5–95% range, against its plausible "
              "range and default:", "",
              "| parameter | plausible range | default | posterior: median (5%–95%) |", "|---|---|---|---|"]
    for name in result.parameters:
        low, high = SPECS[name].plausible
        values = result.posterior[name] if len(result.posterior) else pd.Series(dtype=float)
        band = (f"{number(values.median())} ({number(values.quantile(0.05))}–{number(values.quantile(0.95))})"
                if len(values) else "—")
        lines.append(f"| `{name}` | [{low:g}, {high:g}] | {SPECS[name].default:g} | {band} |")
    for name, words in (("marginals", "Marginal posteriors"), ("pairs", "Most correlated pairs")):
        if name in link:
            lines += ["", f"![{words}]({link[name]})"]
    lines += ["", "## Predictive checks", "",
              "The observed range (its interval, or the value ± 2 sd) against the 5–95% band of the targets measured "
              "in the prior's runs (wave 1) and in the posterior's. A fitted target should be met by construction; "
              "a predicted one is evidence that the model predicts only where its band is **consistent** with what "
              "was observed.", "",
              "| target | fitted | observed | prior 5%–95% | posterior 5%–95% | posterior runs inside | verdict |",
              "|---|---|---|---|---|---|---|"]
    for row in checks.itertuples():
        lines.append(f"| `{row.target}` | {'fitted' if row.fitted else 'predicted'} | {row.observed} "
                     f"| {number(row.prior_q05)} to {number(row.prior_q95)} "
                     f"| {number(row.posterior_q05)} to {number(row.posterior_q95)} | {percent(row.posterior_inside)} "
                     f"| {row.verdict if row.verdict == 'consistent' else '**' + row.verdict + '**'} |")
    if "checks" in link:
        lines += ["", f"![Predictive checks]({link['checks']})"]
    lines += ["", "## Conflicts", "",
              "Which targets the plausible space can meet — alone, and in pairs — judged by the first wave's "
              "emulators (fitted over the whole plausible space) at the same Latin hypercube. A **conflict** is a "
              "pair of targets each met somewhere that no parameter set meets together: a structural finding about "
              "the model (or the evidence), never to be hidden by widening a plausible range.", "",
              "| target | fitted | share of the plausible space meeting it |", "|---|---|---|"]
    lines += [f"| {row.target} | {'fitted' if row.fitted else 'predicted'} | {percent(row.share)} |"
              for row in reach.itertuples()]
    lines.append("")
    if conflicts.empty:
        lines.append("No pair of targets conflicts.")
    else:
        lines += ["| targets | what pulls them apart |", "|---|---|"]
        lines += [f"| `{row.first}` ({'fitted' if row.first_fitted else 'predicted'}) and `{row.second}` "
                  f"({'fitted' if row.second_fitted else 'predicted'}) | {row.pulls} |"
                  for row in conflicts.itertuples()]
    lines += ["", *ranking_lines(result, link), *cost_lines(result, command, default_cost)]
    with analysis.atomic_path(doc) as temporary:
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return doc


def headlines(result: Calibration) -> list[str]:
    """One sentence per result."""
    checks = result.checks
    lines = [f"**Posterior.** {plural(len(result.posterior), 'parameter set')} of {len(result.parameters)} calibrated "
             f"parameters meet the {plural(len(result.targets.fitted), 'fitted target')} together; the calibration "
             f"stopped {result.stopped}."]
    predicted = checks[~checks["fitted"]]
    if len(predicted) and len(result.posterior):
        consistent = predicted[predicted["verdict"] == "consistent"]["target"].tolist()
        missed = predicted[predicted["verdict"] != "consistent"]["target"].tolist()
        lines.append(f"**Predicted targets.** {len(consistent)} of {len(predicted)} consistent with the posterior"
                     + (f" ({', '.join(f'`{n}`' for n in consistent)})" if consistent else "")
                     + (f"; missed: {', '.join(f'`{n}`' for n in missed)}" if missed else "") + ".")
    if result.conflicts.empty:
        lines.append("**Conflicts.** None: every pair of targets met somewhere is met together somewhere.")
    else:
        pairs = ", ".join(f"`{row.first}` with `{row.second}`" for row in result.conflicts.itertuples())
        lines.append(f"**Conflicts.** {pairs}.")
    unreachable = result.reach[(result.reach["share"] == 0)]["target"].tolist()
    if unreachable:
        lines.append("**Out of reach.** No parameter set in the plausible space meets "
                     + ", ".join(f"`{name}`" for name in unreachable) + ".")
    if "posterior" in result.rankings and not result.rankings["posterior"][0].empty:
        moved = []
        for outcome in RANKED:
            best = {label: _best(result.rankings[label][0], outcome) for label in ("prior", "posterior")}
            moved.append(f"{outcome.replace('_', ' ')}: {best['posterior'][0]} ({percent(best['posterior'][1])}; "
                         f"prior {best['prior'][0]}, {percent(best['prior'][1])})")
        lines.append("**Rankings over the posterior** (best most often): " + "; ".join(moved) + ".")
    return lines


def _best(table: pd.DataFrame, outcome: str) -> tuple[str, float]:
    mine = table[table["outcome"] == outcome].sort_values("share_first", ascending=False)
    return (mine.iloc[0]["policy"], float(mine.iloc[0]["share_first"])) if len(mine) else ("—", math.nan)


def ranking_lines(result: Calibration, link: Mapping[str, str]) -> list[str]:
    """The rankings and regret of docs/robustness.md, over the prior and the posterior."""
    lines = ["## Which policy is best over the posterior?", ""]
    if not result.policies:
        return [*lines, "No policy was ranked (`policies = []` in the targets file).", ""]
    if "posterior" not in result.rankings or result.rankings["posterior"][0].empty:
        return [*lines, "No posterior sample, so no ranking over it.", ""]
    lines += ["The presets at the baseline's police budget, run at the prior's parameter sets (wave 1) and the "
              "posterior's, ranked as in [robustness.md](robustness.md): homicides, overdose deaths and the combined "
              "harm index per 100,000 residents per year (lower is better); a policy's regret is its loss against "
              "the best policy at the same parameter set (Lempert, Popper & Bankes 2003).", "",
              "| policy | best on homicides: prior → posterior | best on overdose deaths | best on combined harm "
              "| combined harm regret, median: prior → posterior | 90th percentile |", "|---|---|---|---|---|---|"]
    prior = result.rankings["prior"][0].set_index(["policy", "outcome"])
    posterior = result.rankings["posterior"][0].set_index(["policy", "outcome"])
    order = result.rankings["posterior"][0]
    order = order[order["outcome"] == "combined_harm"].sort_values("regret_median")["policy"]
    for policy in order:
        shares = " | ".join(f"{percent(prior.loc[(policy, o), 'share_first'])} → "
                            f"{percent(posterior.loc[(policy, o), 'share_first'])}" for o in RANKED)
        harm = (policy, "combined_harm")
        lines.append(f"| {policy} | {shares} | {number(prior.loc[harm, 'regret_median'])} → "
                     f"{number(posterior.loc[harm, 'regret_median'])} | {number(prior.loc[harm, 'regret_p90'])} → "
                     f"{number(posterior.loc[harm, 'regret_p90'])} |")
    if "rankings" in link:
        lines += ["", f"![Rankings over the prior and the posterior]({link['rankings']})"]
    return [*lines, ""]


def cost_lines(result: Calibration, command: str, default_cost: tuple[int, float] | None) -> list[str]:
    """What it cost, and what the default design costs on 2 cores and on a Dask cluster."""
    settings = result.targets.settings
    runs, made = result.runs, sum(compute.ran for compute in result.computes)
    weeks = sum(compute.runs * compute.steps for compute in result.computes)
    per_week = 3600 * result.core_hours / weeks if weeks else math.nan
    per_wave = max((wave.compute.runs for wave in result.waves), default=0)
    lines = ["## Cost, and rerunning it", "",
             f"- **This calibration:** {runs:,} runs of {settings.steps} weeks ({made:,} made now, {runs - made:,} "
             f"kept from before), {result.core_hours:.3g} core-hours of simulation "
             f"({1000 * per_week:.2g} ms of processor time per simulated week), {result.minutes:.1f} minutes of "
             "wall-clock time for the invocation that wrote this report, emulators and figures included.",
             f"- **Rerun:** `{command}`. Runs are stored under `runs/` of its directory, one sweep directory per arm "
             "and wave; a finished run is never run again, so `--resume` continues an interrupted calibration where "
             "it stopped, and a changed targets file or model is refused there (choose another `--out`).",
             f"- **On a Dask cluster:** `--scheduler tcp://HOST:8786`. Waves run one after the other (each wave's "
             f"design needs the last one's runs), so a cluster helps up to a wave's runs ({per_wave:,} here) at once: "
             f"on {CLUSTER} workers about {_duration(result.core_hours / min(CLUSTER, max(per_wave, 1)))} of "
             "simulation."]
    if default_cost is not None and math.isfinite(per_week):
        default_runs, default_weeks = default_cost
        hours = default_runs * default_weeks * per_week / 3600
        lines.append(f"- **The default targets file** asks about {default_runs:,} runs of {default_weeks} weeks: "
                     f"{hours:.2g} core-hours at this speed, about {_duration(hours / LOCAL_CORES)} on "
                     f"{LOCAL_CORES} cores and {_duration(hours / CLUSTER)} on a Dask cluster of {CLUSTER} workers.")
    return [*lines, ""]


def _duration(hours: float) -> str:
    """Hours as minutes or hours, in words."""
    if not math.isfinite(hours):
        return "—"
    return f"{hours * 60:.0f} minutes" if hours < 2 else f"{hours:.1f} hours"
