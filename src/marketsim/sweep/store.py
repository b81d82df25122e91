"""A sweep's output directory: the spec, the manifest, one file per run, consolidated tables.

    spec.json           the resolved sweep: spec, design points, seeds and the id of every run
    manifest.jsonl      one line per finished run (ok or failed, timing, traceback, the content
                        hash of its file); last line wins
    runs/<run_id>.parquet   one finished run's weekly metrics
    timeseries.parquet  every finished run's weeks, in plan order (point, scenario, replicate)
    summary.parquet     one row per finished run: its parameters and post-burn-in metric means
    consolidated.json   the content hashes of the two tables above and of the manifest they were built from

Every file is written atomically, so a sweep killed at any moment resumes without losing or
repeating a run. Nothing found in the directory is trusted: a run counts as finished only if
the manifest says so and its file has the content hash the manifest recorded (a run file that
was changed, cut short, swapped with another or emptied, or whose manifest is gone, is run again,
and :meth:`SweepStore.untrusted` says why); consolidated tables whose hashes differ from those
recorded are rebuilt from the run files, with a :class:`DamageWarning`; manifest lines that are
not run records are skipped with a :class:`ManifestWarning`; and a sweep holds an advisory lock
on the directory while it writes there.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a second sweep there is not stopped
    fcntl = None  # type: ignore[assignment]

from marketsim import analysis
from marketsim.config.errors import ScenarioError
from marketsim.config.files import exists, parse_json, read_json
from marketsim.runs import RunOutcome, labelled
from marketsim.sweep.design import Run
from marketsim.sweep.errors import SweepError

STATUSES = ("ok", "failed")
"""What a manifest line says of its run."""


class ManifestWarning(UserWarning):
    """A manifest line that is not a run record was skipped."""


class DamageWarning(UserWarning):
    """A file of the sweep was damaged and is being rebuilt (a consolidated table) or run again (a run)."""


CONSOLIDATED = ("summary.parquet", "timeseries.parquet")
"""The consolidated tables, whose content hashes consolidated.json records."""


class SweepStore:
    """A sweep's output directory: the spec, the manifest, one file per run, consolidated tables.

    A run is finished when the manifest's last line for it says ok and its Parquet file opens
    and holds that run's id on each of the sweep's weeks (or, for a store of other per-run
    tables, ``weekly=False``, on every row of a table that is not empty). Files appear atomically (temporary
    file, fsync, rename) and every manifest line is fsynced before the next run is recorded, so a
    sweep killed at any moment resumes without losing or repeating a run.
    """

    def __init__(self, root: str | Path, weekly: bool = True):
        self.root = Path(root)
        self.weekly = weekly
        self.spec_file = self.root / "spec.json"
        self.manifest = self.root / "manifest.jsonl"
        self.runs = self.root / "runs"
        self.timeseries = self.root / "timeseries.parquet"
        self.summary = self.root / "summary.parquet"
        self.hashes = self.root / "consolidated.json"

    def run_file(self, run_id: str) -> Path:
        """Where one finished run's weekly metrics are stored."""
        return self.runs / f"{run_id}.parquet"

    def check(self, record: Mapping[str, Any], resume: bool) -> None:
        """Raise unless the directory is new, empty, half-created by a sweep killed before it wrote
        its spec, or (with ``resume``) holds this very sweep, with no other sweep running there.

        Reads only: called before anything is written.
        """
        if self.root.exists() and not self.root.is_dir():
            raise SweepError([f"out = {self.root} is a file, not a directory"])
        if not self.root.exists() or self._half_created():
            problems = analysis.directory_problems(self.root)
            if problems:
                raise SweepError(problems)
            return
        if not self.spec_file.exists():
            raise SweepError([f"{self.root} is not empty and holds no sweep (no spec.json): "
                              "choose a new or empty directory"])
        with self._lock():  # raises if another sweep holds it; released at once
            pass
        if not resume:
            raise SweepError([f"{self.root} already holds a sweep: pass --resume (resume=True) to "
                              "continue it, or choose another directory"])
        stored = self.load_record()
        differing = [key for key in sorted(set(stored) | set(record)) if stored.get(key) != record.get(key)]
        if differing:
            raise SweepError([f"cannot resume into {self.root}: it holds a different sweep (differs in "
                              f"{', '.join(differing)}); use the same spec and marketsim version, or "
                              "choose another directory"])

    def _half_created(self) -> bool:
        """Whether the directory holds nothing but what a sweep makes before its spec: ``runs/``
        and temporary files, none of them a run."""
        if self.spec_file.exists():
            return False
        leftovers = [path for path in self.root.iterdir() if path != self.runs and not _temporary(path)]
        return not leftovers and not (self.runs.is_dir() and any(not _temporary(path) for path in self.runs.iterdir()))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Make the directory and hold an advisory lock on it: a second sweep writing there is
        refused with a clear error. The lock goes with the process, even one killed by SIGKILL."""
        self.root.mkdir(parents=True, exist_ok=True)
        with self._lock():
            yield

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        if fcntl is None:
            yield
            return
        descriptor = os.open(self.root, os.O_RDONLY)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SweepError([f"another sweep is running in {self.root}: wait for it to finish "
                                  "(or stop it), or choose another directory"]) from None
            yield
        finally:
            os.close(descriptor)

    def load_record(self) -> dict[str, Any]:
        """The stored ``spec.json``."""
        if not self.spec_file.exists():
            raise SweepError([f"{self.root} holds no sweep (no spec.json)"])
        try:
            record = read_json(self.spec_file, "sweep record")
        except ScenarioError as error:
            raise SweepError([f"{self.spec_file} is damaged: {error.problems[0]}; choose another directory"]) from None
        if not isinstance(record, dict) or not {"spec", "runs", "points", "parameters"} <= set(record):
            raise SweepError([f"{self.spec_file} is damaged: it is not a sweep's record; choose another directory"])
        return record

    def consolidated_record(self) -> dict[str, Any]:
        """The stored ``spec.json``, after bringing the consolidated tables up to date: built if
        the manifest changed since, rebuilt (with a :class:`DamageWarning` saying why) if a table
        no longer has the content hash recorded when it was written.

        Raises:
            SweepError: the tables need rebuilding and cannot be written.
        """
        record = self.load_record()
        if not self.is_consolidated():
            damage = self.consolidated_damage()
            for problem in damage:
                warnings.warn(f"{problem}: rebuilt from the run files", DamageWarning, stacklevel=2)
            try:
                self.consolidate()
            except OSError as error:
                raise SweepError([*(f"{problem} and cannot be rebuilt" for problem in damage),
                                  f"cannot write the consolidated tables in {self.root}: {error.strerror}"]) from None
        return record

    def create(self, record: Mapping[str, Any]) -> None:
        """Make the directories, write ``spec.json`` and remove temporary files of a killed sweep
        (call with the directory :meth:`locked`)."""
        self.runs.mkdir(parents=True, exist_ok=True)
        for leftover in itertools.chain(self.root.glob(".*.tmp"), self.runs.glob(".*.tmp")):
            leftover.unlink(missing_ok=True)
        if not self.spec_file.exists():
            write_atomic(self.spec_file, lambda path: path.write_text(
                json.dumps(record, indent=1) + "\n", encoding="utf-8"))

    def entries(self) -> dict[str, dict[str, Any]]:
        """The manifest's last usable line for each run id.

        A line that is not a run record (an object with a text ``run_id`` and a ``status`` of ok
        or failed), such as one cut short by a kill, is skipped with a :class:`ManifestWarning`
        naming it.
        """
        latest: dict[str, dict[str, Any]] = {}
        if not self.manifest.exists():
            return latest
        with self.manifest.open(encoding="utf-8", errors="replace") as handle:
            lines = handle.read().split("\n")
        for number, line in enumerate(lines, start=1):
            try:
                entry = parse_json(line, "a manifest line")
            except ScenarioError:
                if line.strip():
                    _warn_skipped(self.manifest, number, "not JSON (cut short by a kill?)")
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("run_id"), str) \
                    or entry.get("status") not in STATUSES:
                _warn_skipped(self.manifest, number, "not a run record")
                continue
            latest[entry["run_id"]] = entry
        return latest

    def finished(self) -> set[str]:
        """Ids of the runs whose last manifest line says ok and whose file is the one it recorded."""
        if not self.spec_file.exists():
            return set()
        steps = self.load_record()["spec"]["steps"]
        return {run_id for run_id, entry in self.entries().items()
                if entry["status"] == "ok" and self.run_problem(run_id, entry, steps) is None}

    def untrusted(self) -> dict[str, str]:
        """Why each planned run that left a trace (a manifest line saying ok, or a file) is not
        finished, by run id: its file was changed, cut short, swapped, emptied or removed, or the
        manifest that vouches for it is gone. Runs that failed or never ran are not listed."""
        if not self.spec_file.exists():
            return {}
        record = self.load_record()
        steps = record["spec"]["steps"]
        entries = self.entries()
        reasons = {}
        for run_id, *_ in record["runs"]:
            entry = entries.get(run_id)
            if entry is None:
                if exists(self.run_file(run_id)):
                    reasons[run_id] = ("manifest missing" if not self.manifest.exists()
                                       else "not in the manifest (the sweep stopped before recording it)")
            elif entry["status"] == "ok":
                problem = self.run_problem(run_id, entry, steps)
                if problem is not None:
                    reasons[run_id] = problem
        return reasons

    def run_problem(self, run_id: str, entry: Mapping[str, Any], steps: int) -> str | None:
        """Why the file of a run the manifest says finished cannot be trusted, if it cannot."""
        path = self.run_file(run_id)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return "file missing"
        except OSError as error:
            return f"file unreadable ({error.strerror})"
        if size == 0:
            return "file empty"
        recorded = entry.get("sha256")
        if not isinstance(recorded, str):
            return "no content hash in the manifest"
        if content_hash(path) != recorded:
            if not self._opens(path):
                return "file truncated or damaged (it no longer opens)"
            if not self.holds_run(run_id, steps):
                return "file holds another run's data or other weeks (swapped or cut)"
            return "file changed after it was written (its content hash differs from the manifest's)"
        if not self.holds_run(run_id, steps):
            return "file does not hold this run's weeks"
        return None

    @staticmethod
    def _opens(path: Path) -> bool:
        try:
            pq.read_metadata(path)
        except (OSError, ValueError, pa.ArrowException):
            return False
        return True

    def holds_run(self, run_id: str, steps: int) -> bool:
        """Whether the run's file opens and holds that run's id on each of ``steps`` weeks (on
        every row, for a store that is not ``weekly``)."""
        try:
            table = pq.read_table(self.run_file(run_id), columns=["run_id", "step"])
        except (OSError, ValueError, pa.ArrowException):
            return False
        if table.num_rows == 0 or pc.all(pc.equal(table["run_id"], run_id)).as_py() is not True:
            return False
        return not self.weekly or table["step"].to_pylist() == list(range(1, steps + 1))

    def open_manifest(self) -> ManifestWriter:
        """An appender for manifest lines."""
        return ManifestWriter(self.manifest)

    def save(self, run: Run, scenario_name: str, outcome: RunOutcome, manifest: ManifestWriter) -> None:
        """Store a finished run: its file first (if it succeeded), then its manifest line."""
        if outcome.frame is not None:
            frame = labelled(outcome.frame, {"run_id": run.run_id, "scenario": scenario_name, "point": run.point,
                                             "replicate": run.replicate, "seed": run.seed})
            table = pa.Table.from_pandas(frame, preserve_index=False)
            write_atomic(self.run_file(run.run_id), lambda path: pq.write_table(table, path))
        manifest.append({
            "sha256": content_hash(self.run_file(run.run_id)) if outcome.frame is not None else None,
            "run_id": run.run_id, "status": "ok" if outcome.error is None else "failed",
            "scenario": scenario_name, "point": run.point, "replicate": run.replicate, "seed": run.seed,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(outcome.started)) + "Z",
            "seconds": round(outcome.seconds, 4), "cpu_seconds": round(outcome.cpu_seconds, 4),
            "worker": outcome.worker, "error": outcome.error,
        })

    def consolidate(self) -> int:
        """Write ``timeseries.parquet`` and ``summary.parquet`` from the finished runs; return their count.

        Rows follow the plan (point, scenario, replicate), so the tables are identical whatever
        the backend, the number of workers and the order in which runs finished.
        """
        record = self.load_record()
        burn_in = record["spec"]["burn_in"]
        names, parameters = record["scenario_names"], list(record["parameters"])
        finished = self.finished()
        runs = [row for row in record["runs"] if row[0] in finished]
        if not runs:
            return 0
        files = [self.run_file(row[0]) for row in runs]
        schema = pa.unify_schemas([pq.read_schema(path) for path in files], promote_options="permissive")
        rows = []
        with analysis.atomic_path(self.timeseries) as temporary:
            with pq.ParquetWriter(temporary, schema) as writer:
                for (run_id, point, scenario, replicate, seed), path in zip(runs, files, strict=True):
                    table = _conform(pq.read_table(path), schema)
                    writer.write_table(table)
                    weeks = table.drop_columns(["run_id", "point", "replicate"]).to_pandas()
                    means = analysis.summarise_runs(weeks, burn_in).drop(columns=["scenario", "seed"])
                    values = dict(zip(parameters, record["points"][point], strict=True))
                    rows.append({"run_id": run_id, "scenario": names[scenario], "point": point,
                                 "replicate": replicate, "seed": seed, **values,
                                 **means.iloc[0].to_dict()})
            _fsync(temporary)
        write_atomic(self.summary, lambda path: pd.DataFrame(rows).to_parquet(path, index=False))
        hashes = {"manifest.jsonl": content_hash(self.manifest) if self.manifest.exists() else None,
                  **{name: content_hash(self.root / name) for name in CONSOLIDATED}}
        write_atomic(self.hashes, lambda path: path.write_text(json.dumps(hashes, indent=1) + "\n", encoding="utf-8"))
        return len(runs)

    def _recorded_hashes(self) -> dict[str, Any]:
        """The content hashes consolidated.json recorded (none if it is missing or damaged)."""
        try:
            hashes = read_json(self.hashes, "consolidated tables' record")
        except ScenarioError:
            return {}
        return hashes if isinstance(hashes, dict) else {}

    def is_consolidated(self) -> bool:
        """Whether the consolidated tables were built from the manifest as it is now and are
        still what was written then (their content hashes match those recorded)."""
        hashes = self._recorded_hashes()
        if not self.manifest.exists() or hashes.get("manifest.jsonl") != content_hash(self.manifest):
            return False
        return not self.consolidated_damage(hashes)

    def consolidated_damage(self, hashes: Mapping[str, Any] | None = None) -> list[str]:
        """What is wrong with the consolidated tables written last, each naming the file (nothing
        for tables never written, or built from an older manifest: those are not damage)."""
        hashes = self._recorded_hashes() if hashes is None else hashes
        problems = []
        for name in CONSOLIDATED:
            if name not in hashes:
                continue
            path = self.root / name
            if not exists(path):
                problems.append(f"{path} is missing")
                continue
            try:
                changed = content_hash(path) != hashes[name]
            except OSError as error:
                problems.append(f"{path} cannot be read ({error.strerror})")
                continue
            if changed:
                problems.append(f"{path} was changed or damaged after it was written (its content hash "
                                f"differs from {self.hashes.name}'s)")
        return problems


class ManifestWriter:
    """Appends manifest lines, each flushed and fsynced before the call returns."""

    def __init__(self, path: Path):
        self.handle = path.open("a", encoding="utf-8")
        if self.handle.tell() > 0:
            with path.open("rb") as reader:
                reader.seek(-1, os.SEEK_END)
                if reader.read(1) != b"\n":  # a line cut short by a kill: end it, readers skip it
                    self.handle.write("\n")

    def append(self, entry: Mapping[str, Any]) -> None:
        """Write one line durably."""
        self.handle.write(json.dumps(entry) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        """Close the file."""
        self.handle.close()


def content_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, write: Callable[[Path], Any]) -> None:
    """Write through a temporary file that is fsynced, then renamed over ``path``."""
    with analysis.atomic_path(path) as temporary:
        write(temporary)
        _fsync(temporary)


def _temporary(path: Path) -> bool:
    """Whether ``path`` is a temporary file left by an atomic write that was killed."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _warn_skipped(manifest: Path, number: int, why: str) -> None:
    warnings.warn(f"{manifest} line {number}: skipped, {why}", ManifestWarning, stacklevel=3)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A run's table with the sweep's columns and types (missing columns are null).

    Runs can differ in columns (e.g. the production share of each region when
    ``world.regions`` is swept) and a column can be whole numbers in one run and not another.
    """
    columns = [table.column(name).cast(schema.field(name).type) if name in table.column_names
               else pa.nulls(table.num_rows, schema.field(name).type) for name in schema.names]
    return pa.Table.from_arrays(columns, schema=schema)

