"""Finding and loading lesson files: by name, by session or by path, every problem named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.files import exists, read_toml
from marketsim.config.scenario import scenario_dir
from marketsim.lessons.schema import Claim, Lesson, Watch


def lesson_dir() -> Path:
    """The folder of lesson files, beside the preset scenarios."""
    return scenario_dir() / "lessons"



def lesson_names() -> list[str]:
    """Names of the lesson files (``violence``, ...), in session order."""
    sessions = {path.stem: _session_of(path) for path in lesson_dir().glob("*.toml")}
    return sorted(sessions, key=lambda name: (sessions[name], name))


def _session_of(path: Path) -> str:
    """The session a lesson file names, or "" if it names none or cannot be read."""
    try:
        session = read_toml(path, "lesson file").get("session")
    except ScenarioError:
        return ""
    return session if isinstance(session, str) else ""


def load_lesson(name_or_path: str | Path) -> Lesson:
    """A lesson by name (``violence``), by session (``7.5``) or from a ``.toml`` file path.

    Args:
        name_or_path: a lesson name, a session number, or a path to a lesson file.

    Returns:
        The validated lesson.

    Raises:
        ScenarioError: every problem, each naming the file and the field; for an unknown name,
            the closest one.
    """
    path = _locate(str(name_or_path))
    data = read_toml(path, "lesson file")
    derived = [f"{path.name}: {key}: unknown field (a lesson's {key} comes from its file)"
               for key in ("name", "path") if key in data]
    try:
        lesson = Lesson.model_validate({**data, "name": path.stem, "path": path})
    except ValidationError as error:
        errors = error.errors()
        # A list whose items failed is not also reported as too short.
        failed = {item["loc"][:-1] for item in errors if len(item["loc"]) > 1}
        problems = [_problem(path, item) for item in errors
                    if not (item["type"] == "too_short" and any(loc[:len(item["loc"])] == item["loc"]
                                                                for loc in failed))]
        raise ScenarioError(derived + problems) from None
    problems = derived + _timeline_problems(lesson)
    if problems:
        raise ScenarioError(problems)
    return lesson


def _timeline_problems(lesson: Lesson) -> list[str]:
    """What is wrong with the lesson's schedule and events, in each of its scenarios (a problem
    that arises with some of them only names them)."""
    found: dict[str, list[str]] = {}
    for name in lesson.scenarios:
        try:
            lesson.scenario(name)
        except ScenarioError as error:
            for problem in error.problems:
                found.setdefault(problem, []).append(name)
    return [problem if len(names) == len(lesson.scenarios) else f"{problem} (with {', '.join(names)})"
            for problem, names in found.items()]


def list_lessons() -> list[Lesson]:
    """Every lesson, loaded and validated, in session order.

    Raises:
        ScenarioError: the problems of the first lesson that does not load.
    """
    return [load_lesson(name) for name in lesson_names()]


def _locate(ref: str) -> Path:
    candidate = Path(ref)
    if candidate.suffix == ".toml" or "/" in ref:
        return candidate  # reading it says why, if it cannot be read
    path = lesson_dir() / f"{ref}.toml"
    if exists(path):
        return path
    names = lesson_names()
    by_session = {_session_of(lesson_dir() / f"{name}.toml"): name for name in names}
    if ref in by_session:
        return lesson_dir() / f"{by_session[ref]}.toml"
    raise ScenarioError([f"unknown lesson {ref!r}{did_you_mean(ref, names)} (lessons: {', '.join(names)}; "
                         f"or a session number such as 7.1, or a path to a .toml file)"])


def _problem(path: Path, item: Any) -> str:
    """One validation error as ``file: field: message``."""
    location = ".".join(f"[{part}]" if isinstance(part, int) else str(part) for part in item["loc"])
    location = location.replace(".[", "[")
    message = item["msg"].removeprefix("Value error, ")
    if item["type"] == "extra_forbidden":
        fields = {"watch": Watch, "claims": Claim}.get(str(item["loc"][0]), Lesson).model_fields
        allowed = [name for name in fields if name not in ("name", "path")]
        message = "unknown field" + did_you_mean(str(item["loc"][-1]), allowed)
    elif item["type"] == "missing":
        message = "missing field"
    elif item["type"] == "too_short":
        message = "must not be empty"
    return f"{path.name}: {location}: {message}" if location else f"{path.name}: {message}"
