"""The teaching panel: a lesson's or the presets' narrative, objectives and discussion questions.

Text is Markdown rendered on the server with markdown-it (raw HTML in it is escaped), because
Solara's own Markdown component needs front-end assets that are not available offline.
"""

# ruff: noqa: N802 -- Solara components are named like classes (Page, Card, ...)

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import solara
from markdown_it import MarkdownIt

import marketsim as ms
from marketsim.analysis import format_percent
from marketsim.dashboard.experiment import Experiment
from marketsim.lessons import Lesson, evaluate_claims
from marketsim.runs import BURN_IN

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> str:
    """Markdown as HTML, with any raw HTML in the text escaped."""
    return _MARKDOWN.render(text)


def _items(heading: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li>{_MARKDOWN.renderInline(item)}</li>" for item in items)
    return f'<div class="ms-teach-heading">{escape(heading)}</div><ul>{rows}</ul>'


def preset_html(label: str, scenario: ms.Scenario) -> str:
    """A preset's title, summary and teaching notes (session, objectives, questions)."""
    teaching = scenario.teaching
    session = f" · IDPC Module 7, session {escape(str(teaching['session']))}" if "session" in teaching else ""
    return (
        f'<div class="ms-teach-title">{escape(label)}: {escape(scenario.title)}'
        f'<span style="font-weight:400;color:#777">{session}</span></div>'
        f"{markdown_html(scenario.summary)}"
        f"{_items('Objectives', teaching.get('objectives', []))}"
        f"{_items('Questions for discussion', teaching.get('questions', []))}"
    )


def lesson_html(lesson: Lesson) -> str:
    """A lesson's narrative, objectives, what to watch, the changes and events it stages in every
    scenario, and its discussion questions."""
    watch = [f"**{w.metric.replace('_', ' ')}**: {w.note}" for w in lesson.watch]
    return (
        f'<div class="ms-teach-title">{escape(lesson.title)}</div>'
        f'<div style="color:#777">IDPC Module 7, session {escape(lesson.session)}: '
        f"{escape(lesson.session_name)} · {escape(lesson.activity)}</div>"
        f"{markdown_html(lesson.narrative)}"
        f"{_items('Objectives', lesson.objectives)}"
        f"{_items('What to watch', watch)}"
        f"{_items('Staged in every scenario', lesson.described()[0])}"
        f"{_items('Questions for discussion', lesson.questions)}"
    )


def claims_html(lesson: Lesson, experiment: Experiment, burn_in: int = BURN_IN) -> str:
    """The lesson's claims, each checked against the runs on screen so far (paired seeds) once
    they are past the burn-in, whose weeks are left out as everywhere else."""
    names = {scenario.name for scenario in experiment.scenarios}
    claims = [c for c in lesson.claims if {c.scenario, c.reference} <= names]
    if not claims or experiment.week == 0:
        return ""
    if experiment.week <= burn_in:
        rows = [f'<li>{_MARKDOWN.renderInline(claim.text)} <span class="ms-claim" style="color:#777;'
                f'white-space:nowrap">checked after week {burn_in}</span></li>' for claim in claims]
        heading = (f"What the lesson claims, checked once the runs pass week {burn_in} (the first {burn_in} "
                   f"weeks are left out of the means)")
        return f'<div class="ms-teach-heading">{heading}</div><ul>{"".join(rows)}</ul>'
    results = evaluate_claims(claims, experiment.metrics(), burn_in)
    rows = []
    for result in results:
        mark, colour = ("✔ shown so far", "#1a7f37") if result.holds else ("✘ not shown so far", "#b42318")
        change = "" if result.reference_mean == 0 else f" ({format_percent(result.pct_change)})"
        rows.append(f'<li>{_MARKDOWN.renderInline(result.claim.text)} <span class="ms-claim" '
                    f'style="color:{colour};white-space:nowrap">{mark}{change}</span></li>')
    return (f'<div class="ms-teach-heading">What the lesson claims, checked on these runs '
            f'(weekly means after week {burn_in}, {results[0].seeds} paired seeds)</div>'
            f'<ul>{"".join(rows)}</ul>')


STYLE = ("<style>.ms-teach{font-size:14px;line-height:1.45}.ms-teach-title{font-weight:600;"
         "font-size:15px;margin-top:6px}.ms-teach-heading{font-weight:600;margin-top:8px}"
         ".ms-teach ul{margin:2px 0 4px 18px;padding:0}.ms-teach p{margin:4px 0}</style>")


@solara.component
def LessonClaims(lesson: Lesson, experiment: Experiment, week: int) -> None:
    """The lesson's claims with their check on the runs so far (redone when the week changes)."""
    text = solara.use_memo(lambda: claims_html(lesson, experiment), [lesson, experiment, week])
    if text:
        solara.HTML(unsafe_innerHTML=STYLE + text, classes=["ms-teach", "ms-claims"])


@solara.component
def TeachingPanel(experiment: Experiment, week: int, lesson: Lesson | None) -> None:
    """The lesson's text and checked claims when a lesson is chosen, else each preset's notes."""
    if lesson is not None:
        solara.HTML(unsafe_innerHTML=STYLE + lesson_html(lesson), classes=["ms-teach"])
        LessonClaims(lesson, experiment, week)
        with solara.Details("Facilitator notes"):
            solara.HTML(unsafe_innerHTML=STYLE + _items("Notes", lesson.facilitator_notes)
                        + _items("Sources", lesson.sources), classes=["ms-teach"])
        return
    text = "".join(preset_html(experiment.labels[i], scenario)
                   for i, scenario in enumerate(experiment.scenarios))
    solara.HTML(unsafe_innerHTML=STYLE + text, classes=["ms-teach"])
