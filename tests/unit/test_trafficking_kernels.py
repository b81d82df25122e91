"""Trafficking's compiled kernels rest on two facts about numpy's order, checked here bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from marketsim.sim.trafficking import _column_sums


@pytest.mark.parametrize("columns", [1, 2, 3, 7, 9])
@pytest.mark.parametrize("rows", [0, 1, 7, 8, 9, 22, 128, 129, 300])
def test_column_sums_are_numpys_axis_0_sums(rows, columns):
    """Rows added in order, but a single column summed pairwise (the orders differ from 8 rows on)."""
    rng = np.random.default_rng(rows * 10 + columns)
    matrix = rng.standard_normal((rows + 3, columns)) * rng.lognormal(0.0, 3.0, (rows + 3, columns))
    for start, stop in ((0, rows), (2, rows + 2), (3, 3 + rows // 2)):
        np.testing.assert_array_equal(_column_sums(matrix, start, stop), matrix[start:stop].sum(axis=0))


def test_one_multinomial_over_front_padded_rows_draws_what_a_draw_per_row_draws():
    """place_catches splits every catch over its path's segments in one draw: a shorter path's shares
    are padded with zeros in front, which take no lots and no random numbers."""
    rng = np.random.default_rng(7)
    lots = rng.integers(1, 60, 40)
    lengths = rng.integers(1, 6, 40)
    width = int(lengths.max())
    padded = np.zeros((40, width))
    rows = []
    for i, length in enumerate(lengths.tolist()):
        weights = rng.random(length)
        shares = weights / weights.sum()
        padded[i, width - length:] = shares
        rows.append(shares)
    one_by_one = np.random.Generator(np.random.PCG64(11))
    expected = [one_by_one.multinomial(n, shares) for n, shares in zip(lots.tolist(), rows, strict=True)]
    at_once = np.random.Generator(np.random.PCG64(11))
    drawn = at_once.multinomial(lots, padded)
    for i, length in enumerate(lengths.tolist()):
        assert (drawn[i, :width - length] == 0).all()
        np.testing.assert_array_equal(drawn[i, width - length:], expected[i])
    assert at_once.bit_generator.state == one_by_one.bit_generator.state  # the same count of numbers taken
