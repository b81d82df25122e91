"""A browser session's settings, and the experiment they start.

:class:`Settings` is an immutable record of every choice that determines the runs (presets,
parameter edits, seeds, lesson); each control produces a new one. :class:`Session` is what a
set of settings starts: the experiment and the painter that draws it. Both live in a page's
component state, never at module level, so each browser tab has its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import marketsim as ms
from marketsim.dashboard.experiment import RUN_LABELS, Experiment
from marketsim.dashboard.frame import Painter

DEFAULT_HORIZON = 520
MAX_RUN_WEEKS = 3 * 5 * 1040
"""The most simulated weeks one page may ask for, over every scenario and seed: three scenarios
with five seeds each for twenty years. A page's work is bounded whoever is using it."""


def work_problem(runs: int, seeds: int, weeks: int) -> str | None:
    """Why ``runs`` scenarios × ``seeds`` seeds × ``weeks`` weeks is too much for one page, if it is."""
    total = runs * seeds * weeks
    if total <= MAX_RUN_WEEKS:
        return None
    return (f"{runs} scenario{'s' if runs > 1 else ''} × {seeds} seed{'s' if seeds > 1 else ''} × {weeks:,} weeks "
            f"= {total:,} simulated weeks: a page runs at most {MAX_RUN_WEEKS:,}; use fewer seeds or weeks "
            "(or the command line for longer experiments)")


@dataclass(frozen=True)
class Settings:
    """Everything that determines the runs on screen.

    Args:
        presets: preset scenario name of each run (A first, at most three).
        edits: per run, the parameters changed from its preset (dotted path → value).
        seed: the first seed; run i of every scenario uses ``seed + i``.
        paired: seeds per scenario.
        lesson: the lesson whose scenarios are loaded, if any.
        base: overrides under every run's own edits, fixed for the page (a smaller or a custom
            world, say); they count as part of the presets.
    """

    presets: tuple[str, ...] = ("baseline",)
    edits: tuple[Mapping[str, Any], ...] = field(default_factory=lambda: ({},))
    seed: int = 1
    paired: int = 3
    lesson: str | None = None
    base: Mapping[str, Any] = field(default_factory=dict)

    def seeds(self) -> list[int]:
        """The paired seeds every scenario is run with."""
        return list(range(self.seed, self.seed + self.paired))

    def preset(self, index: int) -> ms.Scenario:
        """Run ``index``'s preset, with the page's base overrides but without the run's edits."""
        return ms.load_scenario(self.presets[index], self.base)

    def scenario(self, index: int) -> ms.Scenario:
        """Run ``index``'s scenario: its preset with its edits (raises ScenarioError if invalid)."""
        return ms.load_scenario(self.presets[index], {**self.base, **self.edits[index]})

    def scenarios(self) -> list[ms.Scenario]:
        """Every run's scenario."""
        return [self.scenario(i) for i in range(len(self.presets))]

    def with_preset(self, index: int, name: str) -> Settings:
        """Run ``index`` switched to another preset (its edits dropped; any lesson left)."""
        presets = list(self.presets)
        edits = list(self.edits)
        presets[index], edits[index] = name, {}
        return replace(self, presets=tuple(presets), edits=tuple(edits), lesson=None)

    def with_run_added(self, name: str) -> Settings:
        """Another scenario to compare with A."""
        if len(self.presets) >= len(RUN_LABELS):
            raise ValueError(f"at most {len(RUN_LABELS)} scenarios side by side")
        return replace(self, presets=(*self.presets, name), edits=(*self.edits, {}), lesson=None)

    def with_run_removed(self, index: int) -> Settings:
        """Run ``index`` dropped (A cannot be dropped)."""
        if index == 0:
            raise ValueError("scenario A is the reference and cannot be removed")
        keep = [i for i in range(len(self.presets)) if i != index]
        return replace(self, presets=tuple(self.presets[i] for i in keep),
                       edits=tuple(self.edits[i] for i in keep), lesson=None)

    def with_edit(self, index: int, path: str, value: Any) -> Settings:
        """Run ``index`` with one parameter set; setting it back to the preset's value drops the edit."""
        edits = dict(self.edits[index])
        if self.preset(index).get(path) == value:
            edits.pop(path, None)
        else:
            edits[path] = value
        return replace(self, edits=tuple(edits if i == index else e for i, e in enumerate(self.edits)))

    def largest_valid(self, index: int, path: str, wanted: float, step: float) -> float | int | None:
        """The value nearest ``wanted`` (on the ``step`` grid) that run ``index`` accepts, between
        the current value and ``wanted``; None if there is none but the current value.

        Used when a value is within its own bounds but breaks a rule that ties parameters
        together (budget shares adding up to more than 1, say).
        """
        current = self.scenario(index).get(path)
        valid, invalid = float(current), float(wanted)
        for _ in range(60):
            if abs(invalid - valid) <= step * 1e-6:
                break
            middle = (valid + invalid) / 2
            if self._accepts(index, path, middle):
                valid = middle
            else:
                invalid = middle
        upward = wanted > current
        grid = math.floor(invalid / step + 1e-9) if upward else math.ceil(invalid / step - 1e-9)
        for k in (grid, grid - 1, grid - 2) if upward else (grid, grid + 1, grid + 2):
            value = round(k * step) if isinstance(current, int) else round(k * step, _decimals(step))
            inside = current < value <= wanted if upward else wanted <= value < current
            if inside and self._accepts(index, path, value):
                return value
        return None

    def _accepts(self, index: int, path: str, value: Any) -> bool:
        try:
            self.with_edit(index, path, value).scenario(index)
        except ms.ScenarioError:
            return False
        return True

    def without_edits(self, index: int) -> Settings:
        """Run ``index`` back to its preset's values."""
        return replace(self, edits=tuple({} if i == index else e for i, e in enumerate(self.edits)))

    def with_lesson(self, name: str, presets: tuple[str, ...]) -> Settings:
        """A lesson's scenarios side by side, unedited."""
        return replace(self, presets=presets, edits=tuple({} for _ in presets), lesson=name)


def _decimals(step: float) -> int:
    """Decimal places needed to write multiples of ``step``."""
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0


class Session:
    """The experiment a set of settings starts, with the painter that draws its frames."""

    def __init__(self, settings: Settings, horizon: int = DEFAULT_HORIZON):
        problem = work_problem(len(settings.presets), settings.paired, horizon)
        if problem is not None:
            raise ValueError(problem)
        self.settings = settings
        self.experiment = Experiment(settings.scenarios(), settings.seeds())
        self.painter = Painter(self.experiment, horizon)

    @property
    def horizon(self) -> int:
        """The week play stops at (and the charts' x-axis runs to)."""
        return self.painter.horizon
