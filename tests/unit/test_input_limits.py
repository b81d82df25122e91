"""Every input path closed (issue #25): whatever a file, an option or a name holds, the answer is
one clear error with exit status 2, never a traceback; documents are bounded in size, nesting
and length; ``extends`` chains are read once per file; a scenario's relative paths are its own;
output directories a command creates are said.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import marketsim as ms
from marketsim.cli import main as cli
from marketsim.config import scenario as scenario_module
from marketsim.config.errors import LONGEST_PROBLEM
from marketsim.config.files import MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_ITEMS, parse_json, parse_toml
from marketsim.config.scenario import MAX_EXTENDS
from marketsim.config.timeline import MAX_EVENTS_PER_WEEK
from marketsim.world import generate_world, save_world

SHORT = ["--steps", "2", "--burn-in", "0"]
DEEP = "[" * 600 + "]" * 600
"""An array nested 600 deep: tomllib and json raise RecursionError on it."""
LONG_NAME = "a" * 300
"""A file name longer than any file system allows (255 bytes)."""
runner = CliRunner()


def refused(*args: str | Path, message: str) -> str:
    """The command exits with status 2 and prints ``message`` (a regex) on stderr; returns stderr."""
    result = runner.invoke(cli.app, [str(arg) for arg in args])
    assert result.exit_code == 2, (result.exit_code, result.output[-2000:])
    assert re.search(message, result.stderr), result.stderr[-2000:]
    assert "Traceback" not in result.output
    return result.stderr


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- nesting ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [f"x = {DEEP}\n", f"extends = \"baseline\"\n[policy]\nhvt_share = {DEEP}\n"],
                         ids=["top level", "a parameter"])
def test_a_scenario_nested_600_deep_is_refused(tmp_path: Path, text: str) -> None:
    deep = write(tmp_path / "deep.toml", text)
    refused("run", deep, *SHORT, message=rf"deep\.toml is nested too deeply: allowed at most {MAX_DEPTH} levels")


def test_a_sweep_spec_and_a_lesson_nested_600_deep_are_refused(tmp_path: Path) -> None:
    deep = write(tmp_path / "deep.toml", f"x = {DEEP}\n")
    refused("sweep", "run", deep, "--out", tmp_path / "out", message="nested too deeply")
    refused("lesson", "show", deep, message="nested too deeply")
    assert not (tmp_path / "out").exists()


def test_options_nested_600_deep_are_refused() -> None:
    refused("run", "baseline", *SHORT, "--set", f"policy.hvt_share={DEEP}",
            message=r"policy\.hvt_share = '\[\[\[.*has the wrong type: allowed a number")
    refused("run", "baseline", *SHORT, "--at", f"2:policy.hvt_share={DEEP}",
            message=r"policy\.hvt_share = '\[\[\[.*has the wrong type")
    refused("run", "baseline", *SHORT, "--event", "{week=1, kind=" + DEEP + "}",
            message=r"--event .* is not a TOML inline table \(--event is nested too deeply")


def test_a_json_world_nested_600_deep_is_refused(tmp_path: Path) -> None:
    world = write(tmp_path / "w.json", DEEP)
    with pytest.raises(ms.ScenarioError, match=r"w\.json is nested too deeply"):
        ms.DrugMarketModel("baseline", overrides={"world.file": str(world)})


def test_nesting_and_length_are_measured_at_the_limits() -> None:
    inside = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_toml(f"x = {inside}", "test")["x"] is not None
    with pytest.raises(ms.ScenarioError, match="nested too deeply"):
        parse_toml(f"x = [{inside}]", "test")
    assert len(parse_json("[" + ",".join(["1"] * MAX_ITEMS) + "]", "test")) == MAX_ITEMS
    with pytest.raises(ms.ScenarioError, match=rf"holds an array of {MAX_ITEMS + 1:,} items: allowed at most"):
        parse_json("[" + ",".join(["1"] * (MAX_ITEMS + 1)) + "]", "test")


# -- sizes ----------------------------------------------------------------------------------------
def test_a_teaching_array_of_two_million_items_is_refused(tmp_path: Path) -> None:
    huge = write(tmp_path / "huge.toml", "extends = \"baseline\"\n[teaching]\nx = [" + "1," * 2_000_000 + "]\n")
    refused("run", huge, *SHORT, message=rf"larger than {MAX_DOCUMENT_BYTES:,} bytes")
    long = write(tmp_path / "long.toml", "extends = \"baseline\"\n[teaching]\nx = [" + "1," * (MAX_ITEMS + 1) + "]\n")
    refused("run", long, *SHORT, message=rf"holds an array of {MAX_ITEMS + 1:,} items")


def test_a_parameter_name_of_a_megabyte_is_not_echoed() -> None:
    name = "policy." + "x" * 2**20
    with pytest.raises(ms.ScenarioError) as caught:
        ms.load_scenario("baseline", {name: 1})
    (problem,) = caught.value.problems
    assert problem.startswith("unknown parameter policy.xxx")
    assert f"({len(name):,} characters)" in problem
    assert len(problem) < 200


def test_no_problem_is_longer_than_the_limit() -> None:
    words = " ".join(["word"] * 10_000)
    assert len(ms.ScenarioError([words]).problems[0]) == LONGEST_PROBLEM


# -- names the system refuses -----------------------------------------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    ([f"{LONG_NAME}.toml"], r"scenario file 'a{59}\.\.\. \(307 characters\) cannot be read: File name too long"),
    ([LONG_NAME], r"unknown scenario 'a{56}\.\.\. \(presets: "),
    (["baseline", "--out", f"{LONG_NAME}.csv"], r"cannot write a{60}\.\.\. \(305 characters\) a name of 304 bytes"),
    (["baseline", "--figure", f"{LONG_NAME}.png"], r"a name of 304 bytes; allowed at most 223"),
], ids=["scenario file", "preset name", "--out", "--figure"])
def test_a_name_of_300_characters_is_a_clear_error(args: list[str], message: str) -> None:
    refused("run", *args, *SHORT, message=message)


def test_a_lesson_of_300_characters_is_a_clear_error() -> None:
    refused("lesson", "show", LONG_NAME, message=r"unknown lesson 'a{59}\.\.\. \(302 characters\)")
    refused("lesson", "show", f"{LONG_NAME}.toml", message="cannot be read: File name too long")


# -- extends -------------------------------------------------------------------------------------
def chain(folder: Path, length: int, with_schedule: bool = False) -> Path:
    """``c0.toml`` extends ``c1.toml`` ... extends the baseline: ``length`` files."""
    for index in range(length):
        parent = f"c{index + 1}.toml" if index < length - 1 else "baseline"
        schedule = f"[[schedule]]\nweek = {index + 2}\nset = {{ \"policy.street_share\" = 0.3 }}\n"
        write(folder / f"c{index}.toml", f"extends = \"{parent}\"\n" + (schedule if with_schedule else ""))
    return folder / "c0.toml"


def test_an_extends_chain_of_1200_files_is_refused_at_once(tmp_path: Path) -> None:
    started = time.perf_counter()
    refused("run", chain(tmp_path, 1200), *SHORT,
            message=rf"c0\.toml: the extends chain is longer than {MAX_EXTENDS} files")
    assert time.perf_counter() - started < 5


def test_an_extends_chain_is_read_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Path] = []
    original = scenario_module.read_toml
    monkeypatch.setattr(scenario_module, "read_toml", lambda path, what: reads.append(path) or original(path, what))
    loaded = ms.load_scenario(chain(tmp_path, MAX_EXTENDS - 1, with_schedule=True))
    assert len(reads) == MAX_EXTENDS  # the files, and the baseline
    assert len(loaded.chain) == MAX_EXTENDS and loaded.chain[-1] == "baseline"
    assert len(loaded.timeline.schedule) == MAX_EXTENDS - 1


# -- the timeline ---------------------------------------------------------------------------------
def test_more_events_in_a_week_than_allowed_are_refused() -> None:
    entry = {"week": 2, "kind": "market_entry", "where": "all", "size": 1000}
    ms.load_scenario("baseline", events=[entry] * MAX_EVENTS_PER_WEEK)
    with pytest.raises(ms.ScenarioError, match=rf"week 2 has {MAX_EVENTS_PER_WEEK + 1} events: allowed at most "
                                               rf"{MAX_EVENTS_PER_WEEK} a week"):
        ms.load_scenario("baseline", events=[entry] * (MAX_EVENTS_PER_WEEK + 1))


# -- paths inside a scenario ---------------------------------------------------------------------
def test_a_relative_world_file_is_found_beside_its_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = ms.load_scenario("baseline", {"world.neighbourhoods": 12}).params.world
    (tmp_path / "sub").mkdir()
    world = generate_world(params, np.random.default_rng(1))
    save_world(world, tmp_path / "sub" / "w.json")
    scenario = write(tmp_path / "sub" / "s.toml", "extends = \"baseline\"\n[world]\nfile = \"w.json\"\n")
    write(tmp_path / "w.json", "{not the world of the scenario")  # in the working directory: never read
    monkeypatch.chdir(tmp_path)
    loaded = ms.load_scenario(scenario)
    assert loaded.get("world.file") == str(tmp_path / "sub" / "w.json")
    assert ms.DrugMarketModel(loaded, seed=1).places.n == world.number_of_nodes()


# -- output directories ------------------------------------------------------------------------------
def test_output_directories_a_run_creates_are_said(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir" / "x.csv"
    result = runner.invoke(cli.app, ["run", "baseline", *SHORT, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"created directory {tmp_path / 'new'}\ncreated directory {tmp_path / 'new' / 'dir'}" in result.stderr
    assert out.exists()
    again = runner.invoke(cli.app, ["run", "baseline", *SHORT, "--out", str(out), "--force"])
    assert "created directory" not in again.stderr
