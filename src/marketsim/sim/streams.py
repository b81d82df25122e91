"""Common random numbers: one random stream per kind of decision, re-positioned every week.

With a single generator, any draw a policy adds or removes (a binomial with another probability
consumes another count of numbers) shifts every later draw of every subsystem, so two arms of a
"paired" comparison share a seed but not their randomness. Here each decision draws from its own
stream, derived from the run's seed and the decision's stable name (``"violence.disputes"``), and
each stream starts week ``w`` at a fixed position of its own sequence. A policy that changes how many
numbers one decision draws in one week therefore moves nothing else: not the other decisions, and not
that decision in later weeks. This is Starsim's design (``starsim/distributions.py``): paired arms
share their randomness, so a comparison needs fewer seeds.

Usage: a subsystem takes a family of streams named after it, and names each decision as it draws::

    self.draws = model.streams.family("violence")
    ...
    disputes = self.draws.disputes.poisson(rate)

Draws over a table's rows are best taken for every slot and indexed, ``rng.arrests.random(n_slots)[slots]``,
so that the same row gets the same number in both arms even when the set of rows differs.
"""

from __future__ import annotations

import ctypes
import hashlib

import numpy as np

WEEK_STRIDE = 1 << 64
"""Numbers each stream has room for in one week: week ``w`` starts ``w × WEEK_STRIDE`` draws into the
stream's sequence (PCG64's period is 2**128, so 2**64 weeks of 2**64 draws each)."""
MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
"""PCG64's multiplier: a draw moves the state s to s × MULTIPLIER + increment (mod 2**128)."""
STATE_BITS = (1 << 128) - 1


def leap(steps: int, multiplier: int = MULTIPLIER, added: int = 1) -> tuple[int, int]:
    """(a, c) such that ``steps`` applications of s → s × multiplier + added × increment take a state s to
    a × s + c × increment (mod 2**128): Brown's jump ahead, as ``PCG64.advance`` computes it."""
    a, c = 1, 0
    while steps:
        if steps & 1:
            a, c = a * multiplier & STATE_BITS, (c * multiplier + added) & STATE_BITS
        added = added * (multiplier + 1) & STATE_BITS
        multiplier = multiplier * multiplier & STATE_BITS
        steps >>= 1
    return a, c


WEEK_LEAP = leap(WEEK_STRIDE)
"""The jump of one week's stride, from which a week's start is leapt in a few steps."""


def state_words(bits: np.random.PCG64) -> tuple[np.ndarray, np.ndarray] | None:
    """The bit generator's 128-bit state as two 64-bit words (low, high) and its flag of a cached half
    word, as numpy arrays over its memory (``PCG64.ctypes``): writing them positions it without
    building a state dict and advancing, a third of the cost. None where the memory is not laid out
    as checked here (the stream is then positioned through ``PCG64.state``)."""
    address = bits.ctypes.state_address
    pcg = ctypes.cast(address, ctypes.POINTER(ctypes.c_void_p))[0]  # struct {pcg64_random_t *, int, uint32}
    words = np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(pcg))  # state, increment: low, high
    flag = np.ctypeslib.as_array((ctypes.c_int32 * 1).from_address(address + ctypes.sizeof(ctypes.c_void_p)))
    state = bits.state
    expected = state["state"]["state"], state["state"]["inc"]
    if (int(words[0]) | int(words[1]) << 64, int(words[2]) | int(words[3]) << 64) != expected:
        return None
    return words, flag


def stable_key(name: str) -> int:
    """A 64-bit integer from a stream's name, the same in every process and Python version (unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class RandomStreams:
    """Every random stream of one run, spawned from its seed by stable names (``SeedSequence`` spawn keys),
    so adding a stream does not move the others."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self.week = 0
        self._families: dict[str, StreamFamily] = {}
        self._streams: dict[str, Stream] = {}
        self.week_leap = (1, 0)  # leap(week, *WEEK_LEAP): where each stream starts the current week

    def family(self, name: str) -> StreamFamily:
        """The streams of one subsystem (or one world-building step), created on first use."""
        if name not in self._families:
            self._families[name] = StreamFamily(self, name)
        return self._families[name]

    def generator(self, name: str) -> np.random.Generator:
        """The generator of the stream ``name``, positioned at the start of the current week."""
        stream = self.stream(name)
        stream.position(self.week, self.week_leap)
        return stream.generator

    def stream(self, name: str) -> Stream:
        """The stream ``name``, made on first use (wherever it was last left)."""
        stream = self._streams.get(name)
        if stream is None:
            stream = self._streams[name] = Stream(np.random.PCG64(
                np.random.SeedSequence(entropy=self.seed, spawn_key=(stable_key(name),))))
        return stream

    def start_week(self, week: int) -> None:
        """Position every stream at the start of ``week`` (each is re-positioned when it is next used)."""
        self.week = int(week)
        self.week_leap = leap(self.week, *WEEK_LEAP)
        for family in self._families.values():
            family.__dict__.clear()


class Stream:
    """One random stream: its generator, and where its sequence starts."""

    __slots__ = ("bits", "generator", "increment", "start", "start_state", "words")

    def __init__(self, bits: np.random.PCG64):
        self.bits, self.generator = bits, np.random.Generator(bits)
        self.start = bits.state
        self.start_state, self.increment = self.start["state"]["state"], self.start["state"]["inc"]
        self.words = state_words(bits)

    def position(self, week: int, week_leap: tuple[int, int]) -> None:
        """Put the stream at the start of ``week`` (``week_leap``: :func:`leap` of its draws)."""
        if self.words is None:
            self.bits.state = self.start
            if week:
                self.bits.advance(week * WEEK_STRIDE)
            return
        a, c = week_leap
        state = (a * self.start_state + c * self.increment) & STATE_BITS
        words, flag = self.words
        words[0], words[1], flag[0] = state & 0xFFFFFFFFFFFFFFFF, state >> 64, 0


class StreamFamily:
    """The streams of one subsystem: ``family.decision`` is the generator of ``"<family>.<decision>"``,
    made on first use in a week and kept for the rest of that week."""

    __slots__ = ("__dict__", "_members", "_name", "_streams")

    def __init__(self, streams: RandomStreams, name: str):
        object.__setattr__(self, "_streams", streams)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_members", {})  # decision -> its stream

    def __getattr__(self, decision: str) -> np.random.Generator:
        if decision[0] == "_":
            raise AttributeError(decision)
        stream = self._members.get(decision)
        if stream is None:
            stream = self._members[decision] = self._streams.stream(self._name + "." + decision)
        stream.position(self._streams.week, self._streams.week_leap)
        self.__dict__[decision] = stream.generator
        return stream.generator
