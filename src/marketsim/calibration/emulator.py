"""Gaussian-process emulators of the targets, and implausibility (Bayesian history matching).

An emulator stands in for the model: fitted to the runs of a wave, it predicts a target's measure
at any parameter set with a variance that says how sure it is (Rasmussen & Williams 2006;
scikit-learn's ``GaussianProcessRegressor``, Pedregosa et al. 2011). Its kernel is a constant times
an anisotropic squared exponential — one length scale per parameter — plus white noise, which
absorbs the run-to-run variation of the simulation at one parameter set (the ensemble variability
of Andrianakis et al. 2015).

The **implausibility** of a parameter set for a target (Craig et al. 1997; Vernon, Goldstein &
Bower 2010) is how many standard deviations separate what the emulator expects there from what was
observed, counting every source of uncertainty: the emulator's own, the simulation's run-to-run
variation, the observation's and the model discrepancy (what no parameter set of this model can
reproduce). For an observed interval, only the distance outside it counts. A parameter set whose
implausibility exceeds the cut-off (3, by Pukelsheim's 1994 three-sigma rule for unimodal
distributions) for a fitted target is ruled out.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from marketsim.calibration.targets import Settings, Target

MIN_RUNS = 5
"""Fewer finite measures than this and a target gets no emulator (it is not judged in that wave)."""
RESTARTS = 3
"""Restarts of the kernel's hyperparameter optimisation (from random starting points, seeded)."""
FOLDS = 5
"""Folds of the cross-validation that checks each emulator (Bastos & O'Hagan 2009)."""


def to_scale(target: Target, values: Any) -> np.ndarray:
    """Values on the scale the target is emulated and judged on (logarithms for ``scale = "log"``)."""
    values = np.asarray(values, dtype=float)
    if target.scale == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(values > 0, np.log(np.where(values > 0, values, 1.0)), np.nan)
    return values


@dataclass(frozen=True)
class Observation:
    """A target's observed value or interval on its emulation scale, with its variances: the observation's
    and the model discrepancy's."""

    value: float | None
    low: float
    high: float
    variance: float
    discrepancy: float

    @classmethod
    def of(cls, target: Target, settings: Settings) -> Observation:
        """The target's observation on its scale."""
        observed = target.observed
        log = target.scale == "log"
        value = observed.value
        if observed.interval is not None:
            low, high = observed.interval
            if log:
                low, high = (math.log(low) if low > 0 else -math.inf), (math.log(high) if math.isfinite(high)
                                                                         else math.inf)
            variance = 0.0
        else:
            assert value is not None and observed.sd is not None
            variance = (observed.sd / value) ** 2 if log else observed.sd ** 2
            low = high = math.log(value) if log else value
        if value is not None and log:
            value = math.log(value)
        if target.discrepancy is not None:
            discrepancy = target.discrepancy
        else:
            discrepancy = settings.discrepancy if log else settings.discrepancy * abs(observed.reference())
        return cls(value, low, high, variance, discrepancy ** 2)


def implausibility(observation: Observation, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """How many standard deviations ``mean`` lies from the observation (outside its interval), with
    ``variance`` the emulator's (or the runs') own variance at each point."""
    mean = np.asarray(mean, dtype=float)
    distance = np.maximum(np.maximum(observation.low - mean, mean - observation.high), 0.0)
    total = np.asarray(variance, dtype=float) + observation.variance + observation.discrepancy
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(total > 0, distance / np.sqrt(total), np.where(distance > 0, np.inf, 0.0))
    return np.where(np.isnan(mean), np.inf, value)


def combined(implausibilities: np.ndarray, rule: str) -> np.ndarray:
    """The implausibility of each point over several targets (columns): the largest, or the second largest
    (which tolerates one poorly emulated target; Vernon, Goldstein & Bower 2010)."""
    if implausibilities.shape[1] == 0:
        return np.zeros(implausibilities.shape[0])
    ordered = np.sort(implausibilities, axis=1)
    if rule == "second_max" and implausibilities.shape[1] > 1:
        return ordered[:, -2]
    return ordered[:, -1]


@dataclass
class Emulator:
    """A fitted Gaussian process of one target over the unit cube of the calibrated parameters."""

    target: str
    model: Any
    runs: int
    noise: float
    coverage: float

    def predict(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected measure and its variance (the emulator's plus the run-to-run noise) at each point."""
        mean, sd = self.model.predict(unit, return_std=True)
        return mean, sd ** 2


def _kernel(dimensions: int) -> Any:
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    return (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(dimensions, 0.5), (1e-2, 1e2))
            + WhiteKernel(0.1, (1e-8, 1e1)))


def _fit(unit: np.ndarray, values: np.ndarray, seed: int, kernel: Any = None) -> Any:
    """A Gaussian process fitted to the values: its kernel's hyperparameters optimised (by maximum likelihood,
    seeded restarts), or those of ``kernel`` kept as they are."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor

    if kernel is None:
        model = GaussianProcessRegressor(_kernel(unit.shape[1]), normalize_y=True, n_restarts_optimizer=RESTARTS,
                                         random_state=seed)
    else:
        model = GaussianProcessRegressor(kernel, normalize_y=True, optimizer=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(unit, values)


def fit_emulator(target: Target, unit: np.ndarray, measured: np.ndarray, seed: int) -> Emulator | None:
    """An emulator of the target fitted to the runs at ``unit`` (points in the unit cube), with the share
    of its cross-validated predictions within three standard deviations; None with too few finite runs."""
    values = to_scale(target, measured)
    kept = np.isfinite(values)
    if kept.sum() < MIN_RUNS:
        return None
    x, y = unit[kept], values[kept]
    model = _fit(x, y, seed)
    scale = float(getattr(model, "_y_train_std", 1.0)) ** 2
    noise = float(model.kernel_.k2.noise_level) * scale
    return Emulator(target.name, model, int(kept.sum()), noise, _cross_validated(x, y, seed, model.kernel_))


def _cross_validated(x: np.ndarray, y: np.ndarray, seed: int, kernel: Any) -> float:
    """The share of held-out runs within three predicted standard deviations of the emulator fitted to the
    others (k-fold, with the hyperparameters fitted to all runs); about 99% for a well-calibrated emulator."""
    order = np.random.default_rng(seed).permutation(len(y))
    folds = np.array_split(order, min(FOLDS, len(y)))
    inside = 0
    for fold in folds:
        rest = np.setdiff1d(order, fold)
        model = _fit(x[rest], y[rest], seed, kernel)
        mean, sd = model.predict(x[fold], return_std=True)
        inside += int(np.sum(np.abs(y[fold] - mean) <= 3 * np.maximum(sd, 1e-12)))
    return inside / len(y)


def emulated_implausibility(emulators: Sequence[Emulator], observations: dict[str, Observation],
                            unit: np.ndarray) -> np.ndarray:
    """Each emulator's implausibility at each point (one column per emulator)."""
    columns = []
    for emulator in emulators:
        mean, variance = emulator.predict(unit)
        columns.append(implausibility(observations[emulator.target], mean, variance))
    return np.column_stack(columns) if columns else np.zeros((len(unit), 0))
