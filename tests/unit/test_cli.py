"""The ``marketsim`` command: every command's happy path on short runs, and bad input.

Bad input must exit with status 2, print every problem on stderr, and write no file.
Runs are short (a few weeks) in a small world so the whole file stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

import marketsim as ms
from marketsim import analysis, parameter_specs
from marketsim.cli import common
from marketsim.cli import main as cli
from marketsim.config.scenario import preset_names
from marketsim.runs import seed_list

SMALL = ["--set", "world.producers=600", "--set", "world.neighbourhoods=12",
         "--set", "world.neighbourhood_population=50000"]
STEPS = 6
SHORT = ["--steps", str(STEPS), "--burn-in", "2"]
"""A few weeks, with a burn-in shorter than the run (the default, a year, would leave no weeks)."""
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Print tables wide enough that no cell is cut, whatever the terminal."""
    monkeypatch.setattr(common, "console", Console(width=250, highlight=False))


def invoke(*args: str | Path):
    return runner.invoke(cli.app, [str(arg) for arg in args])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- happy paths -------------------------------------------------------------------------------
def test_scenarios_lists_every_preset_with_its_title() -> None:
    result = invoke("scenarios")
    assert result.exit_code == 0, result.output
    for name in preset_names():
        assert name in result.stdout
    assert "Baseline" in result.stdout
    assert "Zero tolerance" in result.stdout


def test_show_resolves_every_parameter_and_marks_changes(tmp_path: Path) -> None:
    child = write(tmp_path / "my_kingpin.toml", 'title = "Mine [draft]"\nsummary = "A test."\nextends = "kingpin"\n'
                                                "[harm]\nnaloxone_coverage = 0.33\n")
    result = invoke("show", child, "--set", "world.deprivation=0.61")
    assert result.exit_code == 0, result.output
    assert "my_kingpin → kingpin → baseline" in result.stdout
    assert "Mine [draft]" in result.stdout and "A test." in result.stdout
    for spec in parameter_specs():
        assert spec.path in result.stdout
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "0.33 share of overdoses (default 0.05)" in lines["harm.naloxone_coverage"]
    assert "0.61" in lines["world.deprivation"] and "(default 0.5)" in lines["world.deprivation"]
    assert "(default 0.05)" in lines["policy.hvt_share"]  # set by kingpin
    assert "default" not in lines["world.regions"]


def test_params_reference_and_group_filter() -> None:
    specs = parameter_specs()
    everything = invoke("params")
    assert everything.exit_code == 0, everything.output
    assert all(spec.path in everything.stdout for spec in specs)
    policy = invoke("params", "--group", "policy")
    assert policy.exit_code == 0, policy.output
    assert all((spec.path in policy.stdout) == (spec.group == "policy") for spec in specs)
    levers = json.loads(invoke("params", "--role", "lever", "--format", "json").stdout)
    assert [row["parameter"] for row in levers] == [spec.path for spec in specs if spec.role == "lever"]
    assert {row["role"] for row in levers} == {"lever"}
    typo = invoke("params", "--role", "levr")
    assert typo.exit_code == 2
    assert "--role 'levr': allowed lever, uncertainty, fixed — did you mean 'lever'?" in typo.stderr


def test_params_uncertain_lists_each_declared_range_once_in_every_format() -> None:
    declared = [spec for spec in parameter_specs() if spec.role == "uncertainty"]
    table = invoke("params", "--uncertain", "--group", "justice")
    assert table.exit_code == 0, table.output
    assert "justice.sentence_leader" in table.stdout and "520 in [260, 1040]" in table.stdout
    assert "world.firearms" not in table.stdout
    records = json.loads(invoke("params", "--uncertain", "--format", "json").stdout)
    assert [row["parameter"] for row in records] == [spec.path for spec in declared]
    assert set(records[0]) == {"parameter", "default", "plausible_low", "plausible_high", "unit", "source"}
    assert all(row["plausible_low"] <= row["default"] <= row["plausible_high"] for row in records)
    rows = list(csv.DictReader(io.StringIO(invoke("params", "--uncertain", "--format", "csv").stdout)))
    assert len(rows) == len(declared) and rows[0]["parameter"] == declared[0].path
    both = invoke("params", "--uncertain", "--markdown")
    assert both.exit_code == 2 and "--markdown and --uncertain: choose one" in both.stderr


def test_params_markdown_has_one_row_per_parameter() -> None:
    result = invoke("params", "--markdown")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [spec.path for spec in parameter_specs()]
    assert all(row.count(" | ") == 6 for row in rows)  # seven cells: no stray pipes
    assert [row.split(" | ")[1] for row in rows] == [spec.role for spec in parameter_specs()]
    assert "## policy" in result.stdout
    assert "float in [0, 1]" in result.stdout


def test_run_prints_a_summary_and_writes_table_and_figure(tmp_path: Path) -> None:
    table, figure = tmp_path / "deep" / "run.csv", tmp_path / "deep" / "run.png"
    result = invoke("run", "kingpin", "--seed", "7", *SHORT, *SMALL, "--out", table, "--figure", figure)
    assert result.exit_code == 0, result.output
    for label in ("Outcome indicators", "Process indicators", "homicides", "prison_population", "arrests",
                  "seizures_kg", "Per year", "weekly means over weeks 3–6",
                  "prison_population has not settled by the end of a ten-year run"):
        assert label in result.stdout
    runs = pd.read_csv(table)
    assert list(runs.columns[:3]) == ["scenario", "seed", "step"]
    assert list(runs["step"]) == list(range(1, STEPS + 1))
    assert set(runs["scenario"]) == {"kingpin"} and set(runs["seed"]) == {7}
    assert figure.read_bytes().startswith(PNG_MAGIC)
    assert sorted(p.name for p in table.parent.iterdir()) == ["run.csv", "run.png", "run_events.csv",
                                                             "run_places.csv"]  # no temp files left


@pytest.mark.parametrize(("steps", "covered", "weeks"), [(52, "weeks 27–52", "weeks 27–52"),
                                                          (10, "weeks 6–10", "weeks 6–10"),
                                                          (1, "its only week", "1 week")])
def test_runs_shorter_than_the_default_burn_in_shrink_it_and_say_so(steps: int, covered: str, weeks: str) -> None:
    result = invoke("run", "baseline", "--steps", steps, *SMALL)
    assert result.exit_code == 0, result.output
    assert (f"note: a {steps}-week run is no longer than the default burn-in of 52 weeks: averages cover "
            f"{covered}") in result.stderr
    assert f"weekly means over {weeks}" in result.stdout


def test_a_budget_share_beyond_what_reactive_policing_has_is_paid_for_by_the_others_and_noted() -> None:
    result = invoke("run", "baseline", *SHORT, *SMALL, "--set", "policy.hvt_share=0.9")
    assert result.exit_code == 0, result.output
    assert ("note: budget: policy.hvt_share takes 0.9 of the police budget; reactive policing gets none and the "
            "other activities are scaled by 0.125") in result.stderr


def test_run_writes_parquet(tmp_path: Path) -> None:
    result = invoke("run", "baseline", *SHORT, *SMALL, "--out", tmp_path / "run.parquet")
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(tmp_path / "run.parquet")) == STEPS


def test_compare_runs_paired_seeds_and_writes_three_files(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    result = invoke("compare", "baseline", "zero_tolerance", "--seeds", 2, *SHORT, *SMALL, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Outcome indicators" in result.stdout and "Process indicators" in result.stdout
    assert "Δ vs baseline" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["compare.csv", "compare.png", "differences.png", "runs.parquet"]
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * 2 * STEPS
    seeds = seed_list(2)
    for scenario in ("baseline", "zero_tolerance"):
        assert sorted(runs.loc[runs["scenario"] == scenario, "seed"].unique()) == sorted(seeds)
    table = pd.read_csv(out / "compare.csv")
    assert set(table["scenario"]) == {"baseline", "zero_tolerance"}
    assert set(analysis.KEY_OUTCOMES) | set(analysis.KEY_PROCESS) <= set(table["metric"])
    assert table.loc[table["scenario"] == "baseline", "diff"].isna().all()
    alternative = table[table["scenario"] == "zero_tolerance"]
    followed_up = alternative["metric"].str.contains("_3y")  # missing in the first three years, by definition
    assert alternative.loc[~followed_up, "diff"].notna().all()
    assert alternative.loc[followed_up, "diff"].isna().all()
    assert (table.loc[~table["metric"].str.contains("_3y"), "seeds"] == 2).all()
    assert (out / "compare.png").read_bytes().startswith(PNG_MAGIC)


def test_demo_runs_the_baseline_and_says_where_its_files_are(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "DEMO_WEEKS", STEPS)
    result = invoke("demo", "--out", tmp_path / "o", "--burn-in", "2")
    assert result.exit_code == 0, result.output
    csv, png = tmp_path / "o" / "baseline.csv", tmp_path / "o" / "baseline.png"
    assert str(csv) in result.stdout and str(png) in result.stdout
    assert len(pd.read_csv(csv)) == STEPS
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_python_dash_m_marketsim_shows_help() -> None:
    result = subprocess.run([sys.executable, "-m", "marketsim", "--help"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "marketsim" in result.stdout
    for command in ("scenarios", "show", "params", "run", "compare", "demo"):
        assert command in result.stdout


# -- bad input ---------------------------------------------------------------------------------
@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    """Scenario files with one problem each, and a regular file to use as a non-directory."""
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    return {
        "cycle": write(tmp_path / "a.toml", 'extends = "b.toml"\n'),
        "malformed": write(tmp_path / "broken.toml", 'title = "unterminated\n'),
        "orphan": write(tmp_path / "orphan.toml", 'extends = "missing.toml"\n'),
        "not_a_dir": write(tmp_path / "plain.txt", "not a directory\n"),
    }


BAD_INPUTS = [
    # (arguments before the outputs, a fragment of the expected message)
    (["nope"], "unknown scenario 'nope'"),
    (["basline"], "did you mean 'baseline'?"),
    (["baseline", "--set", "policy.hvt_shar=0.1"], "unknown parameter policy.hvt_shar — did you mean policy.hvt_shar"),
    (["baseline", "--set", "world.producers=1.5"], "world.producers = 1.5 has the wrong type"),
    (["baseline", "--set", "policy.street_share=2"], "policy.street_share = 2 is out of range: allowed a number"),
    (["baseline", "--set", "oops"], "--set 'oops' must look like group.name=value"),
    (["baseline", "--set", "policy.hvt_share=0.6", "--set", "policy.street_share=0.6"],
     "policy budget shares set together add up to 1.2"),
    (["baseline", "--set", "policy.targets={{eradication=['region_9']}}"], "'region_9' is not a place, place kind"),
    (["{cycle}"], "cyclic extends: a → b → a"),
    (["{malformed}"], "malformed TOML in"),
    (["{orphan}"], "orphan.toml: extends: scenario file 'missing.toml' does not exist"),
    (["baseline", "--steps", "0"], "--steps"),
    (["baseline", "--burn-in", "6", "--steps", "6"], "--burn-in = 6 leaves no weeks to average"),
]


def bounds(path: str) -> str:
    """How validation messages state an inclusive range, from the parameter's current bounds."""
    spec = next(spec for spec in parameter_specs() if spec.path == path)
    return f"≥ {spec.minimum:g} and ≤ {spec.maximum:g}"


def _fill(args: list[str], files: dict[str, Path]) -> list[str]:
    return [arg.format(**{k: str(v) for k, v in files.items()}) for arg in args]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_run_rejects_bad_input_and_writes_nothing(args: list[str], message: str, tmp_path: Path,
                                                  bad_files: dict[str, Path]) -> None:
    out = tmp_path / "out"
    result = invoke("run", *SMALL, *SHORT, "--out", out / "run.csv", "--figure", out / "run.png",
                    *_fill(args, bad_files))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert message not in result.stdout
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    *((["kingpin", *args], message) for args, message in BAD_INPUTS),  # the second scenario is the bad one
    (["baseline", "zero_tolerance", "--seeds", "0"], "--seeds"),
    (["baseline"], "compare needs at least two scenarios"),
    (["baseline", "baseline"], "scenario 'baseline' is given more than once"),
])
def test_compare_rejects_bad_input_and_writes_nothing(args: list[str], message: str, tmp_path: Path,
                                                      bad_files: dict[str, Path]) -> None:
    out = tmp_path / "out"
    result = invoke("compare", *SMALL, "--seeds", "1", *SHORT, "--out", out, *_fill(args, bad_files))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not out.exists()


def test_every_problem_is_reported_one_per_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", "baseline", "--set", "policy.hvt_shar=0.1", "--set", "world.producers=1.5",
                    "--set", "policy.street_share=2", "--set", "oops", "--out", out / "run.txt",
                    "--figure", out / "run.jpg")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --set 'oops' must look like group.name=value",
        "error: unknown parameter policy.hvt_shar — did you mean policy.hvt_share?",
        f"error: world.producers = 1.5 has the wrong type: allowed a whole number {bounds('world.producers')}",
        "error: policy.street_share = 2 is out of range: allowed a number ≥ 0 and ≤ 1",
        f"error: {out / 'run.txt'}: the file name must end in .csv or .parquet",
        f"error: {out / 'run.jpg'}: the file name must end in .png, .svg or .pdf",
    ]
    assert not out.exists()


@pytest.mark.parametrize("target", ["table", "figure", "compare"])
def test_an_output_directory_that_cannot_be_created_is_rejected_before_running(
        target: str, bad_files: dict[str, Path]) -> None:
    blocked = bad_files["not_a_dir"] / "sub"
    before = sorted(bad_files["not_a_dir"].parent.rglob("*"))
    if target == "compare":
        result = invoke("compare", "baseline", "kingpin", *SMALL, "--seeds", "1", *SHORT, "--out", blocked)
    else:
        option = "--out" if target == "table" else "--figure"
        result = invoke("run", "baseline", *SMALL, *SHORT, option,
                        blocked / ("run.csv" if target == "table" else "run.png"))
    assert result.exit_code == 2, result.output
    assert f"{bad_files['not_a_dir']} is not a directory" in result.stderr
    assert sorted(bad_files["not_a_dir"].parent.rglob("*")) == before


def test_show_and_params_reject_bad_input() -> None:
    show = invoke("show", "zero_tolerence")
    assert show.exit_code == 2
    assert "did you mean 'zero_tolerance'?" in show.stderr
    params = invoke("params", "--group", "polcy")
    assert params.exit_code == 2
    assert params.stderr.startswith("error: unknown parameter group 'polcy' — did you mean 'policy'?")


# -- a finished command line: help, version, 80 columns, machine-readable output -----------------
def test_version_and_short_help() -> None:
    version = invoke("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"marketsim {ms.__version__}"
    short = invoke("-h")
    assert short.exit_code == 0 and "compare" in short.stdout and short.stdout == invoke("--help").stdout
    sweep = invoke("sweep", "-h")
    assert sweep.exit_code == 0
    for option in ("--workers", "--resume", "--run-timeout", "sweep init", "sweep summarise"):
        assert option in sweep.stdout


@pytest.fixture
def narrow_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal."""
    monkeypatch.setattr(common, "console", Console(width=80, highlight=False))


@pytest.mark.parametrize("args", [["scenarios"], ["params"], ["params", "--group", "harm"], ["params", "--uncertain"],
                                  ["show", "kingpin"], ["lesson", "list"]])
def test_listings_fit_80_columns_without_cutting_cells(args: list[str], narrow_console: None) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    if args == ["scenarios"]:
        assert len(lines) <= len(preset_names()) + 8  # one line per preset


def test_compare_fits_80_columns_and_keeps_numbers_whole(tmp_path: Path, narrow_console: None) -> None:
    result = invoke("compare", "baseline", "zero_tolerance", "--seeds", 2, *SHORT, *SMALL, "--out", tmp_path / "c")
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    table = pd.read_csv(tmp_path / "c" / "compare.csv").set_index(["metric", "scenario"])
    homicides = table.loc[("homicides", "zero_tolerance")]
    row = next(line for line in result.stdout.splitlines() if "zero_tolerance" in line)
    assert analysis.format_number(homicides["diff"], signed=True) in row  # the difference on one line
    assert "2 paired seeds" in result.stdout


@pytest.mark.parametrize("form", ["json", "csv"])
def test_listings_print_json_and_csv(form: str) -> None:
    import io
    import json

    def records(*args: str) -> list[dict]:
        result = invoke(*args, "--format", form)
        assert result.exit_code == 0, result.output
        if form == "json":
            return json.loads(result.stdout)
        return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False).to_dict("records")

    scenarios = records("scenarios")
    assert [row["name"] for row in scenarios] == preset_names()
    assert all(row["summary"] for row in scenarios)
    params = records("params")
    assert [row["parameter"] for row in params] == [spec.path for spec in parameter_specs()]
    assert {"default", "unit", "allowed", "help", "source"} <= set(params[0])
    assert [row["session"] for row in records("lesson", "list")] == [f"7.{n}" for n in range(1, 8)]
    changed = records("show", "kingpin")
    assert len(changed) == len(parameter_specs())


def test_compare_prints_json_for_programs(tmp_path: Path) -> None:
    import json

    result = invoke("compare", "baseline", "kingpin", "--seeds", 2, *SHORT, *SMALL, "--out", tmp_path / "c",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    rows = pd.DataFrame(json.loads(result.stdout))
    pd.testing.assert_frame_equal(rows, pd.read_csv(tmp_path / "c" / "compare.csv"), check_dtype=False)
    assert (tmp_path / "c" / "differences.png").read_bytes().startswith(PNG_MAGIC)


def test_show_changed_and_toml_round_trip(tmp_path: Path) -> None:
    changed = invoke("show", "kingpin", "--changed")
    assert changed.exit_code == 0
    assert "policy.hvt_share" in changed.stdout and "world.regions" not in changed.stdout
    defaults = {spec.path: spec.default for spec in parameter_specs()}
    differing = [path for path, value in ms.load_scenario("kingpin").resolved().items() if value != defaults[path]]
    assert f"{len(differing)} of {len(defaults)} parameters differ from the defaults" in changed.stdout
    assert all(path in changed.stdout for path in differing)
    for flags in (["--toml"], ["--toml", "--changed"]):
        written = invoke("show", "kingpin", "--set", "world.deprivation=0.61", *flags)
        assert written.exit_code == 0, written.output
        copy = write(tmp_path / "copy.toml", written.stdout)
        original = ms.load_scenario("kingpin", {"world.deprivation": 0.61})
        assert ms.load_scenario(copy).resolved() == original.resolved()
        assert ms.load_scenario(copy).title == original.title


def test_params_names_describe_those_parameters_and_typos_get_a_match() -> None:
    result = invoke("params", "policy.hvt_share", "world.firearms")
    assert result.exit_code == 0, result.output
    shown = [spec.path for spec in parameter_specs() if spec.path in result.stdout]
    assert shown == ["world.firearms", "policy.hvt_share"]
    assert "Source:" in result.stdout
    typo = invoke("params", "policy.hvt_shar")
    assert typo.exit_code == 2
    assert "unknown parameter policy.hvt_shar — did you mean policy.hvt_share?" in typo.stderr


def test_compare_writes_each_comparison_to_a_new_folder_by_default(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        result = invoke("compare", "baseline", "kingpin", "--seeds", 1, *SHORT, *SMALL)
        assert result.exit_code == 0, result.output
    folders = sorted(path.name for path in (tmp_path / "out" / "compare").iterdir())
    assert folders == ["baseline_vs_kingpin", "baseline_vs_kingpin-2"]
    for folder in folders:
        assert sorted(p.name for p in (tmp_path / "out" / "compare" / folder).iterdir()) == sorted(cli.COMPARE_FILES)
    assert "out/compare/baseline_vs_kingpin-2/compare.csv" in result.stdout.replace("\n", "")


def test_compare_and_run_refuse_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "c"
    first = invoke("compare", "baseline", "kingpin", "--seeds", 1, *SHORT, *SMALL, "--out", out)
    assert first.exit_code == 0, first.output
    before = {path.name: path.stat().st_mtime_ns for path in out.iterdir()}
    again = invoke("compare", "baseline", "kingpin", "--seeds", 1, *SHORT, *SMALL, "--out", out)
    assert again.exit_code == 2
    assert f"{out / 'compare.csv'} exists: pass --force to overwrite it" in again.stderr
    assert {path.name: path.stat().st_mtime_ns for path in out.iterdir()} == before
    forced = invoke("compare", "baseline", "kingpin", "--seeds", 1, *SHORT, *SMALL, "--out", out, "--force")
    assert forced.exit_code == 0, forced.output
    table = tmp_path / "run.csv"
    assert invoke("run", "baseline", *SHORT, *SMALL, "--out", table).exit_code == 0
    refused = invoke("run", "baseline", *SHORT, *SMALL, "--out", table)
    assert refused.exit_code == 2 and "run.csv exists: pass --force" in refused.stderr


def test_sweep_init_writes_an_example_spec_that_runs(tmp_path: Path) -> None:
    from marketsim.sweep import load_spec

    target = tmp_path / "my.toml"
    result = invoke("sweep", "init", target)
    assert result.exit_code == 0, result.output
    spec = load_spec(target)
    assert spec.design == "lhs" and spec.scenarios == ("baseline", "kingpin")
    refused = invoke("sweep", "init", target)
    assert refused.exit_code == 2 and "exists: pass --force" in refused.stderr
    # the same spec, its parameters untouched, at a tiny size: it runs
    text = target.read_text(encoding="utf-8")
    for size, tiny in (("steps = 260", "steps = 6"), ("burn_in = 52", "burn_in = 2"), ("seeds = 4", "seeds = 1"),
                       ("samples = 20", "samples = 2"),
                       ("world = { producers = 1500 }",
                        "world = { producers = 600, neighbourhoods = 12, neighbourhood_population = 50000 }")):
        assert size in text
        text = text.replace(size, tiny)
    tiny_spec = write(tmp_path / "tiny.toml", text)
    ran = invoke("sweep", tiny_spec, "--out", tmp_path / "out", "--workers", 1, "--quiet")
    assert ran.exit_code == 0, ran.output
    assert "4 runs in" in ran.stdout and "0 failed" in ran.stdout


def test_tables_at_80_columns_never_cut_a_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "console", Console(width=80, highlight=False))
    scenarios = ["baseline", "alternatives_to_incarceration", "militarised_crackdown"]
    compared = invoke("compare", *scenarios, "--seeds", 2, *SHORT, *SMALL, "--out", tmp_path / "cmp")
    assert compared.exit_code == 0, compared.output
    for name in (*scenarios, *analysis.KEY_OUTCOMES, *analysis.KEY_PROCESS):
        assert name in compared.stdout
    shown = invoke("show", "kingpin")
    assert shown.exit_code == 0, shown.output
    specs = parameter_specs()
    for spec in specs:
        assert spec.path in shown.stdout
        assert all(word in shown.stdout for word in spec.unit.split()), spec.unit
    listed = invoke("params")
    assert all(spec.path in listed.stdout for spec in specs)
    assert all(word in listed.stdout for spec in specs for word in spec.help.split()), "no line cropped"
    assert all(max(len(line) for line in result.stdout.splitlines()) <= 80 for result in (compared, shown, listed))


def test_flags_are_listed_without_a_type() -> None:
    for command in (["run"], ["compare"], ["sweep"], ["lesson", "run"], []):
        shown = runner.invoke(cli.app, [*command, "-h"], env={"COLUMNS": "100"})
        assert shown.exit_code == 0, shown.output
        assert "<bool>" not in shown.stdout and "-h" in shown.stdout
