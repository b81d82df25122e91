"""Lessons for IDPC Module 7: every lesson loads and runs, handouts hold what they promise,
bad names and malformed files fail clearly, and the claims lessons make are the design's.

Runs are short and in a small world so the file stays fast, except the claim check over the
default world (4 seeds × 104 weeks).
"""

from __future__ import annotations

import base64
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from marketsim import ScenarioError
from marketsim.cli import common
from marketsim.cli import main as cli
from marketsim.config.scenario import load_scenario, preset_names, scenario_dir
from marketsim.lessons import (
    SESSIONS,
    Lesson,
    build_handout,
    check_all,
    evaluate_claims,
    lesson_dir,
    lesson_names,
    list_lessons,
    load_lesson,
    run_lesson,
)
from marketsim.runs import run_batch

SMALL = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
SMALL_SETS = [arg for path, value in SMALL.items() for arg in ("--set", f"{path}={value}")]
SHORT_BURN_IN = 2
"""Runs here are a few weeks long: shorter than the default burn-in of a year."""

# Every claim a lesson may make, with the stylized fact (marketsim.validation.FACTS) that asserts it.
# A new claim needs a fact here first: lessons claim only what the design commits the model to.
ASSERTED = {
    ("production_share_region_1", "eradication", "baseline", "lower"): "1 balloon effect",
    ("prison_population", "zero_tolerance", "baseline", "higher"): "2 zero tolerance",
    ("homicides", "militarised_crackdown", "zero_tolerance", "higher"): "2 more so with militarisation",
    ("homicides", "focused_deterrence", "zero_tolerance", "lower"): "3 focused deterrence",
    ("active_orgs", "kingpin", "baseline", "higher"): "4 kingpin fragmentation",
    ("homicides", "kingpin", "baseline", "higher"): "4 kingpin homicide spike",
    ("homicides", "collusion", "baseline", "lower"): "5 collusion: less violence",
    ("corruption", "collusion", "baseline", "higher"): "5 collusion: more corruption",
    ("overdose_deaths", "harm_reduction", "zero_tolerance", "lower"): "7 harm reduction",
    ("new_infections", "harm_reduction", "zero_tolerance", "lower"): "7 harm reduction",
    ("prison_population", "alternatives_to_incarceration", "baseline", "lower"): "8 alternatives",
    ("violent_incidents", "online_market", "baseline", "lower"): "10 online trade",
    ("trust", "community_policing", "baseline", "higher"): "11 trust",
    ("reporting", "community_policing", "baseline", "higher"): "11 reporting",
    ("violent_incidents", "community_policing", "baseline", "lower"): "11 less violence",
}

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Print tables wide enough that no cell is cut, whatever the terminal."""
    monkeypatch.setattr(common, "console", Console(width=250, highlight=False))


def invoke(*args: str | Path):
    return runner.invoke(cli.app, ["lesson", *(str(arg) for arg in args)])


class _Text(HTMLParser):
    """The visible text of an HTML page, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def plain(markdown: str) -> str:
    """A lesson string as it reads once rendered: Markdown emphasis and code marks removed."""
    return " ".join(re.sub(r"(\*\*|\*|`)(.+?)\1", r"\2", markdown).split())


def lesson_file(folder: Path, text: str, name: str = "mine") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def valid_text() -> str:
    return (lesson_dir() / "violence.toml").read_text(encoding="utf-8")


# -- the lessons as data -----------------------------------------------------------------------
def test_one_lesson_per_module_7_session() -> None:
    lessons = list_lessons()
    assert [lesson.session for lesson in lessons] == list(SESSIONS)
    assert [lesson.name for lesson in lessons] == lesson_names()


@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_is_complete(name: str) -> None:
    lesson = load_lesson(name)
    assert isinstance(lesson, Lesson) and lesson.name == name
    assert 2 <= len(lesson.scenarios) <= 3 and set(lesson.scenarios) <= set(preset_names())
    assert lesson.title and lesson.activity and lesson.narrative.strip()
    assert lesson.objectives and lesson.questions and lesson.facilitator_notes and lesson.watch
    assert lesson.claims, "every lesson says at least one thing the simulation shows"
    assert any("Module 7" in source and lesson.session in source for source in lesson.sources)
    for claim in lesson.claims:
        assert {claim.scenario, claim.reference} <= set(lesson.scenarios)


def test_lessons_claim_only_what_the_design_asserts() -> None:
    for lesson in list_lessons():
        for claim in lesson.claims:
            key = (claim.metric, claim.scenario, claim.reference, claim.direction)
            assert key in ASSERTED, f"{lesson.name}: {claim.describe()} is not a stylized fact of marketsim.validation"


def test_presets_name_the_session_of_their_lesson() -> None:
    sessions: dict[str, set[str]] = {}
    for lesson in list_lessons():
        for name in lesson.scenarios:
            sessions.setdefault(name, set()).add(lesson.session)
    for name, used_in in sessions.items():
        if len(used_in) == 1:
            assert load_scenario(name).teaching.get("session") in used_in, name


def test_a_lesson_loads_by_session_number_and_by_path() -> None:
    assert load_lesson("7.5").name == "violence"
    assert load_lesson(lesson_dir() / "violence.toml") == load_lesson("violence")


def test_lessons_are_packaged_with_the_presets() -> None:
    assert lesson_dir() == scenario_dir() / "lessons"
    assert "lessons" not in preset_names()


# -- bad names and malformed files -------------------------------------------------------------
def test_unknown_lesson_suggests_the_closest_name() -> None:
    with pytest.raises(ScenarioError, match=re.escape("unknown lesson 'violense' — did you mean 'violence'?")):
        load_lesson("violense")


def test_a_malformed_lesson_names_the_file_and_every_field(tmp_path: Path) -> None:
    text = ('questons = ["typo"]\n' + valid_text().replace('session = "7.5"', 'session = "8.1"')
            .replace('"kingpin", "online_market"]', '"kingpn", "online_market"]')
            .replace('metric = "leaders_removed"', 'metric = "leader_removed"')
            .replace('direction = "lower"', 'direction = "down"'))
    path = lesson_file(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_lesson(path)
    problems = caught.value.problems
    assert all(problem.startswith("mine.toml: ") for problem in problems)
    joined = "\n".join(problems)
    assert "session: '8.1' is not a session of IDPC Module 7" in joined
    assert "scenarios: unknown preset 'kingpn' — did you mean 'kingpin'?" in joined
    assert "watch[1].metric: unknown metric 'leader_removed' — did you mean 'leaders_removed'?" in joined
    assert "claims[1].direction" in joined
    assert "questons: unknown field — did you mean 'questions'?" in joined


def test_a_claim_must_compare_the_lessons_own_scenarios(tmp_path: Path) -> None:
    text = valid_text().replace('scenario = "online_market"', 'scenario = "legal_regulation"')
    with pytest.raises(ScenarioError, match=re.escape("mine.toml: claims[1].scenario 'legal_regulation' is not one")):
        load_lesson(lesson_file(tmp_path, text))


def test_missing_fields_and_broken_toml_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=re.escape("mine.toml: questions: missing field")):
        load_lesson(lesson_file(tmp_path, re.sub(r"(?ms)^questions = \[.*?^\]\n", "", valid_text())))
    with pytest.raises(ScenarioError, match=r"malformed TOML in .*broken\.toml"):
        load_lesson(lesson_file(tmp_path, 'title = "unclosed\n', name="broken"))
    with pytest.raises(ScenarioError, match="name: unknown field"):
        load_lesson(lesson_file(tmp_path, 'name = "other"\n' + valid_text(), name="named"))


# -- changes and events a lesson stages ----------------------------------------------------------
SEIZURE = '\n[[event]]\nweek = 5\nkind = "seizure"\nwhere = "border"\nshare = 0.9\n'


def test_the_organised_crime_lesson_stages_a_border_seizure_in_year_3_in_every_scenario() -> None:
    lesson = load_lesson("organised_crime")
    assert lesson.described() == (["wk 130: seizure of 90% at border"], [])
    assert lesson.described(104) == ([], ["wk 130: seizure of 90% at border"])
    for name in lesson.scenarios:
        (event,) = lesson.scenario(name, SMALL, steps=260).timeline.events
        assert (event.week, event.kind, event.where, event.share) == (130, "seizure", ("border",), 0.9)
        assert lesson.scenario(name, SMALL, steps=104).timeline.events == ()
    assert any("week 130" in question and "prices" in question for question in lesson.questions)


def test_a_lessons_schedule_and_events_are_checked_naming_the_file_the_entry_and_the_scenarios(tmp_path: Path) -> None:
    text = valid_text() + ('\n[[event]]\nweek = 0\nkind = "seizur"\n'
                           '\n[[event]]\nweek = 5\nkind = "seizure"\nwhere = "border"\nshare = 1.5\n')
    with pytest.raises(ScenarioError) as caught:
        load_lesson(lesson_file(tmp_path, text))
    assert caught.value.problems == [
        "mine.toml: event[0].kind = 'seizur' is not an event kind — did you mean 'seizure'? (allowed: seizure, "
        "leader_removal, arrest_sweep, market_entry)",
        "mine.toml: event[1].share = 1.5: allowed a number > 0 and ≤ 1"]
    # budget shares changed together beyond the whole budget: in every scenario
    text = valid_text() + '\n[[schedule]]\nweek = 20\nset = { "policy.street_share" = 0.6, "policy.hvt_share" = 0.5 }\n'
    with pytest.raises(ScenarioError) as caught:
        load_lesson(lesson_file(tmp_path, text))
    (budget,) = caught.value.problems
    assert budget.startswith("mine.toml: schedule, from week 20: policy budget shares set together add up to 1.1")
    assert "(with " not in budget, "a problem in every scenario names none of them"


def test_a_lesson_runs_its_scenarios_with_its_events_and_checks_its_claims_on_those_runs(tmp_path: Path) -> None:
    plain = load_lesson("violence")
    staged = load_lesson(lesson_file(tmp_path, valid_text() + SEIZURE))
    runs = run_lesson(staged, staged.scenarios, 2, 8, SMALL)
    assert (runs[runs.step == 5].shocks == 1).all() and runs[runs.step != 5].shocks.sum() == 0
    seizure = [{"week": 5, "kind": "seizure", "where": "border", "share": 0.9}]
    alone = run_batch([load_scenario(name, SMALL, events=seizure) for name in staged.scenarios], 2, 8, progress=False)
    pd.testing.assert_frame_equal(runs, alone)
    # lessons that stage different events do not share runs; those that stage none do
    results = check_all([plain, staged], seeds=2, steps=8, burn_in=SHORT_BURN_IN, overrides=SMALL, workers=1)
    def differences(found: list) -> list[float]:
        return [result.diff for result in found]

    assert differences(results["mine"]) == differences(evaluate_claims(staged.claims, runs, SHORT_BURN_IN))
    unstaged = run_batch(list(plain.scenarios), 2, 8, SMALL, progress=False)
    assert differences(results["violence"]) == differences(evaluate_claims(plain.claims, unstaged, SHORT_BURN_IN))
    assert differences(results["mine"]) != differences(results["violence"])


def test_a_place_a_lesson_names_that_is_not_in_the_world_names_the_lesson_file(tmp_path: Path) -> None:
    lesson = load_lesson(lesson_file(tmp_path, valid_text() + SEIZURE.replace('"border"', '"bordr"')))
    with pytest.raises(ScenarioError, match=r"mine\.toml: event\[0\]\.where: 'bordr' is not a place.*did you mean"):
        run_lesson(lesson, lesson.scenarios, 1, 8, SMALL)


def test_the_handout_names_the_staged_events_and_those_after_its_last_week(tmp_path: Path) -> None:
    text = valid_text() + SEIZURE + SEIZURE.replace("week = 5", "week = 50")
    path = build_handout(load_lesson(lesson_file(tmp_path, text)), seeds=1, steps=8, burn_in=SHORT_BURN_IN,
                         out_dir=tmp_path, overrides=SMALL)
    page = visible_text(path.read_text(encoding="utf-8"))
    assert ("Staged in every scenario: wk 5: seizure of 90% at border. After the last week of these runs, so "
            "left out: wk 50: seizure of 90% at border.") in page


def test_cli_shows_staged_events_and_says_which_a_check_does_not_reach() -> None:
    shown = invoke("show", "organised_crime")
    assert shown.exit_code == 0 and "Staged in every scenario" in shown.stdout
    assert "wk 130: seizure of 90% at border" in shown.stdout
    checked = invoke("check", "organised_crime", "--seeds", "2", "--steps", "8", "--burn-in", "2", "--workers", "1",
                     *SMALL_SETS)
    assert checked.exit_code in (0, 1), checked.output
    assert "organised_crime: after the last week (8), so left out: wk 130: seizure of 90% at border" in checked.stdout


# -- running -----------------------------------------------------------------------------------
def test_every_lesson_runs_and_every_claim_is_evaluated() -> None:
    lessons = list_lessons()
    needed = list(dict.fromkeys(name for lesson in lessons for name in lesson.scenarios))
    runs = run_batch(needed, [7], 8, SMALL, progress=False)
    assert set(runs["scenario"]) == set(needed)
    for lesson in lessons:
        results = evaluate_claims(lesson.claims, runs, SHORT_BURN_IN)
        assert [result.claim for result in results] == list(lesson.claims)
        assert all(result.seeds == 1 and result.verdict() in ("holds", "holds (CI includes 0)", "fails")
                   for result in results)


def test_handout_is_one_file_with_narrative_figure_table_claims_and_questions(tmp_path: Path) -> None:
    lesson = load_lesson("modernising_enforcement")
    path = build_handout(lesson, seeds=2, steps=26, burn_in=SHORT_BURN_IN, out_dir=tmp_path, overrides=SMALL)
    assert path == tmp_path / "lesson-modernising_enforcement.html"
    assert [item.name for item in tmp_path.iterdir()] == [path.name], "one self-contained file, nothing else"
    page = path.read_text(encoding="utf-8")

    text = visible_text(page)
    assert lesson.title in text and f"Session {lesson.session}" in text
    assert "Meridia's new police chief" in text
    assert f"averages leave out the first {SHORT_BURN_IN} weeks" in text
    assert "prison_population has not settled by the end of a ten-year run" in text
    for question in lesson.questions:
        assert plain(question) in text
    for claim in lesson.claims:
        assert plain(claim.text) in text and claim.describe() in text
    assert plain(lesson.facilitator_notes[0]) not in text, "facilitator notes only in the trainer's copy"

    images = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 1 and b"<svg" in base64.b64decode(images[0])
    # the figure is drawn the width of the printed page, so its text prints at its own size
    width = re.search(rb'<svg[^>]* width="([0-9.]+)pt"', base64.b64decode(images[0]))
    assert width and float(width.group(1)) / 72 == pytest.approx(7.2)
    # every heading is kept on the page of what it introduces, and nothing forces a half-empty page
    assert all(re.search(r'(class="(?:[a-z ]*keep|lead)">)<h2>' + re.escape(heading), page)
               for heading in ("The scenarios", "Weekly series", "Comparison of indicators"))
    assert "break-before: page" not in page
    table = page[page.index('<table class="compare">'):]
    table = table[:table.index("</table>")]
    for name in lesson.scenarios:
        assert f"<th>{name}</th>" in table
    for heading in ("Outcome indicators", "Process indicators"):
        assert heading in table
    for metric in ("homicides", "overdose_deaths", "prison_population", "arrests", "seizures_kg"):
        assert f'<th scope="row">{metric}<' in table
    assert "<style>" in page and "@media print" in page
    assert not re.search(r'<(link|script)[^>]*(href|src)=', page), "no external resources"


def test_a_burn_in_as_long_as_the_runs_is_refused_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="burn_in = 52 leaves no weeks to average: allowed fewer than steps = 8"):
        build_handout(load_lesson("violence"), seeds=1, steps=8, out_dir=tmp_path, overrides=SMALL)
    assert list(tmp_path.iterdir()) == []


def test_trainers_copy_adds_facilitator_notes(tmp_path: Path) -> None:
    lesson = load_lesson("setting_the_scene")
    path = build_handout(lesson, seeds=1, steps=8, burn_in=SHORT_BURN_IN, out_dir=tmp_path, overrides=SMALL,
                         facilitator=True)
    text = visible_text(path.read_text(encoding="utf-8"))
    assert "Facilitator notes" in text
    for note in lesson.facilitator_notes:
        assert plain(note) in text


# -- the command line --------------------------------------------------------------------------
def test_cli_lists_and_shows_lessons() -> None:
    listed = invoke("list")
    assert listed.exit_code == 0, listed.output
    for name in lesson_names():
        assert name in listed.stdout
    shown = invoke("show", "7.3")
    assert shown.exit_code == 0, shown.output
    assert "The price of quiet" in shown.stdout and "Yakuza" in shown.stdout


def test_cli_run_writes_the_handout(tmp_path: Path) -> None:
    result = invoke("run", "7.2", "--seeds", "2", "--steps", "12", "--burn-in", "2", "--out", tmp_path / "out",
                    *SMALL_SETS)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "lesson-motivations.html").is_file()


@pytest.mark.parametrize("args", [
    ("show", "violense"),
    ("run", "violense"),
    ("check", "violense"),
])
def test_cli_bad_name_exits_2_with_a_close_match(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = invoke(*args, *(("--out", tmp_path / "out") if args[0] == "run" else ()))
    assert result.exit_code == 2
    assert "did you mean 'violence'?" in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_bad_override_or_folder_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    result = invoke("run", "violence", "--set", "world.producer=600", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "did you mean world.producers?" in result.stderr
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = invoke("run", "violence", "--out", blocker / "out")
    assert result.exit_code == 2 and "not a directory" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file"]


def test_cli_runs_shorter_than_the_burn_in_shrink_the_default_and_refuse_a_given_one(tmp_path: Path) -> None:
    result = invoke("run", "violence", "--steps", "12", "--burn-in", "52", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "--burn-in = 52 leaves no weeks to average" in result.stderr
    assert not (tmp_path / "out").exists()
    shrunk = invoke("run", "violence", "--seeds", "1", "--steps", "12", "--out", tmp_path / "out", *SMALL_SETS)
    assert shrunk.exit_code == 0, shrunk.output
    assert ("note: a 12-week run is no longer than the default burn-in of 52 weeks: averages cover weeks 7–12"
            in shrunk.stderr)
    assert "averages leave out the first 6 weeks" in visible_text((tmp_path / "out" / "lesson-violence.html")
                                                                   .read_text(encoding="utf-8"))


def test_cli_check_needs_a_name_or_all() -> None:
    assert invoke("check").exit_code == 2
    assert invoke("check", "violence", "--all").exit_code == 2


def test_cli_check_reports_every_claim() -> None:
    result = invoke("check", "governance", "--seeds", "2", "--steps", "8", "--burn-in", "2", "--workers", "1",
                    *SMALL_SETS)
    assert result.exit_code in (0, 1), result.output
    for claim in load_lesson("governance").claims:
        assert claim.describe() in result.stdout
    assert "claims hold" in result.stdout


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium to print PDF")
def test_cli_run_prints_pdf(tmp_path: Path) -> None:
    result = invoke("run", "7.1", "--seeds", "1", "--steps", "8", "--burn-in", "2", "--out", tmp_path, "--pdf",
                    *SMALL_SETS)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lesson-setting_the_scene.pdf").read_bytes().startswith(b"%PDF")


# -- the claims, over the default world --------------------------------------------------------
def test_every_lesson_claim_holds_over_paired_seeds() -> None:
    """Each claim's mean paired difference has the claimed sign: 4 seeds × 104 weeks, 2 workers."""
    results = check_all(list_lessons(), seeds=4, steps=104, workers=2)
    failures = [f"{lesson}: {result.claim.describe()} (paired difference {result.diff:+.3g}, "
                f"95% CI {result.ci_low:+.3g} to {result.ci_high:+.3g})"
                for lesson, found in results.items() for result in found if not result.holds]
    assert not failures, "claims that do not hold:\n" + "\n".join(failures)


def test_raw_html_in_a_lesson_file_is_escaped_in_the_handout(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.toml"
    text = (lesson_dir() / "modernising_enforcement.toml").read_text(encoding="utf-8")
    hostile.write_text(text.replace('narrative = """\n', 'narrative = """\n<script>alert(1)</script>\n\n'
                                    '<img src=x onerror=alert(2)> and **bold**\n\n', 1), encoding="utf-8")
    path = build_handout(load_lesson(hostile), seeds=1, steps=4, burn_in=SHORT_BURN_IN, out_dir=tmp_path,
                         overrides=SMALL, progress=False)
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<strong>bold</strong>" in page, "Markdown itself still renders"
