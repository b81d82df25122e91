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
import math

import numpy as np

from marketsim.sim.common import COMPILING, compiled

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
    building a state dict and advancing, about a quarter of the cost. None where the memory is not laid out
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
        """Position every stream made so far at the start of ``week``. All of them, used this week or not:
        positioning one costs about 0.2 µs, and a family's generators then stay plain attributes instead of
        being looked up again through :meth:`StreamFamily.__getattr__` (about 0.9 µs) every week."""
        self.week = int(week)
        self.week_leap = leap(self.week, *WEEK_LEAP)
        for stream in self._streams.values():
            stream.position(self.week, self.week_leap)


class Stream:
    """One random stream: its generator, and where its sequence starts."""

    __slots__ = ("bits", "generator", "increment", "start", "start_state", "words")

    def __init__(self, bits: np.random.PCG64):
        self.bits, self.generator = bits, StreamGenerator(bits)
        self.start = bits.state
        self.start_state, self.increment = self.start["state"]["state"], self.start["state"]["inc"]
        self.words = state_words(bits)
        self.generator.state_words = self.words[0] if COMPILING and self.words is not None else None

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


class StreamGenerator(np.random.Generator):
    """numpy's generator, with binomial and Poisson draws over an array taken by compiled loops on the
    bit generator's own state (:func:`binomials_from`, :func:`poissons_from`): the same numbers, without
    the 4–5 µs numpy spends checking and broadcasting the arguments of each call (30 such calls a week
    in the default scenario). Every other draw, and every draw the loops hand back, is numpy's."""

    state_words: np.ndarray | None = None
    """The bit generator's state words (:func:`state_words`), where the compiled loops may draw on them;
    None (numpy draws) where numba is not compiling, where the memory layout is not the one checked, and
    in generators made from this one (``spawn``)."""

    def binomial(self, n: int | np.ndarray, p: float | np.ndarray,
                 size: int | tuple[int, ...] | None = None) -> int | np.ndarray:
        """``Generator.binomial``; one-dimensional int64 ``n`` with float ``p`` (scalar or alike array)
        go through the compiled loop, and each draw it hands back (BTPE: min(p, 1 − p) × n > 30) to numpy."""
        words = self.state_words
        if (words is None or size is not None or type(n) is not np.ndarray or n.dtype != np.int64
                or n.ndim != 1):
            return super().binomial(n, p, size)
        if type(p) is np.ndarray:
            if p.dtype != np.float64 or p.shape != n.shape:
                return super().binomial(n, p, size)
        elif isinstance(p, float | int):
            p = np.full(n.size, p, dtype=np.float64)
        else:
            return super().binomial(n, p, size)
        drawn = np.empty(n.size, np.int64)
        at = binomials_from(words, n, p, drawn, 0)
        if at < 0:  # an n below 0 or a p outside [0, 1]: numpy's own error, before any draw
            return super().binomial(n, p)
        while at < n.size:
            drawn[at] = super().binomial(n[at], p[at])
            at = binomials_from(words, n, p, drawn, at + 1)
        return drawn

    def poisson(self, lam: float | np.ndarray = 1.0,
                size: int | tuple[int, ...] | None = None) -> int | np.ndarray:
        """``Generator.poisson``; a one-dimensional float ``lam`` goes through the compiled loop, and each
        draw it hands back (``lam`` ≥ 10: numpy's PTRS) to numpy."""
        words = self.state_words
        if (words is None or size is not None or type(lam) is not np.ndarray or lam.dtype != np.float64
                or lam.ndim != 1):
            return super().poisson(lam, size)
        drawn = np.empty(lam.size, np.int64)
        at = poissons_from(words, lam, drawn, 0)
        if at < 0:  # a lam below 0, NaN or too large: numpy's own error, before any draw
            return super().poisson(lam)
        while at < lam.size:
            drawn[at] = super().poisson(lam[at])
            at = poissons_from(words, lam, drawn, at + 1)
        return drawn


_LOW_HALF, _HALF = np.uint64(0xFFFFFFFF), np.uint64(32)
_MULTIPLIER_HIGH, _MULTIPLIER_LOW = np.uint64(MULTIPLIER >> 64), np.uint64(MULTIPLIER & 0xFFFFFFFFFFFFFFFF)
_ROTATION_SHIFT, _ROTATION_MASK, _DOUBLE_SHIFT = np.uint64(58), np.uint64(63), np.uint64(11)
_UNIT_CARRY, _NO_CARRY = np.uint64(1), np.uint64(0)
POISSON_MEAN_MAX = float(np.iinfo(np.int64).max - np.sqrt(np.iinfo(np.int64).max) * 10)
"""The largest mean numpy's ``Generator.poisson`` accepts (its ``POISSON_LAM_MAX``)."""
DOUBLE_UNIT = 1.0 / 9007199254740992.0
"""2**-53: a double in [0, 1) from the top 53 bits of a 64-bit draw, as numpy's ``next_double``."""


@compiled
def next_double(words: np.ndarray) -> float:
    """numpy's PCG64 ``next_double`` on the bit generator's state words (low, high, increment low,
    high): step the 128-bit state (s → s × multiplier + increment), output its XSL-RR 64 bits."""
    low, high = words[0], words[1]
    low_0, low_1 = low & _LOW_HALF, low >> _HALF
    mult_0, mult_1 = _MULTIPLIER_LOW & _LOW_HALF, _MULTIPLIER_LOW >> _HALF
    p00, p01, p10 = low_0 * mult_0, low_0 * mult_1, low_1 * mult_0
    middle = (p00 >> _HALF) + (p01 & _LOW_HALF) + (p10 & _LOW_HALF)
    new_low = (middle << _HALF) | (p00 & _LOW_HALF)
    new_high = (low_1 * mult_1 + (p01 >> _HALF) + (p10 >> _HALF) + (middle >> _HALF)
                + low * _MULTIPLIER_HIGH + high * _MULTIPLIER_LOW)
    new_low += words[2]
    new_high += words[3] + (_UNIT_CARRY if new_low < words[2] else _NO_CARRY)
    words[0], words[1] = new_low, new_high
    rotation = new_high >> _ROTATION_SHIFT
    folded = new_high ^ new_low
    if rotation:
        folded = (folded >> rotation) | (folded << ((-rotation) & _ROTATION_MASK))
    return float(folded >> _DOUBLE_SHIFT) * DOUBLE_UNIT


@compiled
def binomial_inversion(words: np.ndarray, n: int, p: float) -> int:
    """numpy's ``random_binomial_inversion`` (p ≤ 0.5 and n × p ≤ 30), operation for operation."""
    q = 1.0 - p
    q_n = math.exp(n * math.log(q))
    mean = n * p
    bound = int(min(n, mean + 10.0 * math.sqrt(mean * q + 1)))
    drawn = 0
    chance = q_n
    u = next_double(words)
    while u > chance:
        drawn += 1
        if drawn > bound:
            drawn = 0
            chance = q_n
            u = next_double(words)
        else:
            u -= chance
            chance = ((n - drawn + 1) * p * chance) / (drawn * q)
    return drawn


@compiled
def binomials_from(words: np.ndarray, n: np.ndarray, p: np.ndarray, drawn: np.ndarray, start: int) -> int:
    """Draw ``drawn[i] ~ Binomial(n[i], p[i])`` from ``start`` on, as numpy's ``random_binomial`` does,
    until a draw numpy takes by BTPE (returns its index; ``n.size`` when all are drawn). With ``start``
    0 the arguments are checked first, as numpy checks them: -1 where an n is below 0 or a p is
    outside [0, 1] or NaN, and nothing drawn."""
    if start == 0:
        for i in range(n.size):
            if n[i] < 0 or not (p[i] >= 0.0 and p[i] <= 1.0):
                return -1
    for i in range(start, n.size):
        trials, chance = n[i], p[i]
        if trials == 0 or chance == 0.0:
            drawn[i] = 0
        elif chance <= 0.5:
            if chance * trials > 30.0:
                return i
            drawn[i] = binomial_inversion(words, trials, chance)
        else:
            q = 1.0 - chance
            if q * trials > 30.0:
                return i
            drawn[i] = trials - binomial_inversion(words, trials, q)
    return n.size


@compiled
def poissons_from(words: np.ndarray, lam: np.ndarray, drawn: np.ndarray, start: int) -> int:
    """Draw ``drawn[i] ~ Poisson(lam[i])`` from ``start`` on by numpy's ``random_poisson_mult``
    (multiply uniforms until the product falls to exp(−lam)), until a draw numpy takes by PTRS
    (``lam`` ≥ 10: returns its index; ``lam.size`` when all are drawn). With ``start`` 0 the means are
    checked first: -1 where one is below 0, NaN or above :data:`POISSON_MEAN_MAX`, and nothing drawn."""
    if start == 0:
        for i in range(lam.size):
            if not (lam[i] >= 0.0 and lam[i] <= POISSON_MEAN_MAX):
                return -1
    for i in range(start, lam.size):
        mean = lam[i]
        if mean >= 10.0:
            return i
        if mean == 0.0:
            drawn[i] = 0
            continue
        floor = math.exp(-mean)
        count = 0
        product = 1.0
        while True:
            product *= next_double(words)
            if product > floor:
                count += 1
            else:
                break
        drawn[i] = count
    return lam.size


class StreamFamily:
    """The streams of one subsystem: ``family.decision`` is the generator of ``"<family>.<decision>"``,
    made and positioned on first use, then kept as an attribute (:meth:`RandomStreams.start_week`
    re-positions it every week)."""

    __slots__ = ("__dict__", "_name", "_streams")

    def __init__(self, streams: RandomStreams, name: str):
        object.__setattr__(self, "_streams", streams)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, decision: str) -> np.random.Generator:
        if decision[0] == "_":
            raise AttributeError(decision)
        stream = self._streams.stream(self._name + "." + decision)
        stream.position(self._streams.week, self._streams.week_leap)
        self.__dict__[decision] = stream.generator
        return stream.generator
