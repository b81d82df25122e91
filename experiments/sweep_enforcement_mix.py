"""How homicides and overdose deaths respond to the split of a fixed police budget.

The baseline spends 35% of its police budget on three levers: retail (street) arrests,
high-value targeting of leaders, and focused deterrence. This experiment keeps that 35% and
every other budget share fixed, and sweeps every split of it between the three levers on a
simplex grid (steps of 1/7 of the 35%), with the same seeds at every split. The figure shows
each outcome over the triangle of splits, and the mean response to each lever's share with 95%
bands (averaged over the other two).

    python experiments/sweep_enforcement_mix.py            # 36 splits × 6 seeds × 520 weeks
    python experiments/sweep_enforcement_mix.py --quick    # 15 splits × 2 seeds × 104 weeks, small world

Writes the sweep to ``out/experiments/sweep_enforcement_mix[_quick]/`` (Parquet tables, the
summaries of ``marketsim sweep summarise``) and the figure beside it as a PNG. Without
``--resume`` an earlier output of this script is replaced.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.tri import Triangulation

from marketsim import analysis
from marketsim.sweep import run_sweep, summarise_sweep

LEVERS = {"policy.street_share": "retail arrests", "policy.hvt_share": "high-value targeting",
          "policy.deterrence_share": "focused deterrence"}
BUDGET = 0.35
"""The baseline's combined share for the three levers (0.30 + 0.05 + 0); the rest is untouched."""
OUTCOMES = ("homicides", "overdose_deaths")
SMALL_WORLD = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
OUT = Path("out") / "experiments"


def mix_points(divisions: int) -> list[dict[str, float]]:
    """Every split of ``BUDGET`` between the levers in steps of ``BUDGET / divisions``."""
    names = list(LEVERS)
    points = []
    for street in range(divisions + 1):
        for hvt in range(divisions + 1 - street):
            units = (street, hvt, divisions - street - hvt)
            points.append({name: round(BUDGET * unit / divisions, 9) for name, unit in zip(names, units, strict=True)})
    return points


def split(shares: tuple[float, ...]) -> str:
    """A split as the lever names with their part of the budget, e.g. ``retail arrests 25%, …``."""
    return ", ".join(f"{label} {share / BUDGET:.0%}" for label, share in zip(LEVERS.values(), shares, strict=True))


def draw(points: pd.DataFrame, runs: pd.DataFrame, path: Path, title: str) -> Path:
    """Top: each outcome over the triangle of splits. Bottom: the response to each lever's share."""
    figure = Figure(figsize=(11, 8.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, len(OUTCOMES))
    names = list(LEVERS)
    for column, outcome in enumerate(OUTCOMES):
        info = analysis.metric_info(outcome)
        means = points[points["outcome"] == outcome]
        shares = means[names].to_numpy() / BUDGET
        x = shares[:, 1] + shares[:, 2] / 2  # barycentric → plane: street at (0,0), HVT at (1,0)
        y = shares[:, 2] * np.sqrt(3) / 2  # deterrence at the top
        ax = axes[0, column]
        mesh = ax.tripcolor(Triangulation(x, y), means["mean"].to_numpy(), shading="gouraud", cmap="magma_r")
        ax.scatter(x, y, s=8, color="white", edgecolor="black", linewidth=0.4)
        figure.colorbar(mesh, ax=ax, shrink=0.8, label=f"{outcome} ({info.unit})")
        for (px, py), name in zip(((0, 0), (1, 0), (0.5, np.sqrt(3) / 2)), names, strict=True):
            ax.annotate(f"all on {LEVERS[name]}", (px, py), xytext=(0, -6 if py == 0 else 6),
                        textcoords="offset points", ha="center", va="top" if py == 0 else "bottom",
                        fontsize="small")
        ax.set_title(f"{outcome}: mean over seeds at each split", loc="left", fontsize="medium", pad=22)
        ax.set_xlim(-0.25, 1.25)
        ax.set_aspect("equal")
        ax.axis("off")
        ax = axes[1, column]
        for colour, name in enumerate(names):
            band = runs.groupby(runs[name] / BUDGET)[outcome].apply(analysis.mean_ci).apply(pd.Series)
            ax.plot(band.index, band[0], color=f"C{colour}", marker="o", markersize=3, label=LEVERS[name])
            ax.fill_between(band.index, band[1], band[2], color=f"C{colour}", alpha=0.2, linewidth=0)
        ax.set_xlabel(f"the lever's part of the {BUDGET:.0%} split between the three")
        ax.set_ylabel(f"{outcome} ({info.unit})")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize="small")
    figure.suptitle(title, fontsize="medium")
    with analysis.atomic_path(path) as temporary:
        figure.savefig(temporary, format="png", dpi=110)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a coarse grid, 2 seeds, 2 years, small world")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run of this script")
    args = parser.parse_args()
    divisions, seeds, steps, burn_in = (4, 2, 104, 26) if args.quick else (7, 6, 520, 104)
    out = OUT / ("sweep_enforcement_mix_quick" if args.quick else "sweep_enforcement_mix")
    if out.exists() and not args.resume:
        shutil.rmtree(out)
    result = run_sweep(scenarios=["baseline"], design=mix_points(divisions), seeds=seeds, steps=steps,
                       burn_in=burn_in, outcomes=[*OUTCOMES, "harm_index", "arrests"],
                       overrides=SMALL_WORLD if args.quick else None, out=out, resume=args.resume,
                       workers=args.workers)
    summary = summarise_sweep(out, figures=False)
    runs = pd.read_parquet(out / "summary.parquet")
    title = (f"Splitting {BUDGET:.0%} of a fixed police budget: weekly means over weeks {burn_in + 1}–{steps}, "
             f"{seeds} paired seeds per split, band 95% CI" + (" (quick: small world)" if args.quick else ""))
    figure = draw(summary.points, runs, out.with_suffix(".png"), title)
    table = summary.points.pivot_table(index=list(LEVERS), columns="outcome", values="mean")
    print(f"{result.total} runs ({result.ran} ran, {result.failed} failed) in {out}")
    for outcome in OUTCOMES:
        low, high = table[outcome].idxmin(), table[outcome].idxmax()
        print(f"{outcome}: lowest {table[outcome].min():.3g} at {split(low)}; highest {table[outcome].max():.3g} "
              f"at {split(high)}")
    print(f"Figure: {figure}")


if __name__ == "__main__":
    main()
