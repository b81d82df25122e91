"""Shared by every subsystem: units, small numeric helpers, and the declaration of output columns
beside the code that computes them (tables and agent views: ``sim/tables.py``)."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

import numpy as np

try:  # numba compiles the loop kernels; without it they run as Python, with the same results
    import numba
except ImportError:  # tests/unit/test_compiled.py runs the model with the import blocked
    numba = None

WEEKS_PER_YEAR = 52
"""Weeks in a year: the model steps one week at a time; yearly rates are divided by this."""
PER_100K = 100_000
"""Residents per rate unit: rates are reported per 100,000 people."""
PER_10K = 10_000
"""Arrest rates residents feel are counted per 10,000 residents."""
PER_1000 = 1_000
"""Businesses, extortion and dealers are counted per 1,000 residents or users."""
GRAMS_PER_KG = 1_000.0
"""Users' intake is declared in grams a week; the market trades kilograms."""


# -- numerics -------------------------------------------------------------------------------------
def ewma(old: np.ndarray | float, new: np.ndarray | float, rate: float) -> np.ndarray | float:
    """Exponentially weighted moving average: move ``rate`` of the way from old to new."""
    return old + rate * (new - old)


def safe_ratio(num: np.ndarray, den: np.ndarray, default: float = 0.0) -> np.ndarray:
    """num / den where den > 0, ``default`` elsewhere."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.zeros(num.shape if num.shape == den.shape else np.broadcast_shapes(num.shape, den.shape))
    if default != 0.0 or math.copysign(1.0, default) < 0:  # zeros (calloc) is the cheap start for +0.0
        out.fill(default)
    np.divide(num, den, out=out, where=den > 0)
    return out


Result = TypeVar("Result")


def once_per_value(method: Callable[[Any, float], Result]) -> Callable[[Any, float], Result]:
    """A method of one parameter value whose result depends otherwise only on what a run does not
    change (populations, deprivation): computed when the value changes, not every week it is asked for."""
    kept_as = f"_{method.__name__}_for_value"

    @functools.wraps(method)
    def once(self: Any, value: float) -> Result:
        kept = self.__dict__.get(kept_as)
        if kept is None or kept[0] != value:
            kept = self.__dict__[kept_as] = (value, method(self, value))
        return kept[1]
    return once


Kernel = TypeVar("Kernel", bound=Callable[..., Any])
COMPILING = numba is not None and not numba.config.DISABLE_JIT
"""Whether :func:`compiled` kernels run compiled (numba installed and not disabled)."""


def compiled(kernel: Kernel) -> Kernel:
    """A loop kernel compiled by numba where it is installed, and the same Python function where it
    is not (or under ``NUMBA_DISABLE_JIT=1``): the results are the same, only the speed differs.

    A kernel keeps today's numbers only if it does what numpy does, operation for operation:
    elementwise ``+ - * /``, comparisons and ``sqrt`` agree; ``np.maximum(x, c)`` is ``c if x <= c
    else x`` (not ``max``: numpy keeps NaN and turns -0.0 into 0.0 there); numpy's sum of a
    contiguous float row is :func:`pairwise_sum`, not a sum in order; ``exp``, ``log`` and ``**``
    stay outside (numpy's vectorised ones differ from the C library's in the last bit:
    ``benchmarks/bench_lastbit.py``); random numbers are drawn outside and passed in. A division by zero
    gives numpy's inf or NaN (numba's numpy error model), as the array code it replaces did; run as
    Python, it does so on numpy's numbers (an element of an array) and raises on Python floats."""
    return numba.njit(cache=True, error_model="numpy")(kernel) if numba is not None else kernel


@compiled
def pairwise_sum(values: np.ndarray) -> float:
    """What ``values.sum()`` gives for a contiguous 1-D float64 array, bit for bit: numpy adds
    fewer than 8 numbers in order, up to 128 in 8 interleaved running sums combined as a tree, and
    more by halving, left half first (``pairwise_sum`` in numpy's ``loops_utils.h.src``). The halving
    runs on a stack of its own: numba cannot load a recursive function from its cache."""
    if len(values) <= 128:
        return _block_sum(values, 0, len(values))
    # halves still to sum (2 per level at most, 64 levels), and sums waiting for their other half
    starts, counts, levels = np.empty(128, np.int64), np.empty(128, np.int64), np.empty(128, np.int64)
    sums, sum_levels = np.empty(64), np.empty(64, np.int64)
    starts[0], counts[0], levels[0] = 0, len(values), 0
    pending, finished = 1, 0
    while pending:
        pending -= 1
        start, count, level = int(starts[pending]), int(counts[pending]), int(levels[pending])
        if count > 128:
            half = count // 2
            half -= half % 8
            starts[pending], counts[pending], levels[pending] = start + half, count - half, level + 1
            starts[pending + 1], counts[pending + 1], levels[pending + 1] = start, half, level + 1
            pending += 2  # the left half is summed first
            continue
        total = _block_sum(values, start, count)
        # a finished right half joins the left half waiting at its level, as far up as it goes
        while finished and sum_levels[finished - 1] == level:
            finished -= 1
            total = sums[finished] + total
            level -= 1
        sums[finished], sum_levels[finished] = total, level
        finished += 1
    return sums[0]


@compiled
def _block_sum(values: np.ndarray, start: int, count: int) -> float:
    """numpy's sum of at most 128 numbers ``values[start:start + count]``."""
    if count < 8:
        total = 0.0
        for i in range(start, start + count):
            total += values[i]
        return total
    # the 8 running sums start from the first 8 numbers
    r0, r1, r2, r3 = float(values[start]), float(values[start + 1]), float(values[start + 2]), float(values[start + 3])
    r4, r5 = float(values[start + 4]), float(values[start + 5])
    r6, r7 = float(values[start + 6]), float(values[start + 7])
    end = start + count - count % 8
    for i in range(start + 8, end, 8):
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(end, start + count):
        total += values[i]
    return total


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def group_sum(keys: np.ndarray, values: np.ndarray | None, size: int) -> np.ndarray:
    """Sum of values (or counts) per integer key 0..size-1."""
    sums = np.bincount(keys, weights=values, minlength=size)  # floats with values, integers without
    if len(sums) != size:
        sums = sums[:size]
    return sums if values is not None else sums.astype(float)


@compiled
def herfindahl(values: np.ndarray) -> float:
    """Σ share² of non-negative ``values`` (0 when all are zero), as numpy computes
    ``((values / total) ** 2).sum()``: the sums pairwise, each square a product."""
    total = pairwise_sum(values)
    if not total > 0:
        return 0.0
    squares = np.empty(len(values))
    for item in range(len(values)):
        share = values[item] / total
        squares[item] = share * share
    return pairwise_sum(squares)


@compiled
def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """The ``weights``-weighted mean of ``values`` as ``np.average`` computes it (the sums pairwise);
    their plain mean when the weights total 0."""
    total = pairwise_sum(weights)
    if total > 0:
        products = np.empty(len(values))
        for item in range(len(values)):
            products[item] = values[item] * weights[item]
        return pairwise_sum(products) / total
    return pairwise_sum(values) / len(values)


# -- output columns ------------------------------------------------------------------------------------
Group = Literal["outcome", "process", "market", "cost"]
GROUP_ORDER: tuple[Group, ...] = ("outcome", "process", "market", "cost")
Direction = Literal["lower", "higher", "neither"]
"""Which way a metric improves: ``lower`` (homicides), ``higher`` (trust) or ``neither`` (prices)."""


@dataclass(frozen=True)
class Metric:
    """One output column: its name, unit, group, definition, which way is better, whether it may be
    missing (NaN, e.g. a price in a week nothing sold) and the subsystem that computes it.

    Groups follow the source documents: **process** indicators measure enforcement effort
    (arrests, seizures, eradication), **outcome** indicators what happens to people (violence,
    overdoses, infections, incarceration, trust), **market** indicators describe the market,
    **cost** indicators what was spent. A ``per_region`` metric is one column per source region,
    named ``<name>_<region>``.
    """

    name: str
    unit: str
    group: Group
    definition: str
    per_region: bool = False
    direction: Direction = "neither"
    nullable: bool = False
    subsystem: str = ""

    def for_region(self, region: str) -> Metric:
        """The column of one region of a per-region metric."""
        return replace(self, name=f"{self.name}_{region}", per_region=False,
                       definition=self.definition.replace("this region", region))


def metric(name: str, unit: str, group: Group, definition: str, per_region: bool = False, *,
           direction: Direction = "neither", nullable: bool = False) -> Callable:
    """Declare the method below as the computation of one output column (called once a week)."""
    if direction not in ("lower", "higher", "neither"):
        raise ValueError(f"metric {name!r}: direction {direction!r}: allowed 'lower', 'higher' or 'neither'")

    def declare(method: Callable) -> Callable:
        method.metric = Metric(name, unit, group, definition, per_region, direction, nullable)
        return method
    return declare


def declared_metrics(cls: type) -> list[tuple[Metric, str]]:
    """The metrics a subsystem class declares, with the names of the methods computing them."""
    return [(method.metric, name) for name, method in vars(cls).items() if hasattr(method, "metric")]


def row_uniforms(rng: np.random.Generator, rows: np.ndarray) -> np.ndarray:
    """One uniform number in [0, 1) for each of ``rows`` (indices into a table), drawn for every row
    up to the largest and then indexed: a row gets the same number in two paired runs even when the
    set of rows differs between them (common random numbers)."""
    rows = np.asarray(rows)
    return rng.random(int(rows.max()) + 1)[rows] if len(rows) else np.zeros(0)
