"""Reading input files (scenarios, lessons, sweep specs and records, worlds) that may be anything at all.

A path is opened without blocking and checked before a byte is read: a directory, a device,
a FIFO or a socket is refused, and so is a file larger than its kind allows
(:data:`MAX_INPUT_BYTES` for worlds and sweep records, :data:`MAX_DOCUMENT_BYTES` for the
documents people write). A path the system cannot even look up (a name too long, a loop of
links) is refused the same way. Text must be UTF-8. TOML and JSON, whether from a file or from
a command-line option, go through :func:`parse_toml` and :func:`parse_json`: any failure of the
parser (malformed text, nesting too deep for it) and any document nested deeper than
:data:`MAX_DEPTH` or holding an array or table of more than :data:`MAX_ITEMS` items is refused.
Every refusal is a :class:`ScenarioError` naming the file and what is allowed.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from marketsim.config.errors import ScenarioError

MAX_INPUT_BYTES = 64 * 2**20
"""The largest world file or sweep record read (a world of thousands of places is a few MB)."""
MAX_DOCUMENT_BYTES = 2**20
"""The largest scenario file, lesson file or sweep spec read (the largest preset is a few kB)."""
MAX_DEPTH = 32
"""The deepest nesting of arrays and tables in a TOML or JSON document (a scenario needs 4)."""
MAX_ITEMS = 100_000
"""The most items in one array or table (a world's list of places or routes is the longest)."""


def exists(path: str | Path) -> bool:
    """Whether ``path`` names something, False also when the system cannot look it up at all
    (a name too long, a loop of links): a later read then says why."""
    try:
        return Path(path).exists()
    except OSError:
        return False


def read_bytes(path: str | Path, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The content of a regular file of at most ``limit`` bytes.

    Args:
        path: the file.
        what: what the file is, as problems name it (``"scenario file"``, ``"world file"``).
        limit: the largest size accepted.

    Raises:
        ScenarioError: the file is missing, unreadable, not a regular file, or too large.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ScenarioError([f"{what} {str(path)!r} does not exist"]) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        reason = error.strerror if isinstance(error, OSError) else str(error)
        raise ScenarioError([f"{what} {str(path)!r} cannot be read: {reason}"]) from None
    info = os.fstat(descriptor)
    too_large = f"{what} {str(path)!r} is larger than {limit:,} bytes: allowed at most that"
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(descriptor)
        if info.st_size > limit and stat.S_ISREG(info.st_mode):
            raise ScenarioError([too_large])
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise ScenarioError([f"{what} {str(path)!r} is {kind}: allowed a file"])
    try:
        with os.fdopen(descriptor, "rb") as handle:
            content = handle.read(info.st_size + 1)  # one byte more tells whether it grew past its size
    except OSError as error:
        raise ScenarioError([f"{what} {str(path)!r} cannot be read: {error.strerror}"]) from None
    if len(content) > limit:
        raise ScenarioError([too_large])
    return content


def read_text(path: str | Path, what: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The content of a UTF-8 text file (see :func:`read_bytes`).

    Raises:
        ScenarioError: as :func:`read_bytes`, or the file is not UTF-8 text.
    """
    content = read_bytes(path, what, limit)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError([f"{what} {str(path)!r} is not UTF-8 text (byte {error.start} cannot be decoded): "
                             "allowed a text file"]) from None


def read_toml(path: str | Path, what: str, limit: int = MAX_DOCUMENT_BYTES) -> dict[str, Any]:
    """The tables of a TOML file (see :func:`read_text` and :func:`parse_toml`)."""
    return parse_toml(read_text(path, what, limit), str(path))


def read_json(path: str | Path, what: str, limit: int = MAX_INPUT_BYTES) -> Any:
    """The value of a JSON file (see :func:`read_text` and :func:`parse_json`)."""
    return parse_json(read_text(path, what, limit), str(path))


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """The tables of a TOML document.

    Args:
        text: the document.
        where: what it is, as the problem names it (``"scenario file 'x.toml'"``, ``"--set value"``).

    Raises:
        ScenarioError: the TOML is malformed, nested deeper than :data:`MAX_DEPTH` or holds more
            than :data:`MAX_ITEMS` items in an array or table.
    """
    return _parsed(tomllib.loads, text, where, "TOML")


def parse_json(text: str, where: str) -> Any:
    """The value of a JSON document (see :func:`parse_toml`)."""
    return _parsed(json.loads, text, where, "JSON")


def _parsed(parse: Callable[[str], Any], text: str, where: str, language: str) -> Any:
    try:
        value = parse(text)
    except RecursionError:
        raise ScenarioError([_too_deep(where)]) from None
    except ValueError as error:  # malformed, or a whole number too long to convert
        raise ScenarioError([f"malformed {language} in {where}: {error}"]) from None
    problem = size_problem(value, where)
    if problem:
        raise ScenarioError([problem])
    return value


def _too_deep(where: str) -> str:
    return f"{where} is nested too deeply: allowed at most {MAX_DEPTH} levels of arrays and tables"


def size_problem(value: Any, where: str) -> str | None:
    """Why a parsed document is too large to take in (too deep, or an array or table too long), if it is.

    Walks the document without recursion, so any depth is measured safely.
    """
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_DEPTH:
            return _too_deep(where)
        if len(item) > MAX_ITEMS:
            kind = "a table" if isinstance(item, dict) else "an array"
            return f"{where} holds {kind} of {len(item):,} items: allowed at most {MAX_ITEMS:,}"
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children)
    return None
