"""Reading input files (scenarios, lessons, sweep specs, worlds) that may be anything at all.

A path is opened without blocking and checked before a byte is read: a directory, a device,
a FIFO or a socket is refused, and so is a file larger than :data:`MAX_INPUT_BYTES`. Text
must be UTF-8. Every refusal is a :class:`ScenarioError` naming the file and what is allowed.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from marketsim.config.errors import ScenarioError

MAX_INPUT_BYTES = 64 * 2**20
"""The largest input file read: scenarios, lessons and specs are a few kB, worlds a few MB."""


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
    except OSError as error:
        raise ScenarioError([f"{what} {str(path)!r} cannot be read: {error.strerror}"]) from None
    info = os.fstat(descriptor)
    too_large = f"{what} {str(path)!r} is larger than {limit:,} bytes: allowed at most that"
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(descriptor)
        if info.st_size > limit and stat.S_ISREG(info.st_mode):
            raise ScenarioError([too_large])
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, FIFO or socket)"
        raise ScenarioError([f"{what} {str(path)!r} is {kind}: allowed a file"])
    with os.fdopen(descriptor, "rb") as handle:
        content = handle.read(info.st_size + 1)  # one byte more tells whether it grew past its size
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


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The tables of a TOML file (see :func:`read_text`).

    Raises:
        ScenarioError: as :func:`read_text`, or the TOML is malformed.
    """
    text = read_text(path, what)
    try:
        return tomllib.loads(text)
    except ValueError as error:  # malformed TOML, or a whole number too long to convert
        raise ScenarioError([f"malformed TOML in {path}: {error}"]) from None
