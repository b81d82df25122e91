"""Lessons: preset scenarios arranged for teaching, one per session of IDPC Module 7.

A lesson is a TOML file in ``scenarios/lessons/`` (shipped in the wheel with the
presets). It names the session of the IDPC drug policy training toolkit, Module 7,
that it supports, the two or three preset scenarios it compares, and the text a
trainer needs: a narrative, learning objectives, what to watch in the charts,
discussion questions, facilitator notes and sources::

    title = "..."
    session = "7.5"
    activity = "Activity: Drug market-related insecurity and violence (30 min)"
    scenarios = ["baseline", "kingpin", "online_market"]
    narrative = "... Markdown ..."
    objectives = ["..."]
    questions = ["..."]
    facilitator_notes = ["..."]
    sources = ["..."]
    [[watch]]
    metric = "active_orgs"
    note = "..."
    [[claims]]
    metric = "active_orgs"
    scenario = "kingpin"
    reference = "baseline"
    direction = "higher"
    text = "Removing leaders fragments the organisations ..."

A lesson may also stage changes and events in every scenario it compares, written as in a
scenario file (:mod:`marketsim.config.timeline`), e.g. a border seizure in year 3::

    [[event]]
    week = 130
    kind = "seizure"
    where = "border"
    share = 0.9

A run too short to reach an entry leaves it out (it would change nothing) and says so.

Every statement a lesson makes about what the simulation shows is a claim: a
metric, a scenario, a reference scenario and a direction. :func:`check_claims`
runs both scenarios over paired seeds and reports whether the mean paired
difference has the claimed sign; :func:`build_handout` prints the result of that
check for the run it reports, so a handout never asserts more than its own run shows.
"""


from marketsim.lessons.claims import ClaimResult, check_all, check_claims, evaluate_claims, run_lesson
from marketsim.lessons.handout import HANDOUT_CSS, HANDOUT_OUTCOMES, build_handout, handout_path, staged_note
from marketsim.lessons.loading import lesson_dir, lesson_names, list_lessons, load_lesson
from marketsim.lessons.pdf import CHROMIUM_NAMES, print_pdf
from marketsim.lessons.schema import MAX_SCENARIOS, SESSIONS, Claim, Lesson, MetricName, Watch, describe_entry

__all__ = [
    "CHROMIUM_NAMES", "HANDOUT_CSS", "HANDOUT_OUTCOMES", "MAX_SCENARIOS", "SESSIONS", "Claim", "ClaimResult",
    "Lesson", "MetricName", "Watch", "build_handout", "check_all", "check_claims", "describe_entry",
    "evaluate_claims", "handout_path", "lesson_dir", "lesson_names", "list_lessons", "load_lesson", "print_pdf",
    "run_lesson", "staged_note",
]
