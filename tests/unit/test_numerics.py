"""The numeric helpers that replace a plainer computation for speed give exactly what it gives."""

from __future__ import annotations

import numpy as np
import pytest

from marketsim.sim.common import once_per_value
from marketsim.sim.justice import FOLLOW_UP, Cohorts


@pytest.mark.parametrize("seed", range(50))
def test_a_binomial_drawn_only_where_there_are_trials_draws_what_a_full_one_draws(seed):
    """What the rules that draw only for positive counts rely on (justice's re-offending cohorts, for
    one): a draw of 0 trials uses no random numbers. Same numbers, and the generator left in the
    same state, for mostly-zero counts, scalar and per-element chances (0 and 1 included), and counts
    large enough for the other algorithm."""
    setup = np.random.default_rng(seed)
    size = int(setup.integers(1, 200))
    n = setup.integers(0, 50, size) * (setup.random(size) < 0.3)
    n[setup.random(size) < 0.05] = 100_000
    chances = [float(setup.random()), 0.0, 1.0, np.where(setup.random(size) < 0.2, 0.0, setup.random(size))]
    for p in chances:
        plain, sparse = np.random.default_rng(seed + 1000), np.random.default_rng(seed + 1000)
        drawn, some = np.zeros_like(n), (n > 0).nonzero()[0]
        drawn[some] = sparse.binomial(n[some], p[some] if isinstance(p, np.ndarray) else p)
        np.testing.assert_array_equal(drawn, plain.binomial(n, p))
        assert sparse.bit_generator.state == plain.bit_generator.state


class Scaled:
    """A method kept per value, counting how often it really computes."""

    def __init__(self, base: float):
        self.base, self.computed = base, 0

    @once_per_value
    def times(self, factor: float) -> float:
        self.computed += 1
        return self.base * factor


def test_a_value_kept_per_parameter_value_is_computed_again_only_when_the_value_changes():
    one, other = Scaled(2.0), Scaled(3.0)
    assert [one.times(f) for f in (1.5, 1.5, 4.0, 4.0, 1.5)] == [3.0, 3.0, 8.0, 8.0, 3.0]
    assert one.computed == 3
    assert other.times(1.5) == 4.5 and other.computed == 1  # each object keeps its own
    one.times(float("nan"))
    one.times(float("nan"))
    assert one.computed == 5  # a NaN is never equal to itself: computed each time, never a stale result


def test_cohorts_age_as_a_plain_shift_of_their_counts_would_across_the_buffers_copies():
    """Follow-up cohorts move a window along a buffer instead of copying their counts each week: over
    two and a half follow-ups (two copies of the buffer), with re-arrests between weeks, they hold and
    return what shifting one array of counts every week gives."""
    rng = np.random.default_rng(5)
    cohorts, plain = Cohorts(), np.zeros((4, FOLLOW_UP))
    cohorts.settle(3.0, np.linspace(1.0, 0.2, FOLLOW_UP))
    plain[0], plain[1] = 3.0, 3.0 * np.linspace(1.0, 0.2, FOLLOW_UP)
    for _ in range(5 * FOLLOW_UP // 2):
        back = np.floor(rng.random(FOLLOW_UP) * 2)
        jailed = np.floor(back * rng.random(FOLLOW_UP))
        cohorts.reoffend(back, np.flatnonzero(jailed), jailed[jailed > 0])
        np.maximum(plain[1] - back, 0, out=plain[1])
        plain[2] += back
        plain[3] += jailed
        arrivals = float(rng.integers(0, 9))
        ended = cohorts.age(arrivals)
        assert (ended.started, ended.rearrested, ended.imprisoned) == tuple(plain[[0, 2, 3], -1].tolist())
        plain[:, 1:] = plain[:, :-1].copy()
        plain[:, 0] = (arrivals, arrivals, 0.0, 0.0)
        np.testing.assert_array_equal(cohorts.counts, plain)
