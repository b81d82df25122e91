"""Using a calibration: parameter sets drawn from its posterior, and which comparisons it fitted.

``marketsim run/compare --posterior DIR`` runs each seed with one parameter set of the posterior in
``DIR/posterior.parquet``: the draw depends only on the seed, so every scenario of a comparison runs
the same parameter set with the same seed (paired), and different seeds run different parameter sets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from marketsim.calibration.targets import DEFAULT_TARGETS, CalibrationError, Target, Targets, load_targets
from marketsim.config.params import SPECS

if TYPE_CHECKING:
    from marketsim.validation import Comparison

ORDER_SEED = 20_231
"""Seed of the fixed shuffle that assigns posterior draws to seeds."""


@dataclass(frozen=True)
class Posterior:
    """A calibration's posterior sample: one row per parameter set, and where it came from."""

    frame: pd.DataFrame
    parameters: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.frame)

    def draw_index(self, seed: int) -> int:
        """The posterior row a seed runs with: a fixed shuffle of the rows, taken in seed order (cycling)."""
        order = np.random.default_rng(ORDER_SEED).permutation(len(self.frame))
        return int(order[seed % len(order)])

    def draw(self, seed: int) -> dict[str, Any]:
        """The parameter values a seed runs with (whole numbers for whole-number parameters)."""
        row = self.frame.iloc[self.draw_index(seed)]
        return {name: int(row[name]) if SPECS[name].kind == "int" else float(row[name]) for name in self.parameters}

    def draws(self, seeds: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Each seed's parameter values."""
        return {seed: self.draw(seed) for seed in seeds}


def load_posterior(directory: str | Path) -> Posterior:
    """The posterior sample of a calibration directory (``DIR/posterior.parquet``), or of that file itself.

    Raises:
        CalibrationError: no posterior there, a file that is not one, or an empty sample.
    """
    import pyarrow.parquet as pq

    path = Path(directory)
    path = path / "posterior.parquet" if path.is_dir() else path
    if not path.is_file():
        raise CalibrationError([f"--posterior {directory}: no posterior.parquet there (a calibration's directory "
                                "holds one: marketsim calibrate TARGETS --out DIR)"])
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as error:
        raise CalibrationError([f"--posterior {path}: not a Parquet file ({error})"]) from None
    metadata = {key.decode(): value.decode() for key, value in (table.schema.metadata or {}).items()
                if key.startswith(b"marketsim")}
    if "marketsim.parameters" not in metadata:
        raise CalibrationError([f"--posterior {path}: not a calibration's posterior (no parameters in its metadata)"])
    parameters = tuple(json.loads(metadata["marketsim.parameters"]))
    unknown = [name for name in parameters if name not in SPECS]
    if unknown:
        raise CalibrationError([f"--posterior {path}: parameters unknown to this marketsim: {', '.join(unknown)}"])
    frame = table.to_pandas()
    if frame.empty:
        raise CalibrationError([f"--posterior {path}: the posterior is empty (no parameter set met the fitted targets "
                                "together): nothing to draw from"])
    return Posterior(frame, parameters, metadata, path)


def validation_roles(targets: str | Path | Targets | None = None) -> dict[str, str]:
    """The comparisons of ``marketsim.validation`` that a targets file uses as effect targets, by label:
    ``"fitted"`` or ``"predicted"`` as the file says (default: the shipped targets file). A comparison not
    listed is no target at all: like a predicted one, it is evidence that the model predicts."""
    from marketsim.calibration.engine import ArmResolver
    from marketsim.validation import FACTS

    loaded = targets if isinstance(targets, Targets) else load_targets(targets or DEFAULT_TARGETS)
    resolve = ArmResolver(loaded, Path("scenarios"))

    def measures(target: Target, comparison: Comparison) -> bool:
        return (target.kind == "effect" and target.metric == comparison.metric
                and target.reference_metric == comparison.reference_metric
                and resolve(target.reference) == comparison.reference
                and resolve(target.alternative) == comparison.alternative)

    return {comparison.label: "fitted" if target.fitted else "predicted"
            for fact in FACTS for comparison in fact.comparisons for target in loaded.targets
            if measures(target, comparison)}


def level_roles(targets: str | Path | Targets | None = None) -> dict[str, str]:
    """The baseline's levels a targets file uses as targets, by metric: ``"fitted"`` or ``"predicted"``."""
    loaded = targets if isinstance(targets, Targets) else load_targets(targets or DEFAULT_TARGETS)
    return {target.metric: "fitted" if target.fitted else "predicted" for target in loaded.targets
            if target.kind == "level" and target.scenario == "baseline"}
