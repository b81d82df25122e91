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

import hashlib

import numpy as np

WEEK_STRIDE = 1 << 64
"""Numbers each stream has room for in one week: week ``w`` starts ``w × WEEK_STRIDE`` draws into the
stream's sequence (PCG64's period is 2**128, so 2**64 weeks of 2**64 draws each)."""


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
        self._streams: dict[str, tuple[np.random.PCG64, dict, np.random.Generator]] = {}

    def family(self, name: str) -> StreamFamily:
        """The streams of one subsystem (or one world-building step), created on first use."""
        if name not in self._families:
            self._families[name] = StreamFamily(self, name)
        return self._families[name]

    def generator(self, name: str) -> np.random.Generator:
        """The generator of the stream ``name``, positioned at the start of the current week."""
        if name not in self._streams:
            bits = np.random.PCG64(np.random.SeedSequence(entropy=self.seed, spawn_key=(stable_key(name),)))
            self._streams[name] = (bits, bits.state, np.random.Generator(bits))
        bits, start, generator = self._streams[name]
        bits.state = start
        if self.week:
            bits.advance(self.week * WEEK_STRIDE)
        return generator

    def start_week(self, week: int) -> None:
        """Position every stream at the start of ``week`` (each is re-positioned when it is next used)."""
        self.week = int(week)
        for family in self._families.values():
            family.__dict__.clear()


class StreamFamily:
    """The streams of one subsystem: ``family.decision`` is the generator of ``"<family>.<decision>"``,
    made on first use in a week and kept for the rest of that week."""

    __slots__ = ("__dict__", "_name", "_streams")

    def __init__(self, streams: RandomStreams, name: str):
        object.__setattr__(self, "_streams", streams)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, decision: str) -> np.random.Generator:
        if decision.startswith("_"):
            raise AttributeError(decision)
        generator = self._streams.generator(f"{self._name}.{decision}")
        self.__dict__[decision] = generator
        return generator
