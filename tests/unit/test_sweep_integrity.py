"""A sweep's directory is never trusted: run files that are damaged, altered, swapped or no longer
vouched for by the manifest are run again, saying why; damaged consolidated tables are rebuilt,
saying so; manifest lines that are not run records are skipped and reported; a second sweep on
the directory is refused; a directory killed before its spec was written can be used again; and
the pool's workers exit when the sweep is killed, whatever the moment.

Every damaged sweep resumes to exactly the data of an undamaged one.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from marketsim.cli import main as cli
from marketsim.sweep import SweepError, SweepStore, run_sweep, summarise_sweep
from marketsim.sweep.store import DamageWarning, ManifestWarning

SPEC = {"scenarios": ["baseline"], "params": {"policy.hvt_share": {"min": 0.0, "max": 0.1, "levels": 2}},
        "seeds": 2, "steps": 6, "burn_in": 1, "outcomes": ["homicides"],
        "overrides": {"world.producers": 600, "world.neighbourhoods": 12, "world.neighbourhood_population": 50000}}
RUNS = 4


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "sweep"
    run_sweep(**SPEC, out=out, workers=1, progress=False)
    return out


@pytest.fixture
def copy(reference: Path, tmp_path: Path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(reference, out)
    return out


def run_ids(out: Path) -> list[str]:
    return [row[0] for row in json.loads((out / "spec.json").read_text())["runs"]]


def resume(out: Path) -> int:
    """Resume the sweep in ``out``; return how many runs it ran again."""
    return run_sweep(**SPEC, out=out, resume=True, workers=1, progress=False).ran


def assert_same_data(out: Path, reference: Path) -> None:
    for name in ("summary.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / name), pd.read_parquet(reference / name))


@pytest.mark.parametrize(("damage", "said"), [
    ("garbage", "file truncated or damaged (it no longer opens)"),
    ("truncated", "file truncated or damaged (it no longer opens)"),
    ("empty", "file empty"),
    ("other run", "file holds another run's data or other weeks (swapped or cut)"),
    ("weeks missing", "file holds another run's data or other weeks (swapped or cut)"),
    ("values changed", "file changed after it was written (its content hash differs from the manifest's)"),
])
def test_a_damaged_run_file_is_rerun_on_resume_saying_why(copy: Path, reference: Path, damage: str,
                                                         said: str) -> None:
    first, second = (copy / "runs" / f"{run_id}.parquet" for run_id in run_ids(copy)[:2])
    if damage == "garbage":
        first.write_bytes(b"PAR1 not really parquet")
    elif damage == "truncated":
        first.write_bytes(first.read_bytes()[:-100])
    elif damage == "empty":
        first.write_bytes(b"")
    elif damage == "other run":
        shutil.copyfile(second, first)
    elif damage == "weeks missing":
        pd.read_parquet(first).head(3).to_parquet(first, index=False)
    else:  # the same run id and weeks, a hundred times the homicides
        weeks = pd.read_parquet(first)
        weeks.assign(homicides=weeks["homicides"] * 100).to_parquet(first, index=False)
    assert first.stem not in SweepStore(copy).finished()
    assert SweepStore(copy).untrusted() == {first.stem: said}
    with pytest.warns(DamageWarning, match=rf"^1 run run again, {re.escape(said)}: {first.stem}$"):
        result = run_sweep(**SPEC, out=copy, resume=True, workers=1, progress=False)
    assert (result.ran, dict(result.rerun)) == (1, {first.stem: said})
    assert_same_data(copy, reference)


def test_a_sweep_whose_manifest_is_gone_runs_everything_again_saying_why(copy: Path, reference: Path) -> None:
    (copy / "manifest.jsonl").unlink()
    with pytest.warns(DamageWarning, match=rf"^{RUNS} runs run again, manifest missing: "):
        assert resume(copy) == RUNS
    assert_same_data(copy, reference)


def test_an_unharmed_sweep_resumes_without_a_word(copy: Path, reference: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resume(copy) == 0
    assert SweepStore(copy).untrusted() == {}
    assert_same_data(copy, reference)


@pytest.mark.parametrize("table", ["summary.parquet", "timeseries.parquet"])
@pytest.mark.parametrize("damage", ["truncated", "changed", "missing"])
def test_summarise_rebuilds_a_damaged_consolidated_table_saying_so(copy: Path, reference: Path, table: str,
                                                                  damage: str) -> None:
    path = copy / table
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "changed":
        frame = pd.read_parquet(path)
        frame.assign(homicides=frame["homicides"] * 100).to_parquet(path, index=False)
    else:
        path.unlink()
    said = "is missing" if damage == "missing" else "was changed or damaged after it was written"
    with pytest.warns(DamageWarning, match=rf"{re.escape(table)} {said}.*: rebuilt from the run files"):
        assert summarise_sweep(copy, figures=False).ok == RUNS
    assert_same_data(copy, reference)
    assert SweepStore(copy).is_consolidated()


def test_the_command_line_says_what_it_rebuilt(copy: Path) -> None:
    timeseries = copy / "timeseries.parquet"
    timeseries.write_bytes(timeseries.read_bytes()[:100])
    result = CliRunner().invoke(cli.app, ["sweep", "summarise", str(copy), "--no-figures"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^warning: .*timeseries\.parquet was changed or damaged after it was written .*: rebuilt "
                     r"from the run files$", result.stderr, re.MULTILINE)


def test_summarise_says_with_exit_2_when_a_damaged_table_cannot_be_rebuilt(copy: Path) -> None:
    summary = copy / "summary.parquet"
    summary.unlink()
    summary.mkdir()  # what stands in the table's place cannot be replaced
    result = CliRunner().invoke(cli.app, ["sweep", "summarise", str(copy), "--no-figures"])
    assert result.exit_code == 2, result.output
    assert re.search(r"summary\.parquet cannot be read \(Is a directory\) and cannot be rebuilt", result.stderr)
    assert "cannot write the consolidated tables in" in result.stderr
    assert "Traceback" not in result.output


def test_manifest_lines_that_are_not_run_records_are_skipped_and_reported(copy: Path, reference: Path) -> None:
    with (copy / "manifest.jsonl").open("a") as handle:
        handle.write('[1, 2]\n"ok"\n{"run_id": 5, "status": "ok"}\n{"status": "ok"}\n'
                     f'{{"run_id": "{run_ids(copy)[0]}", "status": "done"}}\nnot json\n')
    with pytest.warns(ManifestWarning) as caught:
        assert resume(copy) == 0
    reported = {str(warning.message).split(" line ")[1] for warning in caught}
    assert {"5: skipped, not a run record", "6: skipped, not a run record", "7: skipped, not a run record",
            "8: skipped, not a run record", "9: skipped, not a run record",
            "10: skipped, not JSON (cut short by a kill?)"} <= reported
    assert_same_data(copy, reference)
    with pytest.warns(ManifestWarning):
        assert summarise_sweep(copy, figures=False).ok == RUNS


def test_a_second_sweep_on_the_same_directory_is_refused(copy: Path, tmp_path: Path) -> None:
    before = sorted((path, path.stat().st_mtime_ns) for path in copy.rglob("*"))
    with SweepStore(copy).locked(), pytest.raises(SweepError, match=r"another sweep is running in .*: wait for it"):
        resume(copy)
    assert sorted((path, path.stat().st_mtime_ns) for path in copy.rglob("*")) == before
    fresh = tmp_path / "fresh"
    with SweepStore(fresh).locked(), pytest.raises(SweepError, match="another sweep is running"):
        run_sweep(**SPEC, out=fresh, workers=1, progress=False)
    assert resume(copy) == 0


@pytest.mark.parametrize("resuming", [False, True])
def test_a_directory_killed_before_its_spec_was_written_is_used_again(
        tmp_path: Path, reference: Path, resuming: bool) -> None:
    out = tmp_path / "half"
    (out / "runs").mkdir(parents=True)
    (out / "runs" / ".a.parquet.123.abcd.tmp").write_bytes(b"half a run")
    (out / ".spec.json.123.abcd.tmp").write_text("{")
    result = run_sweep(**SPEC, out=out, resume=resuming, workers=1, progress=False)
    assert result.ran == RUNS
    assert_same_data(out, reference)
    assert not list(out.rglob("*.tmp"))


def test_a_directory_with_a_run_file_but_no_spec_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "someone.parquet").write_bytes(b"")
    with pytest.raises(SweepError, match="holds no sweep"):
        run_sweep(**SPEC, out=tmp_path, workers=1, progress=False)


@pytest.mark.parametrize("content", ["{", "[]", '{"spec": {}}', "\x00\xff"])
def test_a_damaged_spec_record_is_a_clear_error(copy: Path, content: str) -> None:
    (copy / "spec.json").write_text(content, encoding="latin-1")
    with pytest.raises(SweepError, match=r"spec\.json is damaged: .*choose another directory"):
        resume(copy)


def test_a_store_of_other_tables_checks_the_run_id_on_every_row_not_the_weeks(tmp_path: Path) -> None:
    store = SweepStore(tmp_path, weekly=False)
    store.runs.mkdir(parents=True)
    # a per-run table with several rows per week (as the robustness analysis's event-study tables)
    pd.DataFrame({"run_id": ["r1"] * 4, "step": [1, 1, 2, 5]}).to_parquet(store.run_file("r1"))
    pd.DataFrame({"run_id": ["r1", "other"], "step": [1, 2]}).to_parquet(store.run_file("r2"))
    pd.DataFrame({"run_id": pd.Series([], dtype=str), "step": pd.Series([], dtype=int)}).to_parquet(
        store.run_file("r3"))
    assert store.holds_run("r1", steps=5)
    assert not store.holds_run("r2", steps=2)    # another run's rows
    assert not store.holds_run("r3", steps=5)    # empty
    assert not store.holds_run("r4", steps=5)    # no file
    assert not SweepStore(tmp_path).holds_run("r1", steps=5)  # a weekly store wants one row per week
