"""Memory per agent: does a model's memory grow linearly with its agents?

Builds the default scenario at several sizes (more farming households, more and larger
neighbourhoods, hence more users and dealers), each in a fresh process, runs it for some weeks, and
reports the agents, the peak resident memory above what the process held after its imports, and
the memory each further agent takes between one size and the next. Targets: a model of about
175,000 agents (the largest the declared bounds of the world allow) runs in under 1 GiB, and memory
is linear in agents (what a further agent takes between the two largest sizes is at most 1.5x what
it takes between the two smallest).
Run on demand: ``python benchmarks/bench_memory.py [--weeks 26]`` (about ten seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

TARGET_AGENTS = 175_000
TARGET_BYTES = 1 << 30
TARGET_GROWTH = 1.5
SIZES = (
    {"world.producers": 3_000},
    {"world.producers": 12_000, "world.neighbourhoods": 32, "world.neighbourhood_population": 300_000},
    {"world.producers": 40_000, "world.neighbourhoods": 64, "world.neighbourhood_population": 500_000},
    {"world.producers": 100_000, "world.neighbourhoods": 64, "world.neighbourhood_population": 2_000_000},
)
"""The sizes measured: parameter overrides of the default scenario, smallest (the default) first."""

MEASURE = """
import json, resource, sys
def resident():  # bytes resident now
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()
from marketsim.model import DrugMarketModel  # imports Mesa, pandas, SciPy, NetworkX
import marketsim.sim.policies, marketsim.outputs
before = resident()
model = DrugMarketModel("baseline", seed=1, overrides=json.loads(sys.argv[1]))
agents = len(model.agents)
model.run(int(sys.argv[2]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports kilobytes
print(json.dumps({"agents": agents, "bytes": peak - before}))
"""


def measure(overrides: dict[str, float], weeks: int) -> dict[str, int]:
    """Agents and peak memory above the imports of one model of this size, in a fresh process."""
    source = Path(__file__).resolve().parents[1] / "src"
    done = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(overrides), str(weeks)], capture_output=True,
                          text=True, check=True, env={**os.environ, "PYTHONPATH": str(source)})
    return json.loads(done.stdout.splitlines()[-1])


def marginal(smaller: dict[str, int], larger: dict[str, int]) -> float:
    """Bytes each further agent takes from one size to the next."""
    return (larger["bytes"] - smaller["bytes"]) / max(larger["agents"] - smaller["agents"], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=26, help="weeks each model runs before its peak is read")
    parser.add_argument("--sizes", type=int, default=len(SIZES), help="sizes measured, smallest first")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        raise SystemExit("bench_memory reads /proc and ru_maxrss in kilobytes: Linux only")
    rows = []
    for overrides in SIZES[:max(args.sizes, 2)]:
        found = measure(overrides, args.weeks)
        further = (f", {marginal(rows[-1], found) / 1024:5.2f} KiB per further agent" if rows else "")
        rows.append(found)
        print(f"{found['agents']:>9,} agents: {found['bytes'] / 2**20:8.1f} MiB above the imports{further}  "
              f"({overrides})", flush=True)
    largest = rows[-1]
    growth = marginal(rows[-2], rows[-1]) / marginal(rows[0], rows[1])
    within = largest["agents"] >= TARGET_AGENTS and largest["bytes"] < TARGET_BYTES
    print(f"largest model: {largest['agents']:,} agents in {largest['bytes'] / 2**30:.2f} GiB "
          f"(target ≥ {TARGET_AGENTS:,} agents under 1 GiB: {'met' if within else 'NOT met'})")
    print(f"memory per further agent, between the two largest sizes / between the two smallest: {growth:.2f}x "
          f"(target ≤ {TARGET_GROWTH}x: {'met' if growth <= TARGET_GROWTH else 'NOT met'})")


if __name__ == "__main__":
    main()
