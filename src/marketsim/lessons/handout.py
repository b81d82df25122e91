"""A lesson's printable handout: one self-contained HTML page with its run, table and claims."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from markdown_it import MarkdownIt

from marketsim import __version__, analysis
from marketsim.config.scenario import load_scenario
from marketsim.lessons.claims import ClaimResult, evaluate_claims, run_lesson
from marketsim.lessons.schema import Lesson
from marketsim.runs import BURN_IN, ProgressOption, check_burn_in

HANDOUT_OUTCOMES = (*analysis.KEY_OUTCOMES, "prison_rate")
"""Outcome indicators in every handout's comparison table (the prison rate matches the toolkit's handout)."""


def handout_path(lesson: Lesson, out_dir: str | Path) -> Path:
    """Where :func:`build_handout` writes a lesson's handout."""
    return Path(out_dir) / f"lesson-{lesson.name}.html"


def build_handout(lesson: Lesson, *, seeds: int = 5, steps: int = 260, burn_in: int = BURN_IN,
                  out_dir: str | Path = "out", overrides: dict[str, Any] | None = None,
                  facilitator: bool = False, workers: int | None = 1,
                  progress: ProgressOption = False) -> Path:
    """Run a lesson's scenarios and write its printable handout as one self-contained HTML file.

    The handout holds the narrative, objectives, the scenarios, what to watch, a figure of
    the watched series (embedded PNG), a comparison table of outcome, process and watched
    indicators, the lesson's claims with the result of checking them on this very run, the
    discussion questions and the sources; with ``facilitator``, also the facilitator notes. The
    changes and events the lesson stages are named, and those after the last week left out.

    Args:
        lesson: the lesson.
        seeds: paired seeds per scenario.
        steps: weeks per run.
        burn_in: weeks at the start of each run left out of the table and the claims (stated
            in the handout).
        out_dir: the folder written to (created if needed).
        overrides: parameter overrides for every scenario.
        facilitator: include the facilitator notes (a trainer's copy).
        workers: processes running the simulations.
        progress: see ``marketsim.runs.ProgressOption``.

    Returns:
        The handout's path (:func:`handout_path`).
    """
    check_burn_in(burn_in, steps)
    render = _markdown_renderer()
    runs = run_lesson(lesson, lesson.scenarios, seeds, steps, overrides, workers=workers, progress=progress)
    results = evaluate_claims(lesson.claims, runs, burn_in)
    metrics = _table_metrics(lesson, runs)
    table = analysis.compare(analysis.summarise_runs(runs, burn_in), reference=lesson.scenarios[0],
                             metrics=metrics)
    figure = _figure(runs, [item.metric for item in lesson.watch], smooth=4 if steps >= 52 else 1, burn_in=burn_in)
    page = _page(lesson, render, runs, table, results, figure, burn_in, overrides or {}, facilitator)
    target = handout_path(lesson, out_dir)
    with analysis.atomic_path(target) as temporary:
        temporary.write_text(page, encoding="utf-8")
    return target


def staged_note(lesson: Lesson, steps: int) -> str:
    """What the lesson stages in every scenario, and what a run of ``steps`` weeks leaves out
    (a sentence each, with a leading space; "" when the lesson stages nothing)."""
    reached, unreached = lesson.described(steps)
    note = f" Staged in every scenario: {'; '.join(reached)}." if reached else ""
    if unreached:
        note += f" After the last week of these runs, so left out: {'; '.join(unreached)}."
    return html.escape(note)


def _markdown_renderer() -> MarkdownIt:
    """CommonMark with raw HTML escaped (a lesson file is text, never markup that runs), and
    without typographic replacements: lesson text already uses real dashes."""
    return MarkdownIt("commonmark", {"html": False})


def _table_metrics(lesson: Lesson, runs: pd.DataFrame) -> list[str]:
    """Outcome, process and market rows for the comparison table, in that order."""
    wanted = dict.fromkeys([*HANDOUT_OUTCOMES, *analysis.KEY_PROCESS,
                            *(item.metric for item in lesson.watch),
                            *(claim.metric for claim in lesson.claims)])
    present = [name for name in wanted if name in runs.columns]
    order = {"outcome": 0, "process": 1, "market": 2, "cost": 3}
    return sorted(present, key=lambda name: order[analysis.metric_info(name).group])


PRINT_WIDTH_IN = 7.2
"""The figure's width in inches: an A4 page between the handout's margins, so that its text
prints at the size matplotlib draws it (10 pt), not shrunk."""


def _figure(runs: pd.DataFrame, metrics: list[str], smooth: int, burn_in: int) -> str:
    """The watched series as a base64 SVG the width of a printed page, two panels to a row."""
    figure = analysis.plot_series(runs, metrics, smooth=smooth, burn_in=burn_in, columns=2,
                                  panel_width=PRINT_WIDTH_IN / 2, panel_height=2.6)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _not_settled_html(table: pd.DataFrame) -> str:
    """A note under the table for each metric in it that has not settled by the end of the runs."""
    shown = [analysis.NOT_SETTLED[name] for name in pd.unique(table["metric"]) if name in analysis.NOT_SETTLED]
    return "".join(f'<p class="note">{html.escape(text)}.</p>' for text in shown)


def _comparison_html(table: pd.DataFrame, scenarios: Sequence[str]) -> str:
    """The comparison table: one row per indicator, per scenario the mean and the change."""
    reference = scenarios[0]
    head = "".join(f"<th>{html.escape(name)}</th>" for name in scenarios)
    rows = []
    group = None
    for metric, block in table.groupby("metric", sort=False):
        first = block.iloc[0]
        if first["group"] != group:
            group = first["group"]
            rows.append(f'<tr class="group"><th colspan="{len(scenarios) + 1}">'
                        f"{html.escape(group.capitalize())} indicators</th></tr>")
        cells = []
        for name in scenarios:
            row = block[block["scenario"] == name].iloc[0]
            mean = analysis.format_number(row["mean"])
            if name == reference:
                cells.append(f"<td>{mean}</td>")
                continue
            clear = row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0
            change = (analysis.format_percent(row["pct_change"]) if not math.isnan(row["pct_change"])
                      else analysis.format_number(row["diff"], signed=True))
            css = ' class="clear"' if clear else ""
            cells.append(f'<td>{mean} <span{css}>({change})</span></td>')
        label = (f'<th scope="row">{html.escape(str(metric))}'
                 f'<span class="unit">{html.escape(first["unit"])}</span></th>')
        rows.append(f"<tr>{label}{''.join(cells)}</tr>")
    return (f'<table class="compare"><thead><tr><th>Indicator</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _claim_html(result: ClaimResult, render: MarkdownIt) -> str:
    verdict = {"holds": ("✓", "holds in this run"),
               "holds (CI includes 0)": ("✓", "holds in this run, but the 95% CI includes zero"),
               "fails": ("✗", "not seen in this run")}[result.verdict()]
    signed = [analysis.format_number(value, signed=True) for value in (result.diff, result.ci_low, result.ci_high)]
    detail = (f"{html.escape(result.claim.describe())}: paired difference "
              f"{signed[0]} (95% CI {signed[1]} to {signed[2]})")
    css = "holds" if result.holds else "fails"
    return (f'<li class="{css}"><span class="mark">{verdict[0]}</span> '
            f"{render.renderInline(result.claim.text)} <em>— {verdict[1]}.</em>"
            f'<div class="detail">{detail}</div></li>')


def _page(lesson: Lesson, render: MarkdownIt, runs: pd.DataFrame, table: pd.DataFrame,
          results: list[ClaimResult], figure: str, burn_in: int, overrides: dict[str, Any],
          facilitator: bool) -> str:
    """The complete handout page."""
    def items(texts: Sequence[str]) -> str:
        return "".join(f"<li>{render.renderInline(text)}</li>" for text in texts)

    seeds = runs.groupby("scenario")["seed"].nunique().max()
    steps = int(runs["step"].max())
    presets = [load_scenario(name) for name in lesson.scenarios]
    scenario_rows = "".join(
        f"<tr><th scope=\"row\">{html.escape(s.title)}<span class=\"unit\">{html.escape(s.name)}</span></th>"
        f"<td>{render.renderInline(' '.join(s.summary.split()))}</td></tr>" for s in presets)
    watch = "".join(f"<li><code>{html.escape(item.metric)}</code> — {render.renderInline(item.note)}</li>"
                    for item in lesson.watch)
    changed = "; ".join(f"{path} = {value!r}" for path, value in overrides.items())
    run_note = (f"{seeds} paired seed{'s' if seeds > 1 else ''} × {steps} weeks; averages leave out "
                f"the first {burn_in} weeks. Changes are relative to {html.escape(lesson.scenarios[0])}, "
                f"taken seed by seed; bold changes have a 95% confidence interval that excludes zero."
                + (f" Overrides for every scenario: {html.escape(changed)}." if changed else "")
                + staged_note(lesson, steps))
    sections = [
        f"<header><p class=\"kicker\">IDPC drug policy training toolkit · Module 7 · "
        f"Session {lesson.session}: {html.escape(lesson.session_name)}</p>"
        f"<h1>{html.escape(lesson.title)}</h1>"
        f"<p class=\"activity\">{html.escape(lesson.activity)}</p></header>",
        f"<section class=\"narrative\">{render.render(lesson.narrative)}</section>",
        f"<section class=\"keep\"><h2>Learning objectives</h2><ul>{items(lesson.objectives)}</ul></section>",
        f"<section class=\"keep\"><h2>The scenarios</h2><table class=\"scenarios\">{scenario_rows}</table>"
        "</section>",
        f"<section class=\"keep\"><h2>What to watch in the charts</h2><ul>{watch}</ul></section>",
        f"<section class=\"figure keep\"><h2>Weekly series</h2>"
        f"<img src=\"data:image/svg+xml;base64,{figure}\" alt=\"Weekly series of "
        f"{html.escape(', '.join(item.metric for item in lesson.watch))} for "
        f"{html.escape(', '.join(lesson.scenarios))}\"></section>",
        f"<section class=\"table\"><div class=\"lead\"><h2>Comparison of indicators</h2>"
        f"<p class=\"note\">Weekly means. {run_note}</p></div>{_comparison_html(table, lesson.scenarios)}"
        f"{_not_settled_html(table)}</section>",
    ]
    if results:
        claims = "".join(_claim_html(result, render) for result in results)
        sections.append(f"<section><div class=\"lead\"><h2>What the simulation shows</h2><p class=\"note\">"
                        f"Each statement is checked on the runs above: it holds if the mean paired "
                        f"difference has the stated sign.</p></div><ul class=\"claims\">{claims}</ul></section>")
    questions = "".join(f"<li>{render.renderInline(text)}<div class=\"space\"></div></li>"
                        for text in lesson.questions)
    sections.append(f"<section class=\"questions\"><h2>Discussion questions</h2><ol>{questions}</ol></section>")
    if facilitator:
        sections.append(f"<section class=\"facilitator\"><h2>Facilitator notes</h2>"
                        f"<ul>{items(lesson.facilitator_notes)}</ul></section>")
    sections.append(f"<section class=\"sources\"><h2>Sources</h2><ul>{items(lesson.sources)}</ul></section>")
    footer = (f"<footer>Made with marketsim {__version__} on {date.today().isoformat()} "
              f"(lesson <code>{html.escape(lesson.name)}</code>). The simulated country is fictional; "
              f"the model is a teaching and research tool, not a forecast.</footer>")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Session {lesson.session} — {html.escape(lesson.title)}</title>"
            f"<style>{HANDOUT_CSS}</style></head><body><main>{''.join(sections)}{footer}</main></body></html>")


HANDOUT_CSS = """
body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; color: #1a1a1a; margin: 0; background: #f4f4f0; }
main { max-width: 50rem; margin: 0 auto; padding: 2rem 2.5rem; background: #fff; }
h1 { font-size: 1.7rem; margin: 0.2rem 0; line-height: 1.2; }
h2 { font: bold 1.05rem/1.3 Helvetica, Arial, sans-serif; border-bottom: 2px solid #b2182b;
     padding-bottom: 0.15rem; margin-top: 1.6rem; }
.kicker, .activity, .note, .unit, .detail, footer, table { font-family: Helvetica, Arial, sans-serif; }
.kicker { color: #b2182b; font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.04em; margin: 0; }
.activity { color: #555; margin: 0; }
.note, .detail, footer { color: #555; font-size: 0.85rem; }
.unit { display: block; font-weight: normal; color: #666; font-size: 0.75rem; }
img { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.4rem; text-align: left; vertical-align: top; }
table.compare td { text-align: right; white-space: nowrap; }
table.compare thead th { text-align: right; }
table.compare thead th:first-child { text-align: left; }
tr.group th { background: #f0ece4; text-transform: uppercase; font-size: 0.75rem; letter-spacing: 0.04em; }
.clear { font-weight: bold; }
ul.claims { list-style: none; padding-left: 0; }
ul.claims li { margin-bottom: 0.6rem; }
.mark { font-weight: bold; }
li.holds .mark { color: #1b7837; }
li.fails .mark { color: #b2182b; }
.questions li { margin-bottom: 0.4rem; }
.space { height: 0; }
.facilitator { background: #f7f3e8; padding: 0.2rem 1rem 0.6rem; }
footer { margin-top: 2rem; border-top: 1px solid #ddd; padding-top: 0.5rem; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2, .lead { break-after: avoid; }
  .lead, .keep { break-inside: avoid; }
  section.figure img { width: 100%; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  .space { height: 2.2cm; border-bottom: 1px dotted #aaa; margin-bottom: 0.3rem; }
  a { color: inherit; text-decoration: none; }
}
"""
