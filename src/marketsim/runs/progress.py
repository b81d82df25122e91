"""A batch's progress: a bar on stderr, a callback, or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from marketsim.text import plural

if TYPE_CHECKING:
    from types import TracebackType

    from marketsim.runs.single import RunTask

ProgressOption = bool | Callable[[int, int], None]
"""``True``: a progress bar on stderr; ``False``: none; or a callable ``(runs_done, runs_total)``."""


class ProgressReport:
    """Reports a batch's progress: a bar on stderr, a callback ``(runs_done, runs_total)``, or nothing.

    The bar counts weeks (runs × weeks per run), so that it moves and its ETA holds within a run
    as well as across runs. Use as a context manager; call :meth:`run_finished` once per finished
    run and, for runs in this process, :meth:`week` as weeks go by.
    """

    def __init__(self, progress: ProgressOption, total: int, steps: int, label: str = "runs", done: int = 0):
        self.progress = progress
        self.total = total
        self.steps = steps
        self.label = label
        self.done = done
        self.failed = 0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> ProgressReport:
        if self.progress is True:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[counts]}"),
                                TextColumn("[red]{task.fields[failed]}"), TimeElapsedColumn(), TextColumn("ETA"),
                                TimeRemainingColumn(), console=Console(stderr=True))
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total * self.steps, completed=self.done * self.steps,
                                          counts=self._counts(0), failed="")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()

    def _counts(self, weeks: int) -> str:
        """``week 12/520`` for one run; ``3/8 runs`` (and the week of the run going on) for several."""
        if self.total == 1:
            return f"week {self.steps if self.done else weeks}/{self.steps}"
        return f"{self.done}/{plural(self.total, 'run')}" + (f" · week {weeks}/{self.steps}" if weeks else "")

    def week(self, task: RunTask, done: int, total: int) -> None:
        """A run in this process finished week ``done`` of ``total``."""
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done * self.steps + done, counts=self._counts(done),
                            description=f"{task.scenario.name} · seed {task.seed}")

    def run_finished(self, failed: bool = False) -> None:
        """One more run finished (``failed``: with an error)."""
        self.done += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done * self.steps, counts=self._counts(0),
                            failed=f"{self.failed} failed" if self.failed else "")
        elif callable(self.progress):
            self.progress(self.done, self.total)
