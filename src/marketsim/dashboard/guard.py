"""A page no control value can break: whatever a browser sends through a widget (a value no
control offers, a number no control can produce), the page says it was refused, never shows a
traceback, and goes on.

The controls check what they are sent against what they offer and say why they refuse it
(``controls``, ``session``); :func:`Guarded` is the net under them: an error boundary that
catches any exception raised while what it draws renders or handles an event, logs it in full
on the server, and shows the user one line and a way back. The app's ``Layout`` is
:func:`GuardedLayout`, so the whole page is under it.
"""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import solara

from marketsim.config.errors import bounded

logger = logging.getLogger(__name__)


def refusal_text(error: BaseException) -> str:
    """What the user reads of an exception: its kind and message, kept short, never a traceback."""
    problems = getattr(error, "problems", None)
    message = "; ".join(problems) if problems else str(error)
    return bounded(f"{type(error).__name__}: {message}" if message else type(error).__name__)


@solara.component
def Guarded(render: Callable[[], Any]) -> None:
    """Call ``render`` (which draws components); if what it draws raises, show why instead (and
    log it once, in full), with a button that draws it afresh. (The components are drawn by a
    callable, not passed as children: an error boundary must create what it guards.)"""
    error, clear = solara.use_exception()
    solara.use_effect(lambda: _log(error), [error])
    if error is None:
        render()
        return
    with solara.Column(classes=["ms-refused"]):
        solara.Error(f"The page received a value it cannot use, so it was refused ({refusal_text(error)}). "
                     "Continue to start the page afresh.")
        solara.Button("Continue", color="primary", on_click=clear, classes=["ms-continue"])


@solara.component
def GuardedLayout(children: list[Any] | None = None) -> None:
    """Solara's app layout under :func:`Guarded`: the app's ``Layout``, so the sidebar (which
    Solara draws in the layout, outside the page) is guarded too."""
    Guarded(lambda: solara.AppLayout(children=children or []))


def _log(error: BaseException | None) -> None:
    if error is not None:
        logger.error("the dashboard refused a value a control was sent", exc_info=error)
