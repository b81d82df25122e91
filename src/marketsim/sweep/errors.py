"""Sweep errors, and the optional dependencies a sweep may need (the ``sweep`` extra)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from marketsim.config.errors import ScenarioError

INSTALL_EXTRA = "pip install 'marketsim[sweep]'"
"""How to install the optional dependencies: SALib (Sobol designs, indices), Dask and the EMA Workbench."""


class SweepError(ScenarioError):
    """One or more problems with a sweep, each reported once, found before any run starts."""

    def __init__(self, problems: Sequence[str]):
        super().__init__(list(dict.fromkeys(problems)))


def require(module: str, purpose: str) -> Any:
    """Import an optional dependency (the ``sweep`` extra), or raise a SweepError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SweepError([f"{purpose} needs {module.split('.')[0]}, which is not installed "
                          f"({INSTALL_EXTRA})"]) from None
