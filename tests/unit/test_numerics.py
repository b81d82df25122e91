"""The numeric helpers that replace a plainer computation for speed give exactly what it gives."""

from __future__ import annotations

import numpy as np
import pytest

from marketsim.sim.common import sparse_binomial


@pytest.mark.parametrize("seed", range(50))
def test_a_sparse_binomial_draws_what_a_full_one_draws(seed):
    """Same numbers, and the generator left in the same state, for mostly-zero counts, scalar and
    per-element chances (0 and 1 included), and counts large enough for the other algorithm."""
    setup = np.random.default_rng(seed)
    size = int(setup.integers(1, 200))
    n = setup.integers(0, 50, size) * (setup.random(size) < 0.3)
    n[setup.random(size) < 0.05] = 100_000
    chances = [float(setup.random()), 0.0, 1.0, np.where(setup.random(size) < 0.2, 0.0, setup.random(size))]
    for p in chances:
        plain, sparse = np.random.default_rng(seed + 1000), np.random.default_rng(seed + 1000)
        np.testing.assert_array_equal(sparse_binomial(sparse, n, p), plain.binomial(n, p))
        assert sparse.bit_generator.state == plain.bit_generator.state
