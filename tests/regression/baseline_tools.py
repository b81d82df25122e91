"""The regression baseline: key summary metrics of the default scenario for a few seeds.

The stored file changes only through ``make update-baseline``, so any drift in the model's
output shows up as a failing test and, once accepted, as a visible diff of baseline.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import marketsim as ms

PATH = Path(__file__).with_name("baseline.json")
SEEDS = (1, 2, 3)
STEPS = 260
KEY_METRICS = (
    "homicide_rate", "violent_incidents", "overdose_deaths", "new_infections", "users", "consumption_kg",
    "production_kg", "farm_price", "wholesale_price", "retail_price", "arrests", "seizures_kg",
    "prison_population", "active_orgs", "market_hhi", "trust", "harm_index",
)


def compute() -> dict[str, dict[str, float]]:
    """Mean of each key metric over the run, per seed."""
    out = {}
    for seed in SEEDS:
        df = ms.run("baseline", seed=seed, steps=STEPS)
        out[str(seed)] = {name: round(float(df[name].mean()), 9) for name in KEY_METRICS}
    return out


def load() -> dict:
    """The stored baseline."""
    return json.loads(PATH.read_text())


def store(values: dict) -> None:
    """Write the baseline atomically."""
    document = {"scenario": "baseline", "steps": STEPS, "version": ms.__version__, "seeds": values}
    tmp = PATH.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    tmp.replace(PATH)
