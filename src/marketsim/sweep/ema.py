"""The EMA Workbench export: a sweep as ``(experiments, outcomes)``, for scenario discovery."""

from __future__ import annotations

import json
import tarfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd

from marketsim.sweep.store import SweepStore, write_atomic


def ema_results(out: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The sweep as EMA Workbench ``(experiments, outcomes)``, one row per finished run.

    ``experiments`` has the swept parameters (uncertainties first, then levers), ``seed``, and
    EMA's ``scenario`` (the design point), ``policy`` (the marketsim scenario) and ``model``
    columns; ``outcomes`` maps each outcome to its post-burn-in run means. Ready for scenario
    discovery, e.g. ``ema_workbench.analysis.prim.Prim(experiments, outcomes[name] > threshold)``.

    Args:
        out: the sweep's output directory.

    Returns:
        ``(experiments, outcomes)`` as the EMA Workbench's ``perform_experiments`` returns them.
    """
    store = SweepStore(out)
    record = store.consolidated_record()
    runs = pd.read_parquet(store.summary)
    roles = record["parameters"]
    ordered = [n for n in roles if roles[n] == "uncertainty"] + [n for n in roles if roles[n] == "lever"]
    experiments = runs[ordered].copy()
    experiments["seed"] = runs["seed"].to_numpy()
    experiments["scenario"] = runs["point"].to_numpy()
    experiments["policy"] = runs["scenario"].astype("category")
    experiments["model"] = pd.Categorical(["marketsim"] * len(runs))
    outcomes = {name: runs[name].to_numpy(dtype=float) for name in record["spec"]["outcomes"]}
    return experiments, outcomes


def save_ema(out: str | Path, path: str | Path | None = None) -> Path:
    """Write :func:`ema_results` as a tarball that ``ema_workbench.load_results`` reads.

    The layout is the workbench's own: ``experiments.csv``, one headerless CSV per scalar
    outcome and ``metadata.json`` with the column types and outcome classes.

    Args:
        out: the sweep's output directory.
        path: where to write (default ``ema_results.tar.gz`` in ``out``).

    Returns:
        The tarball's path.
    """
    experiments, outcomes = ema_results(out)
    target = Path(path) if path is not None else Path(out) / "ema_results.tar.gz"

    def write(temporary: Path) -> None:
        with tarfile.open(temporary, "w:gz") as archive:
            _add_to_tar(archive, "experiments.csv", experiments.to_csv(index=False).encode())
            for name, values in outcomes.items():
                _add_to_tar(archive, f"{name}.csv", pd.DataFrame(values).to_csv(header=False, index=False).encode())
            metadata = {"version": 0.1,
                        "outcomes": [["ScalarOutcome", name, f"{name}.csv"] for name in outcomes],
                        "experiments": {name: str(dtype) for name, dtype in experiments.dtypes.items()}}
            _add_to_tar(archive, "metadata.json", json.dumps(metadata).encode())

    write_atomic(target, write)
    return target


def _add_to_tar(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    archive.addfile(info, BytesIO(data))
