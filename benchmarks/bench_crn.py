"""What common random numbers buy: narrower paired comparisons, and arms that move together.

For five key comparisons (each policy against the baseline on its headline outcome) the script
reports the width of the 95% confidence interval of the mean paired difference over 10 seeds, as a
share of the baseline's mean; and, for an arm whose lever changes almost nothing
(``harm.naloxone_coverage`` + 0.01), the correlation between the two arms' weekly series within a
seed (near 1 when the arms share their randomness, near 0 when they do not).

Run on demand: ``python benchmarks/bench_crn.py [--seeds 10] [--steps 520]``. Before/after:
``python benchmarks/bench_crn.py --against /tmp/old/src`` measures this tree and the marketsim under
``/tmp/old/src`` (e.g. ``git archive <commit> src | tar -x -C /tmp/old``) in the same session.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

COMPARISONS = (
    ("focused_deterrence", "homicide_rate"),
    ("zero_tolerance", "homicide_rate"),
    ("kingpin", "homicide_rate"),
    ("harm_reduction", "overdose_deaths"),
    ("alternatives_to_incarceration", "prison_rate"),
)
"""Each policy with the outcome its comparison is about (docs/validation.md)."""
NUDGE = ("harm.naloxone_coverage", 0.01)
"""A lever moved so little that, with shared randomness, both arms should follow one path."""
THIS_TREE = Path(__file__).resolve().parents[1] / "src"


def measure(seeds: int, steps: int, burn_in: int, workers: int) -> dict:
    """CI widths of the five comparisons and the nudged arm's correlations, in this interpreter's marketsim."""
    import numpy as np
    from scipy import stats

    import marketsim as ms

    scenarios = ["baseline", *(name for name, _ in COMPARISONS)]
    weeks = ms.run_batch(scenarios, seeds=seeds, steps=steps, workers=workers, progress=False)
    kept = weeks[weeks["step"] > burn_in]
    means = kept.groupby(["scenario", "seed"]).mean(numeric_only=True)
    widths = {}
    for name, outcome in COMPARISONS:
        difference = means.loc[name, outcome] - means.loc["baseline", outcome]
        half = stats.t.ppf(0.975, len(difference) - 1) * difference.std(ddof=1) / np.sqrt(len(difference))
        widths[f"{name}: {outcome}"] = float(2 * half / means.loc["baseline", outcome].mean())
    path, step = NUDGE
    default = ms.load_scenario("baseline").params.model_dump()
    group, field = path.split(".")
    nudged = ms.run_batch(["baseline"], seeds=seeds, steps=steps, workers=workers, progress=False,
                          overrides={path: default[group][field] + step})
    nudged = nudged[nudged["step"] > burn_in]
    correlations = {}
    for outcome in ("overdose_deaths", "homicides", "users"):
        per_seed = [np.corrcoef(kept[(kept.scenario == "baseline") & (kept.seed == seed)][outcome],
                                nudged[nudged.seed == seed][outcome])[0, 1] for seed in nudged.seed.unique()]
        correlations[outcome] = float(np.nanmean(per_seed))
    return {"ci_width_share_of_baseline": widths, "nudged_arm_weekly_correlation": correlations}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--steps", type=int, default=520)
    parser.add_argument("--burn-in", type=int, default=52)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--against", type=Path, help="another marketsim source tree, measured the same way")
    parser.add_argument("--json", action="store_true", help="print the measurement as JSON only")
    args = parser.parse_args()
    trees = {"this tree": THIS_TREE} if args.against is None else {"against": args.against, "this tree": THIS_TREE}
    results = {}
    for label, tree in trees.items():
        if tree == THIS_TREE and args.against is None:
            results[label] = measure(args.seeds, args.steps, args.burn_in, args.workers)
            continue
        command = [sys.executable, __file__, "--json", "--seeds", str(args.seeds), "--steps", str(args.steps),
                   "--burn-in", str(args.burn_in), "--workers", str(args.workers)]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        results[label] = json.loads(subprocess.run(command, env=env, check=True, capture_output=True,
                                                   text=True).stdout)
    if args.json:
        print(json.dumps(results["this tree"]))
        return
    labels = list(results)
    print(f"{args.seeds} paired seeds x {args.steps} weeks (burn-in {args.burn_in})")
    print("95% CI width of the paired difference, as a share of the baseline's mean:")
    for key in results[labels[0]]["ci_width_share_of_baseline"]:
        print(f"  {key:<45}" + "".join(f"{label}: {results[label]['ci_width_share_of_baseline'][key]:7.1%}   "
                                       for label in labels))
    print(f"Weekly correlation between baseline and {NUDGE[0]} + {NUDGE[1]}, mean over seeds:")
    for key in results[labels[0]]["nudged_arm_weekly_correlation"]:
        print(f"  {key:<45}" + "".join(f"{label}: {results[label]['nudged_arm_weekly_correlation'][key]:6.3f}   "
                                       for label in labels))


if __name__ == "__main__":
    main()
