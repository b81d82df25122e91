"""Compiled kernels are optional: with numba or without it, a run gives the same results."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from marketsim.sim.common import pairwise_sum

RUN = textwrap.dedent("""
    import hashlib, sys
    if sys.argv[1] == "without":
        class NoNumba:  # the import fails as it does where numba is not installed
            def find_spec(self, name, path=None, target=None):
                if name == "numba" or name.startswith("numba."):
                    raise ImportError("numba blocked for this test")
        sys.meta_path.insert(0, NoNumba())
    import marketsim as ms
    from marketsim.sim import common
    assert (common.numba is None) == (sys.argv[1] == "without")
    for preset in ("baseline", "kingpin", "harm_reduction"):
        model = ms.DrugMarketModel(preset, seed=3).run(40)
        for table in (model.metrics(), model.place_metrics(), model.events()):
            print(hashlib.sha256(table.to_csv(float_format="%.17g").encode()).hexdigest())
""")


@pytest.mark.parametrize("size", [*range(0, 140), 255, 256, 257, 1024, 4785, 100_001])
def test_pairwise_sum_is_numpys_sum(size):
    """Bit for bit, at every size where numpy's order changes (8, 128, each halving)."""
    rng = np.random.default_rng(size)
    values = rng.standard_normal(size) * rng.lognormal(0.0, 3.0, size)  # magnitudes that expose the order
    assert pairwise_sum(values) == values.sum()


def test_a_run_without_numba_gives_what_a_run_with_it_gives():
    """Three presets, 40 weeks: metrics, place metrics and events hash the same either way."""
    runs = {how: subprocess.run([sys.executable, "-c", RUN, how], capture_output=True, text=True, check=False)
            for how in ("with", "without")}
    for how, run in runs.items():
        assert run.returncode == 0, f"the run {how} numba failed:\n{run.stderr[-3000:]}"
    assert runs["with"].stdout.split() == runs["without"].stdout.split()
