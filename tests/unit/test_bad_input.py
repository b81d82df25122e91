"""Bad input of every kind is one clear error before anything runs (issue #17): exit status 2 on
the command line, a message naming the file or field, and no file written.

Covers what is not a text file (binary, a directory, a device, a FIFO, too large), numbers no
parameter can hold, malformed worlds of either format, and arguments of the wrong type given
to the Python API (numpy scalars are the numbers they are).
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import marketsim as ms
from marketsim.cli import main as cli
from marketsim.config.files import read_text
from marketsim.lessons import load_lesson

SMALL = {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}
SHORT = ["--steps", "2", "--burn-in", "0"]
SEEDS_ALLOWED = "allowed a whole number ≥ 0 and ≤ 9,223,372,036,854,775,807"
runner = CliRunner()


def refused(*args: str | Path, out: Path, message: str) -> None:
    """The command exits with status 2, prints ``message`` (a regex) on stderr, and writes nothing."""
    result = runner.invoke(cli.app, [str(arg) for arg in args])
    assert result.exit_code == 2, result.output
    assert any(re.search(message, line) for line in result.stderr.splitlines()), result.stderr
    assert not out.exists()


def problems(scenario: str | Path, overrides: dict | None = None) -> list[str]:
    with pytest.raises(ms.ScenarioError) as caught:
        ms.load_scenario(scenario, overrides)
    return caught.value.problems


def within(seconds: float, call, *args):
    """``call(*args)`` in a thread, failing the test if it has not returned in time (a hang)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call, *args).result(timeout=seconds)


# -- files that are not text files -------------------------------------------------------------
def test_a_binary_scenario_names_the_file(tmp_path: Path) -> None:
    binary = tmp_path / "picture.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    refused("run", binary, *SHORT, "--out", tmp_path / "x.csv", out=tmp_path / "x.csv",
            message=r"scenario file '.*picture\.toml' is not UTF-8 text \(byte 0 cannot be decoded\)")


def test_extends_naming_a_directory_a_device_or_a_fifo_is_refused_without_reading(tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()
    os.mkfifo(tmp_path / "pipe.toml")
    for target, kind in (("folder.toml", "a directory"), ("/dev/zero", "not a regular file"),
                         ("pipe.toml", "not a regular file")):
        child = tmp_path / "child.toml"
        child.write_text(f'extends = "{target}"\n')
        (problem,) = within(20, problems, child)
        named = target if target.startswith("/") else tmp_path / target
        assert problem.startswith(f"child.toml: extends: scenario file '{named}'")
        assert kind in problem and problem.endswith("allowed a file")


def test_show_naming_a_directory_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = runner.invoke(cli.app, ["show", f"{folder}/"])
    assert result.exit_code == 2 and "is a directory: allowed a file" in result.stderr


def test_a_file_larger_than_the_cap_is_refused_before_decoding(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 101)
    with pytest.raises(ms.ScenarioError, match=r"big\.toml' is larger than 100 bytes"):
        read_text(big, "scenario file", limit=100)


def test_a_binary_or_directory_sweep_spec_exits_2(tmp_path: Path) -> None:
    (tmp_path / "spec.toml").write_bytes(b"\xff\xfe\x00binary")
    refused("sweep", tmp_path / "spec.toml", "--out", tmp_path / "out", out=tmp_path / "out",
            message=r"sweep spec '.*spec\.toml' is not UTF-8 text")
    refused("sweep", tmp_path, "--out", tmp_path / "out", out=tmp_path / "out",
            message="is a directory: allowed a file")


def test_a_binary_lesson_file_names_it(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_bytes(b"\x00\x9f\x92\x96")
    with pytest.raises(ms.ScenarioError, match=r"lesson file '.*lesson\.toml' is not UTF-8 text"):
        load_lesson(lesson)


# -- numbers no parameter can hold -------------------------------------------------------------
def test_a_400_digit_number_is_out_of_range(tmp_path: Path) -> None:
    scenario = tmp_path / "huge.toml"
    scenario.write_text(f"[world]\nland_per_producer_ha = 1{'0' * 400}\nproducers = 1{'0' * 400}\n")
    assert problems(scenario) == [
        "huge.toml: world.land_per_producer_ha = a whole number of about 401 digits is out of range: "
        "allowed a number ≥ 0.01 and ≤ 20",
        "huge.toml: world.producers = a whole number of about 401 digits is out of range: "
        "allowed a whole number ≥ 60 and ≤ 100000",
    ]
    refused("run", scenario, *SHORT, "--out", tmp_path / "x.csv", out=tmp_path / "x.csv",
            message="land_per_producer_ha = a whole number of about 401 digits is out of range")


def test_a_number_too_long_for_python_to_read_is_malformed_toml(tmp_path: Path) -> None:
    scenario = tmp_path / "longer.toml"
    scenario.write_text(f"[world]\nproducers = 1{'0' * 5000}\n")
    (problem,) = problems(scenario)
    assert problem.startswith(f"malformed TOML in {scenario}: ")
    assert problems("baseline", {"world.producers": 10**5000}) == [
        "world.producers = a whole number of about 5001 digits is out of range: allowed a whole number ≥ 60 "
        "and ≤ 100000"]


@pytest.mark.parametrize("value", ["1e400", "-1e400", "inf"])
def test_infinite_values_are_out_of_range(value: str) -> None:
    (problem,) = problems("baseline", {"policy.hvt_share": float(value)})
    assert problem.endswith("is out of range: allowed a number ≥ 0 and ≤ 1")


def test_an_infinite_sweep_range_exits_2(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text('scenarios = ["baseline"]\n[params]\n"policy.hvt_share" = {min = 0, max = 1e400, levels = 2}\n')
    refused("sweep", spec, "--out", tmp_path / "out", out=tmp_path / "out",
            message=r"params: policy\.hvt_share: min and max must be finite numbers, got 0 and inf")


# -- worlds ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "content", "message"), [
    ("null.json", "null", r"world file null\.json: holds null: allowed an object with 'nodes' and 'edges'"),
    ("list.json", "[1, 2]", r"world file list\.json: holds \[1, 2\]: allowed an object"),
    ("nodes.json", '{"nodes": 5, "edges": []}', r"world file nodes\.json: 'nodes' must be a list of objects, got 5"),
    ("bad.json", "{not json", r"malformed JSON in world file bad\.json: Expecting property name"),
    ("bad.graphml", "<graphml", r"world file bad\.graphml: cannot be read: unclosed token"),
    ("types.graphml", '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><key id="d0" for="node" '
                      'attr.name="x" attr.type="double"/><graph edgedefault="undirected"><node id="a">'
                      '<data key="d0">abc</data></node></graph></graphml>',
     r"world file types\.graphml: cannot be read: could not convert string to float"),
    ("binary.graphml", "\x00\x01", r"world file bad|world file binary\.graphml: cannot be read"),
])
def test_a_malformed_world_exits_2_naming_the_file(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content)
    refused("run", "baseline", "--set", f'world.file="{tmp_path / name}"', *SHORT, "--out", tmp_path / "x.csv",
            out=tmp_path / "x.csv", message=message)


# -- the Python API ----------------------------------------------------------------------------
def test_numpy_scalars_are_the_numbers_they_are() -> None:
    overrides = {"world.producers": np.int64(600), "world.neighbourhoods": np.int32(12),
                 "world.neighbourhood_population": np.float64(50000), "policy.hvt_share": np.float32(0.125),
                 "policy.decriminalise_possession": np.bool_(True)}
    scenario = ms.load_scenario("baseline", overrides)
    assert scenario.get("world.producers") == 600 and type(scenario.get("world.producers")) is int
    assert scenario.get("policy.hvt_share") == 0.125 and type(scenario.get("policy.hvt_share")) is float
    assert scenario.get("policy.decriminalise_possession") is True
    assert len(ms.run("baseline", seed=np.uint32(3), steps=np.int64(2), overrides=overrides)) == 2
    assert problems("baseline", {"world.producers": np.float32(600.5)}) == [
        "world.producers = 600.5 has the wrong type: allowed a whole number ≥ 60 and ≤ 100000"]


@pytest.mark.parametrize(("arguments", "problem"), [
    ({"steps": "3"}, "steps = '3': allowed a whole number ≥ 1"),
    ({"steps": 2.0}, "steps = 2.0: allowed a whole number ≥ 1"),
    ({"seed": 1.5}, f"seed = 1.5: {SEEDS_ALLOWED}"),
    ({"seed": True}, f"seed = True: {SEEDS_ALLOWED}"),
    ({"seed": 10**26}, f"seed = 100000000000000000000000000: {SEEDS_ALLOWED}"),
    ({"overrides": [("policy.hvt_share", 0.1)]}, "overrides = [('policy.hvt_share', 0.1)]: allowed a mapping"),
    ({"scenario": 3}, "scenario = 3: allowed a preset name, a path to a .toml file or a Scenario"),
])
def test_wrong_api_arguments_name_the_argument(arguments: dict, problem: str) -> None:
    with pytest.raises(ms.ScenarioError) as caught:
        ms.run(**{"steps": 2, **arguments})
    assert caught.value.problems[0].startswith(problem)


def test_run_batch_refuses_bad_seeds_and_steps_by_name() -> None:
    with pytest.raises(ms.ScenarioError) as caught:
        ms.run_batch("baseline", [1, 2.5, 2**64], "3", progress=False)
    assert caught.value.problems == [
        "steps = '3': allowed a whole number ≥ 1",
        f"seed = 2.5: {SEEDS_ALLOWED}",
        f"seed = 18446744073709551616: {SEEDS_ALLOWED}",
    ]
    with pytest.raises(ms.ScenarioError, match=r"seeds = 2\.0: allowed a whole number ≥ 1"):
        ms.run_batch("baseline", 2.0, 3, progress=False)


def test_a_seed_too_large_to_store_exits_2_before_running(tmp_path: Path) -> None:
    refused("run", "baseline", "--seed", str(10**26), *SHORT, "--out", tmp_path / "x.parquet",
            out=tmp_path / "x.parquet", message=r"seed = 1000000+: allowed a whole number ≥ 0 and ≤ 9,223,372")


def test_seeds_may_be_any_iterable_of_whole_numbers() -> None:
    weeks = ms.run_batch("baseline", np.array([5, 6]), np.int64(2), SMALL, progress=False)
    assert list(weeks["seed"].unique()) == [5, 6] and len(weeks) == 4


def test_a_400_digit_count_in_a_sweep_spec_exits_2(tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(f'scenarios = ["baseline"]\nseeds = 1{"0" * 400}\n'
                    '[params]\n"policy.hvt_share" = {min = 0, max = 0.1, levels = 2}\n')
    refused("sweep", spec, "--out", tmp_path / "out", out=tmp_path / "out",
            message=r"seeds = a whole number of about 401 digits: allowed a whole number ≥ 1 and ≤ 9,223,372")
