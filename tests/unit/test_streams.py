"""The random streams are positioned exactly where ``PCG64.advance`` would put them, in any order of weeks."""
from __future__ import annotations

import numpy as np

from marketsim.sim.streams import WEEK_STRIDE, RandomStreams, stable_key


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
