"""Failures inside the declared bounds whose cause is in the simulation core, while they are open.

Each entry names the cause (file, line, why), the bound that would keep the model out of it, one
reproduction, and the region of parameter values it covers: a predicate over an example's
values, built from the reproduction and the cause, never from the shape of the failure's
message. The reproduction is a strict xfail in test_reproductions.py; the property suite does
not run examples inside a listed region (it counts them in its report) and fails on every other
failure. When a fix makes a reproduction pass, the strict xfail fails: delete the entry, and
the property suite covers that ground again.

None is open: the three of the last campaign were fixed (docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CoreDefect:
    """A failure inside the declared bounds, its cause in the core, and the values it covers."""

    name: str
    cause: str
    bounds: str
    overrides: dict[str, Any]
    seed: int
    weeks: int
    region: Callable[[str, Mapping[str, Any]], bool]
    """Whether an example (preset, parameter values) lies where the defect strikes."""
    preset: str = "baseline"

    def covers_its_reproduction(self) -> bool:
        """Whether the region holds the reproduction itself (a region that does not is a mistake)."""
        return self.region(self.preset, self.overrides)


CORE_DEFECTS: tuple[CoreDefect, ...] = ()


def listed_defect(preset: str, values: Mapping[str, Any]) -> CoreDefect | None:
    """The listed defect in whose region these values lie, if any."""
    return next((defect for defect in CORE_DEFECTS if defect.region(preset, values)), None)
