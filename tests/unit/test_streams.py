"""The random streams are positioned exactly where ``PCG64.advance`` would put them, in any order of weeks."""
from __future__ import annotations

import numpy as np

from marketsim.sim.streams import WEEK_STRIDE, RandomStreams, leap, stable_key


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
