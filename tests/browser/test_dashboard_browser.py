"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against
``marketsim dashboard`` started on a free local port.

A new user's first minutes: open the page (nothing may be fetched from anywhere but the
dashboard itself), pick focused deterrence against zero tolerance, step, play, and see the
map, charts and scoreboard change, with no error in the browser console.

Set ``MARKETSIM_SCREENSHOT=docs/dashboard.png`` to save the screenshot used in the docs.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from served import CHROMIUM, CHROMIUM_ARGS, MARKETSIM_DASHBOARD, serving

pytestmark = pytest.mark.browser

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``marketsim dashboard`` on a free port of 127.0.0.1, stopped after the tests."""
    with serving(MARKETSIM_DASHBOARD, tmp_path_factory.mktemp("dashboard") / "server.log") as url:
        yield url


def test_compare_two_policies_in_the_browser(dashboard_url: str) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed (apt-get install chromium; .ci/run installs it)"
    problems: list[str] = []
    elsewhere: list[str] = []

    def local_only(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", None) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", local_only)
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.goto(dashboard_url)
            page.wait_for_selector(".ms-step", timeout=60_000)

            def week() -> int:
                return int(page.inner_text(".ms-week"))

            def pick(label: str, title: str) -> None:
                page.get_by_label(label).click(force=True)
                page.get_by_role("option", name=title, exact=True).click()

            pick("Scenario A (reference)", "Focused deterrence")
            page.wait_for_selector("text=A: Focused deterrence")
            page.click(".ms-add-run")
            pick("Scenario B", "Zero tolerance")
            page.wait_for_selector("text=B: Zero tolerance")
            assert week() == 0

            map_before = page.inner_html("svg.ms-map")
            line_before = page.locator('svg.ms-series[data-metric="homicides"]').inner_html()
            started = time.perf_counter()
            page.click(".ms-step")
            page.wait_for_function("document.querySelector('.ms-week').textContent === '1'")
            step_seconds = time.perf_counter() - started
            page.wait_for_selector('svg.ms-series[data-metric="homicides"][data-week="1"]')
            page.wait_for_selector('svg.ms-map[data-week="1"]')
            assert page.inner_html("svg.ms-map") != map_before
            assert page.locator('svg.ms-series[data-metric="homicides"]').inner_html() != line_before
            assert page.locator('svg.ms-series[data-metric="homicides"] polyline.ms-line').count() == 2

            page.click(".ms-play")
            page.wait_for_function("Number(document.querySelector('.ms-week').textContent) >= 26",
                                   timeout=90_000)
            page.click(".ms-play")
            page.wait_for_selector(".ms-step:not([disabled])")
            board = page.inner_text("table.ms-scoreboard")
            assert "B − A" in board
            for metric in ("homicides", "prison_population"):
                row = page.locator(f'tr.ms-row[data-metric="{metric}"] td.ms-diff')
                assert re.search(r"[+-]?\d", row.inner_text()), f"no difference shown for {metric}"
            screenshot = os.environ.get("MARKETSIM_SCREENSHOT")
            if screenshot:
                page.screenshot(path=screenshot)
        finally:
            browser.close()
    print(f"step + redraw seen in the browser: {1000 * step_seconds:.0f} ms")
    assert step_seconds < 5, f"one step took {step_seconds:.1f} s to show"
    assert not elsewhere, f"the page reached beyond the dashboard: {elsewhere}"
    assert not problems, "\n".join(problems)


def test_schedule_a_policy_and_stage_a_seizure_in_the_browser(dashboard_url: str) -> None:
    """Aim street enforcement at two neighbourhoods from week 3, press "Seizure now" in week 1,
    and see both marked on the charts, listed under the maps and ringed on the map."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.goto(dashboard_url)
            page.wait_for_selector(".ms-step", timeout=60_000)
            page.get_by_label("at places").click(force=True)
            # One place at a time, as a person clicks: each choice is a round trip to the server, and a
            # second click sent before the first one's answer arrives races with it.
            chosen: list[str] = []
            for place in ("nbhd_03", "nbhd_04"):
                page.get_by_role("option", name=place, exact=True).click()
                chosen.append(place)
                page.wait_for_selector(f"text=Aimed: street: {', '.join(chosen)}.")
            page.keyboard.press("Escape")
            start = page.get_by_label("Policy starts at week")
            start.fill("3")
            start.press("Enter")
            page.wait_for_selector('.ms-timeline-entry[data-kind="change"][data-state="planned"]')
            assert "week 3: policy.targets = street → nbhd_03, nbhd_04" in page.inner_text(".ms-timeline")

            page.click(".ms-step")
            page.wait_for_function("document.querySelector('.ms-week').textContent === '1'")
            page.click(".ms-seize-now")
            page.wait_for_selector("text=Staged here: week 2: seizure")
            page.wait_for_selector('svg.ms-series[data-metric="homicides"] .ms-marker[data-kind="event"]'
                                   '[data-week="2"][data-state="planned"]')
            for week in (2, 3):
                page.click(".ms-step")
                page.wait_for_function(f"document.querySelector('.ms-week').textContent === '{week}'")
            marked = 'svg.ms-series[data-metric="homicides"] .ms-marker[data-state="done"]'
            page.wait_for_selector(marked + '[data-kind="change"][data-week="3"]')
            assert page.locator(marked + '[data-kind="event"][data-week="2"]').count() == 1
            assert page.locator("svg.ms-map .ms-target").count() == 2
            assert page.locator("svg.ms-map .ms-event-place").count() > 0
            assert "week 2: seizure of 90% at border" in page.text_content("svg.ms-map .ms-map-event")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)


def test_scoreboard_colours_lesson_charts_and_saving_in_the_browser(dashboard_url: str, tmp_path: Path) -> None:
    """The scoreboard as the command line reports it (no number before week 1, means after the
    burn-in with 95% CIs), scenario B's line in a colour that is neither better's nor worse's, a
    lesson's metrics charted, and the edited scenario saved as a scenario file that loads."""
    from playwright.sync_api import sync_playwright

    import marketsim as ms
    from marketsim.dashboard.charts import RUN_COLOURS
    from marketsim.dashboard.views import VERDICT_COLOURS
    from marketsim.lessons import load_lesson

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.goto(dashboard_url)
            page.wait_for_selector(".ms-step", timeout=60_000)
            page.click(".ms-add-run")
            page.wait_for_selector("text=B − A")
            board = page.inner_text("table.ms-scoreboard")
            assert "No weeks run yet" in page.inner_text(".v-card:has(table.ms-scoreboard)")
            for metric in ("prison_population", "trust"):
                first = page.locator(f'tr.ms-row[data-metric="{metric}"] td.ms-value').first.inner_text()
                assert first.strip() == "—", f"{metric} shows {first!r} before week 1"

            page.click(".ms-play")
            page.wait_for_function("Number(document.querySelector('.ms-week').textContent) >= 8", timeout=90_000)
            page.click(".ms-play")
            page.wait_for_selector(".ms-step:not([disabled])")
            lines = page.locator('svg.ms-series[data-metric="homicides"] polyline.ms-line')
            strokes = [lines.nth(i).get_attribute("stroke") for i in range(lines.count())]
            assert strokes == list(RUN_COLOURS[:2])
            assert not {VERDICT_COLOURS["better"], VERDICT_COLOURS["worse"]} & set(strokes)
            header = page.inner_text(".v-card:has(table.ms-scoreboard)")
            assert re.search(r"Weekly means over weeks \d+–\d+ \(the first \d+ left out", header)
            assert "95% CI" in header and "has not settled" in header
            board = page.inner_text("table.ms-scoreboard")
            assert re.search(r"\[[-+]?[\d.,k]+, [-+]?[\d.,k]+\]", board), "intervals shown"

            with page.expect_download() as saving:
                page.get_by_text("Save scenario A as TOML").click()
            saved = tmp_path / "saved.toml"
            saving.value.save_as(saved)
            assert ms.load_scenario(saved).extends == "baseline"

            lesson = load_lesson("violence")
            page.get_by_label("Lesson (IDPC Module 7)").click(force=True)
            page.get_by_role("option", name=f"{lesson.session} {lesson.title}", exact=True).click()
            for item in lesson.watch:
                page.wait_for_selector(f'svg.ms-series[data-metric="{item.metric}"]')
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
