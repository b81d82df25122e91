"""marketsim: an agent-based simulation of illicit drug markets for comparing drug policies
on violence and harm.

    import marketsim as ms
    scn = ms.load_scenario("baseline")
    model = ms.DrugMarketModel(scn, seed=1)
    model.run(520)
    df = model.metrics()
    df = ms.run("baseline", seed=1, steps=520)   # the same in one call
    ms.sweep("spec.toml", out="out/sweep")         # parameter sweeps (needs the sweep extra)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from marketsim.config.errors import ScenarioError
from marketsim.config.params import Params, ParamSpec, parameter_specs
from marketsim.config.scenario import Scenario, list_scenarios, load_scenario
from marketsim.model import STAGES, DrugMarketModel
from marketsim.outputs import METRICS, Metric
from marketsim.sweep import summarize_sweep, sweep  # the function shadows the submodule's name on purpose

__version__ = "0.1.0"


def run(scenario: Scenario | str | Path = "baseline", seed: int = 1, steps: int = 520,
        overrides: Mapping[str, Any] | None = None,
        progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Run one scenario for ``steps`` weeks and return its metrics (one row per week)."""
    resolved = load_scenario(scenario, overrides)
    return DrugMarketModel(resolved, seed=seed).run(steps, progress=progress).metrics()


__all__ = [
    "METRICS",
    "STAGES",
    "DrugMarketModel",
    "Metric",
    "ParamSpec",
    "Params",
    "Scenario",
    "ScenarioError",
    "__version__",
    "list_scenarios",
    "load_scenario",
    "parameter_specs",
    "run",
    "summarize_sweep",
    "sweep",
]
