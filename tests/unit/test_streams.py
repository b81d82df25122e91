"""The random streams are positioned exactly where ``PCG64.advance`` would put them, in any order of weeks."""
from __future__ import annotations

import numpy as np
import pytest

from marketsim.sim.common import COMPILING
from marketsim.sim.streams import (
    WEEK_STRIDE,
    RandomStreams,
    StreamGenerator,
    leap,
    next_double,
    stable_key,
    state_words,
)


def advanced(seed: int, name: str, week: int) -> np.random.Generator:
    """The stream ``name`` at the start of ``week`` the slow way: from its start, advanced by numpy."""
    bits = np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(stable_key(name),)))
    bits.advance(week * WEEK_STRIDE)
    return np.random.Generator(bits)


def test_a_stream_starts_each_week_where_numpy_advances_it_forward_backward_or_skipping():
    streams = RandomStreams(seed=11)
    for week in (0, 1, 2, 5, 4, 4, 0, 700, 701):
        streams.start_week(week)
        drawn = streams.family("violence").disputes.random(3)
        assert np.array_equal(drawn, advanced(11, "violence.disputes", week).random(3)), week


def test_a_stream_used_twice_in_one_week_starts_the_week_again():
    streams = RandomStreams(seed=3)
    streams.start_week(9)
    def draw():  # an odd count of 32-bit draws leaves half a 64-bit word cached in the bit generator
        return streams.generator("retail.moves").integers(0, 1000, size=3, dtype=np.int32)
    first = draw()
    assert np.array_equal(draw(), first)


def test_streams_of_other_names_and_seeds_differ():
    draws = {(seed, name): RandomStreams(seed).generator(name).random()
             for seed in (1, 2) for name in ("harm.overdoses", "harm.infections")}
    assert len(set(draws.values())) == 4


def test_leap_jumps_as_numpy_advances():
    """Brown's jump ahead gives the state ``PCG64.advance`` gives, for small, odd and huge jumps."""
    for steps in (0, 1, 2, 3, 1000, 12_345_678_901, WEEK_STRIDE, 37 * WEEK_STRIDE + 5, (1 << 128) - 1):
        bits = np.random.PCG64(steps % 1000)
        start = bits.state["state"]
        a, c = leap(steps)
        bits.advance(steps)
        assert bits.state["state"]["state"] == (a * start["state"] + c * start["inc"]) % (1 << 128), steps


def test_a_stream_positioned_through_its_state_gives_the_same_numbers():
    """The path for bit generators whose memory is not laid out as checked (``state_words`` None)."""
    fast, slow = RandomStreams(seed=5), RandomStreams(seed=5)
    for week in (0, 3, 2, 800):
        drawn = []
        for streams in (fast, slow):
            streams.start_week(week)
            generator = streams.generator("harm.overdoses")
            if streams is slow:
                streams._streams["harm.overdoses"].words = None
                generator = streams.generator("harm.overdoses")
            drawn.append(generator.random(4))
        assert np.array_equal(*drawn), week


def same_state(seed: int) -> tuple[StreamGenerator, np.random.Generator]:
    ours = RandomStreams(seed).family("test").draws
    if COMPILING:
        assert ours.state_words is not None  # the compiled loops are the path under test
    theirs = np.random.Generator(np.random.PCG64())
    theirs.bit_generator.state = ours.bit_generator.state
    return ours, theirs


def test_next_double_is_numpys():
    ours, theirs = same_state(1)
    words = state_words(ours.bit_generator)[0]
    with np.errstate(over="ignore"):  # run as Python (no numba), its 64-bit products wrap as intended
        drawn = [next_double(words) for _ in range(2_000)]
    assert drawn == theirs.random(2_000).tolist()
    assert ours.random() == theirs.random()


def test_binomial_draws_over_arrays_are_numpys_and_leave_the_stream_where_numpy_does():
    """Every branch: no trials, p 0 or 1, p above one half, and n × p above 30 (numpy's BTPE, handed back)."""
    ours, theirs = same_state(2)
    cases = np.random.default_rng(0)
    for _ in range(400):
        size = int(cases.integers(1, 60))
        n = cases.integers(0, 10 ** int(cases.integers(1, 6)), size)
        p = cases.random(size) ** int(cases.integers(1, 6))
        p[cases.random(size) < 0.15] = 0.0
        p[cases.random(size) < 0.05] = 1.0
        assert np.array_equal(ours.binomial(n, p), theirs.binomial(n, p))
        assert np.array_equal(ours.binomial(n, float(p[0])), theirs.binomial(n, float(p[0])))
    assert np.array_equal(ours.binomial(np.array([7, 0, 3]), 1), theirs.binomial(np.array([7, 0, 3]), 1))
    assert ours.random() == theirs.random()


def test_poisson_draws_over_arrays_are_numpys_and_leave_the_stream_where_numpy_does():
    """Means of 0, small ones (numpy multiplies uniforms) and 10 or more (numpy's PTRS, handed back)."""
    ours, theirs = same_state(3)
    cases = np.random.default_rng(1)
    for _ in range(400):
        size = int(cases.integers(1, 60))
        lam = cases.random(size) * 10.0 ** int(cases.integers(-2, 4))
        lam[cases.random(size) < 0.15] = 0.0
        assert np.array_equal(ours.poisson(lam), theirs.poisson(lam))
    assert ours.random() == theirs.random()


def test_generators_spawned_from_a_stream_draw_with_numpy():
    child = RandomStreams(6).family("test").draws.spawn(1)[0]
    assert child.state_words is None
    numpys_child = np.random.Generator(np.random.PCG64())
    numpys_child.bit_generator.state = child.bit_generator.state
    assert np.array_equal(child.binomial(np.arange(5), 0.5), numpys_child.binomial(np.arange(5), 0.5))


def test_other_arguments_take_numpys_path_with_the_same_numbers():
    ours, theirs = same_state(4)
    arguments = ((np.arange(6, dtype=np.int32), 0.3), (np.ones((2, 3), np.int64), 0.5), (5, np.full(3, 0.2)),
                 (np.arange(4), np.full(4, 0.5, np.float32)), (np.arange(4), np.full((2, 4), 0.5)))
    for n, p in arguments:
        assert np.array_equal(ours.binomial(n, p), theirs.binomial(n, p))
    shaped = np.arange(3), 0.5, (2, 3)
    assert np.array_equal(ours.binomial(*shaped), theirs.binomial(*shaped))
    assert np.array_equal(ours.poisson(np.ones((2, 2))), theirs.poisson(np.ones((2, 2))))
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("draw", [
    lambda g: g.binomial(np.array([3, -1]), 0.5),
    lambda g: g.binomial(np.array([3, 4]), np.array([0.5, 1.5])),
    lambda g: g.binomial(np.array([3, 4]), np.array([0.5, np.nan])),
    lambda g: g.binomial(np.array([3, 4]), np.array([-0.5, 0.5])),
    lambda g: g.poisson(np.array([1.0, -0.5])),
    lambda g: g.poisson(np.array([1.0, np.nan])),
    lambda g: g.poisson(np.array([1.0, 1e300])),
], ids=["n<0", "p>1", "p NaN", "p<0", "lam<0", "lam NaN", "lam huge"])
def test_bad_arguments_fail_with_numpys_error_before_any_draw(draw):
    ours, theirs = same_state(5)
    with pytest.raises(ValueError) as numpys:
        draw(theirs)
    with pytest.raises(ValueError) as raised:
        draw(ours)
    assert str(raised.value) == str(numpys.value)
    assert ours.random() == theirs.random()
