"""Silent drift guard: the default scenario must reproduce the stored key metrics."""

import pytest
from baseline_tools import KEY_METRICS, SEEDS, STEPS, compute, load


def test_baseline_matches_the_stored_key_metrics():
    stored = load()
    assert stored["steps"] == STEPS
    assert sorted(stored["seeds"]) == sorted(str(s) for s in SEEDS)
    current = compute()
    drift = [
        f"seed {seed} {name}: stored {stored['seeds'][seed][name]!r}, now {current[seed][name]!r}"
        for seed in current for name in KEY_METRICS
        if current[seed][name] != pytest.approx(stored["seeds"][seed][name], rel=1e-7, abs=1e-9)
    ]
    assert not drift, "model output drifted (run `make update-baseline` if intended):\n" + "\n".join(drift)
