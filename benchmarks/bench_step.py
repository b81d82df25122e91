"""Throughput of the default scenario against trivial Mesa models, measured in the same run.

Targets: the default scenario (~5,000 agents) runs 520 weeks in under 3 s on one
core, and marketsim's agent-steps per second are at least those of a Boltzmann-wealth model
of the same size. The reference is Mesa's own Boltzmann wealth example, imported unchanged
(agents move on a grid and give money to cellmates; the model collects a Gini coefficient each
step). For transparency the run also times a stripped variant with no space and no data
collection, which is the fastest a Mesa model can step its agents one by one.
It also times the construction of the default model in a fresh process, apart from the imports
before it (Mesa's own import brings pandas, SciPy and NetworkX). Targets: agent-steps at least 1.2x
the stripped model's, construction under 0.5 s.
Run on demand: ``python benchmarks/bench_step.py [--repeats 3]``.

Where the time goes: ``--stages`` adds the seconds each rule of the weekly step takes (each stage of
``marketsim.STAGES`` and each programme acting after one), median of the repeats, for this tree and,
with ``--against``, for the other one beside it, with this tree's speed-up on each.

What the size of the world does: ``--scaling`` times the default world and the largest of
``bench_memory.py`` (about 176,000 agents) and splits a week's cost into a part every week pays
whatever the size (the rules' calls) and a part per agent.

Before/after: ``python benchmarks/bench_step.py --against /tmp/old/src --repeats 5`` times the
default scenario with this tree's marketsim and with the one under ``/tmp/old/src`` (e.g. an
older commit unpacked with ``git archive <commit> | tar -x -C /tmp/old``), alternately, each run
in a fresh process, and reports the medians and their ratio: on a shared machine only times
taken in the same session, interleaved, compare.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import mesa
import numpy as np
from bench_memory import SIZES
from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

import marketsim as ms
from marketsim.sim.common import WEEKS_PER_YEAR

TARGET_SECONDS = 3.0
TARGET_RATIO = 1.0
TARGET_STRIPPED_RATIO = 1.2
TARGET_BUILD_SECONDS = 0.5
THIS_TREE = Path(__file__).resolve().parents[1] / "src"


class WealthAgent(mesa.Agent):
    """The stripped Boltzmann wealth agent: gives a coin to a random other agent, no space."""

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        if self.wealth > 0:
            other = self.random.choice(self.model.roster)
            other.wealth += 1
            self.wealth -= 1


class WealthModel(mesa.Model):
    """The trivial reference model: every agent steps once per step, in random order.

    Agents pick partners from a plain list: drawing from ``model.agents`` (an AgentSet) copies
    it on every draw and would make the reference model artificially slow.
    """

    def __init__(self, n: int, seed: int = 1):
        super().__init__(rng=seed)
        self.roster = list(WealthAgent.create_agents(self, n))

    def step(self) -> None:
        self.agents.shuffle_do("step")


def warm_up() -> None:
    """A year of another seed, not timed: the compiled kernels are compiled (the first run in a tree) or
    loaded from numba's cache at their first call, once in a process (``time_construction`` reports it).
    Loading them leaves many new objects, which Python's next full garbage collection walks, once (about
    0.1 s): it is done here, so the timing starts from a settled process in every tree compared."""
    ms.DrugMarketModel("baseline", seed=2).run(WEEKS_PER_YEAR)
    gc.collect()


def agents_now(model: ms.DrugMarketModel) -> int:
    """The model's agents, counted without making the dealers' agent views: those are made when someone
    looks (``model.agents``), which a run does not do, so counting through ``model.agents`` every week
    would time work a run never does. Older trees registered every agent as it was made."""
    views = getattr(model.dealers, "views", None)
    if views is None:
        return len(model.agents)
    return len(mesa.Model.agents.fget(model)) - len(views.made) + int(np.count_nonzero(model.dealers.active))


def time_marketsim(steps: int, overrides: dict[str, float] | None = None) -> tuple[float, int, float]:
    """Seconds for ``steps`` weeks of the default scenario (with ``overrides``), agent-steps done, and
    CPU seconds, after :func:`warm_up`."""
    warm_up()
    model = ms.DrugMarketModel("baseline", seed=1, overrides=overrides)
    agent_steps = 0
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        agent_steps += agents_now(model)
        model.step()
    return time.perf_counter() - start, agent_steps, time.process_time() - cpu


def time_stages(steps: int) -> dict[str, float]:
    """Seconds each rule of the weekly step takes over ``steps`` weeks of the default scenario, by
    rule (``Subsystem.rule``; a programme acting after a stage by its ``act``), after :func:`warm_up`."""
    warm_up()
    model = ms.DrugMarketModel("baseline", seed=1)
    seconds: dict[str, float] = {}

    def timed(rule: Callable[[], None]) -> Callable[[], None]:
        name = rule.__qualname__

        def run() -> None:
            start = time.perf_counter()
            rule()
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
        return run
    # the model's list of weekly rules, in STAGES order (private: a benchmark may look inside)
    model._rules = [timed(rule) for rule in model._rules]
    for _ in range(steps):
        model.step()
    return seconds


def in_fresh_process(source: Path, call: str) -> dict:
    """``call`` (an expression on this module, ``b``) evaluated in a fresh process that imports the
    marketsim found under ``source``; its JSON result."""
    code = (f"import json, sys; sys.path.insert(0, sys.argv[1]); import bench_step as b; "
            f"print(json.dumps({call}))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)],
                          env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def time_tree(source: Path, steps: int) -> dict[str, float]:
    """Wall and CPU seconds for ``steps`` weeks of the default scenario with the marketsim found
    under ``source``, in a fresh process; and the agent-steps done."""
    return in_fresh_process(source, f"dict(zip(('seconds', 'agent_steps', 'cpu_seconds'), b.time_marketsim({steps})))")


def compare_stages(trees: dict[str, Path], steps: int, repeats: int) -> None:
    """Print the seconds each rule of the step takes in each tree (median of ``repeats`` fresh
    processes, taken alternately), largest first, and with two trees the speed-up of the first over the
    second (the second's seconds over the first's)."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for _ in range(repeats):
        for name, source in trees.items():
            runs[name].append(in_fresh_process(source, f"b.time_stages({steps})"))
    medians = {name: {rule: statistics.median(r.get(rule, 0.0) for r in found) for rule in found[0]}
               for name, found in runs.items()}
    names = list(trees)
    rules = sorted({rule for found in medians.values() for rule in found}, key=lambda r: -medians[names[0]].get(r, 0))
    print(f"seconds per rule over {steps} weeks (median of {repeats}): " + ", ".join(
        f"{name} {trees[name]}" for name in names))
    for rule in rules:
        values = [medians[name].get(rule, 0.0) for name in names]
        ratio = f"  {values[1] / values[0]:.2f}x" if len(values) > 1 and values[0] > 0 else ""
        print(f"  {rule:40s} " + " ".join(f"{value:7.3f}" for value in values) + ratio)
    totals = [sum(medians[name].values()) for name in names]
    print(f"  {'all rules':40s} " + " ".join(f"{total:7.3f}" for total in totals)
          + (f"  {totals[1] / totals[0]:.2f}x" if len(totals) > 1 else ""))


def compare_trees(against: Path, steps: int, repeats: int) -> None:
    """Time this tree and ``against`` alternately, ``repeats`` runs each; print medians and ratios."""
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs: dict[str, list[dict[str, float]]] = {"this": [], "against": []}
    for _ in range(repeats):
        runs["against"].append(time_tree(against, steps))
        runs["this"].append(time_tree(THIS_TREE, steps))
    medians = {}
    for name, source in (("against", against), ("this", THIS_TREE)):
        seconds = [r["seconds"] for r in runs[name]]
        cpu = [r["cpu_seconds"] for r in runs[name]]
        medians[name] = statistics.median(seconds), statistics.median(cpu)
        rate = runs[name][0]["agent_steps"] / medians[name][0]
        print(f"{name:8s} {source}: {steps} weeks in {medians[name][0]:.2f} s wall (median of {repeats}; "
              f"{', '.join(f'{x:.2f}' for x in seconds)}), {medians[name][1]:.2f} s CPU; "
              f"{rate:,.0f} agent-steps/s")
    print(f"speed-up this / against: {medians['against'][0] / medians['this'][0]:.2f}x wall, "
          f"{medians['against'][1] / medians['this'][1]:.2f}x CPU")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def fixed_and_per_agent(weeks: int, repeats: int) -> None:
    """Print what a week costs whatever the world's size, and what each agent adds: from the smallest
    and the largest world of ``bench_memory.SIZES`` (the default, and about 176,000 agents), best of
    ``repeats``; and the agent-step throughput of the largest against the stripped wealth model."""
    timed = []
    for overrides in (SIZES[0], SIZES[-1]):
        seconds, agent_steps, _ = min((time_marketsim(weeks, overrides) for _ in range(repeats)), key=lambda r: r[0])
        timed.append((seconds / weeks, agent_steps // weeks))
    (small_week, small_agents), (large_week, large_agents) = timed
    per_agent = (large_week - small_week) / (large_agents - small_agents)
    fixed = small_week - per_agent * small_agents
    print(f"a week costs {fixed * 1000:.2f} ms whatever the size, plus {per_agent * 1e6:.3f} µs per agent "
          f"({weeks} weeks at {small_agents:,} and {large_agents:,} agents): the fixed part is "
          f"{fixed / small_week:.0%} of the default world's week")
    stripped = min((time_wealth(large_agents, 2) for _ in range(repeats)), key=lambda r: r[0])
    print(f"  at {large_agents:,} agents: {large_agents / large_week:,.0f} agent-steps/s, "
          f"{large_agents / large_week / (stripped[1] / stripped[0]):.2f}x the stripped wealth model's")


def time_construction(source: Path = THIS_TREE) -> dict[str, float]:
    """In a fresh process: seconds to import Mesa (with the pandas, SciPy and NetworkX it imports),
    then marketsim's model module, then to build the default model twice (the first build imports the
    subsystems it uses; the second is the cost of construction alone); then a year of each model: the
    first year also loads the compiled kernels, once in a process."""
    code = ("import json, sys, time; sys.path.insert(0, sys.argv[1]); t0 = time.perf_counter(); import mesa; "
            "t1 = time.perf_counter(); from marketsim.model import DrugMarketModel; t2 = time.perf_counter(); "
            "a = DrugMarketModel('baseline', seed=1); t3 = time.perf_counter(); "
            "b = DrugMarketModel('baseline', seed=2); t4 = time.perf_counter(); "
            "a.run(52); t5 = time.perf_counter(); b.run(52); t6 = time.perf_counter(); "
            "print(json.dumps({'mesa_import': t1 - t0, 'marketsim_import': t2 - t1, "
            "'first_build': t3 - t2, 'build': t4 - t3, 'first_year': t5 - t4, 'later_year': t6 - t5}))")
    done = subprocess.run([sys.executable, "-c", code, str(source)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def time_mesa_example(n_agents: int, steps: int) -> tuple[float, int]:
    """Seconds for ``steps`` steps of Mesa's Boltzmann wealth example, one agent per cell on average."""
    side = math.ceil(math.sqrt(n_agents))
    model = BoltzmannWealth(n=n_agents, width=side, height=side, seed=1)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - start, n_agents * steps


def time_wealth(n_agents: int, steps: int) -> tuple[float, int]:
    """Seconds for ``steps`` steps of the stripped wealth model with ``n_agents`` agents."""
    model = WealthModel(n_agents)
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - start, n_agents * steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (best counts; median with --against)")
    parser.add_argument("--steps", type=int, default=520, help="weeks of the default scenario")
    parser.add_argument("--against", type=Path, help="compare with the marketsim under this source directory")
    parser.add_argument("--stages", action="store_true", help="also time each rule of the weekly step")
    parser.add_argument("--scaling", action="store_true",
                        help="also split a week's cost into a fixed part and a part per agent (about 15 seconds)")
    args = parser.parse_args()
    if args.scaling:
        fixed_and_per_agent(26, args.repeats)
    if args.stages:
        trees = {"this": THIS_TREE, **({"against": args.against} if args.against is not None else {})}
        compare_stages(trees, args.steps, args.repeats)
    if args.against is not None:
        compare_trees(args.against, args.steps, args.repeats)
        return
    market = min((time_marketsim(args.steps) for _ in range(args.repeats)), key=lambda r: r[0])
    agents = market[1] // args.steps
    example = min((time_mesa_example(agents, 52) for _ in range(args.repeats)), key=lambda r: r[0])
    stripped = min((time_wealth(agents, 52) for _ in range(args.repeats)), key=lambda r: r[0])
    market_rate = market[1] / market[0]
    ratio = market_rate / (example[1] / example[0])
    print(f"marketsim default scenario: {args.steps} weeks, ~{agents} agents, {market[0]:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s: {'met' if market[0] < TARGET_SECONDS else 'NOT met'}); "
          f"{market[0] / args.steps * 1000:.2f} ms per week")
    print(f"marketsim agent-steps/s: {market_rate:,.0f}")
    print(f"Mesa {mesa.__version__} Boltzmann wealth example, {agents} agents: "
          f"{example[1] / example[0]:,.0f} agent-steps/s")
    print(f"  ratio marketsim / Mesa example: {ratio:.2f}x "
          f"(target ≥ {TARGET_RATIO:.1f}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    stripped_ratio = market_rate / (stripped[1] / stripped[0])
    print(f"stripped wealth model (no space, no data collection): {stripped[1] / stripped[0]:,.0f} agent-steps/s; "
          f"ratio {stripped_ratio:.2f}x (target ≥ {TARGET_STRIPPED_RATIO:.1f}x: "
          f"{'met' if stripped_ratio >= TARGET_STRIPPED_RATIO else 'NOT met'})")
    built = min((time_construction() for _ in range(args.repeats)), key=lambda r: r["build"])
    print(f"construction of the default model: {built['build']:.3f} s (target < {TARGET_BUILD_SECONDS} s: "
          f"{'met' if built['build'] < TARGET_BUILD_SECONDS else 'NOT met'}); the first in a process "
          f"{built['first_build']:.3f} s (it imports the subsystems); imports before it: Mesa "
          f"{built['mesa_import']:.2f} s (with pandas, SciPy and NetworkX), marketsim.model "
          f"{built['marketsim_import']:.2f} s")
    print(f"a process's first year: {built['first_year']:.2f} s against {built['later_year']:.2f} s for a later "
          f"one (the first loads the compiled kernels from numba's cache, or compiles them in a fresh tree)")


if __name__ == "__main__":
    main()
