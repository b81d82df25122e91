"""Small numeric helpers shared by the stages."""

from __future__ import annotations

import numpy as np


def ewma(old: np.ndarray | float, new: np.ndarray | float, rate: float) -> np.ndarray | float:
    """Exponentially weighted moving average: move ``rate`` of the way from old to new."""
    return old + rate * (new - old)


def safe_ratio(num: np.ndarray, den: np.ndarray, default: float = 0.0) -> np.ndarray:
    """num / den where den > 0, ``default`` elsewhere."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, default, dtype=float)
    np.divide(num, den, out=out, where=den > 0)
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


def group_sum(keys: np.ndarray, values: np.ndarray | None, size: int) -> np.ndarray:
    """Sum of values (or counts) per integer key 0..size-1."""
    return np.bincount(keys, weights=values, minlength=size)[:size].astype(float)
