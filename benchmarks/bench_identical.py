"""Does a change leave every result bit-identical? For work on speed, which must not move results.

Runs every preset scenario for two seeds with this tree's marketsim and with the one under
``--against`` (e.g. the commit before the change, unpacked with ``git archive <commit> | tar -x -C
/tmp/old``), each tree in a fresh process, and compares SHA-256 digests of the weekly metrics, the
place metrics and the event log. A change that draws one random number more, or sums floats in
another order, shows up as a difference. Exit status 1 when anything differs.
Run on demand: ``python benchmarks/bench_identical.py --against /tmp/old/src [--steps 156]``
(about 25 seconds per tree).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

THIS_TREE = Path(__file__).resolve().parents[1] / "src"
SEEDS = (1, 2)

DIGESTS = """
import hashlib, json, sys
import marketsim as ms
from marketsim.config.scenario import preset_names
def digest(table):
    return hashlib.sha256(table.to_csv(float_format="%.17g").encode()).hexdigest()[:16]
out = {}
for name in preset_names():
    for seed in json.loads(sys.argv[2]):
        model = ms.DrugMarketModel(name, seed=seed).run(int(sys.argv[1]))
        out[f"{name}, seed {seed}"] = {"metrics": digest(model.metrics()), "places": digest(model.place_metrics()),
                                       "events": digest(model.events())}
print(json.dumps(out))
"""


def digests(source: Path, steps: int) -> dict[str, dict[str, str]]:
    """Digests of every preset's tables (by preset and seed) with the marketsim under ``source``."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, "-c", DIGESTS, str(steps), json.dumps(SEEDS)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="the marketsim source directory to compare with")
    parser.add_argument("--steps", type=int, default=156, help="weeks per run (default 156)")
    args = parser.parse_args()
    if not (args.against / "marketsim").is_dir():
        raise SystemExit(f"--against {args.against}: no marketsim package there (give the src directory)")
    this, other = digests(THIS_TREE, args.steps), digests(args.against, args.steps)
    differ = {run: [table for table in found if other.get(run, {}).get(table) != found[table]]
              for run, found in this.items()}
    differ = {run: tables for run, tables in differ.items() if tables}
    missing = sorted(set(other) - set(this))
    for run, tables in differ.items():
        print(f"DIFFERENT  {run}: {', '.join(tables)}")
    for run in missing:
        print(f"MISSING    {run}: run by {args.against} only")
    same = len(this) - len(differ)
    print(f"{same} of {len(this)} runs ({len(SEEDS)} seeds × {len(this) // len(SEEDS)} presets, {args.steps} weeks) "
          f"identical in their weekly metrics, place metrics and events")
    sys.exit(1 if differ or missing else 0)


if __name__ == "__main__":
    main()
