"""A dashboard served on a free port of 127.0.0.1 for the browser tests, stopped afterwards, and
the Chromium the tests drive (Debian's, through Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

SERVER_START_SECONDS = 120
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(command: Sequence[str], log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``command`` (which serves on the port in ``{port}``) until the page answers; yield its
    address; stop it afterwards. Its output goes to ``log``."""
    port = free_port()
    environment = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **(env or {})}
    with log.open("w") as output:
        server = subprocess.Popen([sys.executable, *(part.format(port=port) for part in command)],
                                  stdout=output, stderr=subprocess.STDOUT, env=environment)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            assert server.poll() is None, f"the dashboard exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the dashboard did not start:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


MARKETSIM_DASHBOARD = ("-m", "marketsim", "dashboard", "--port", "{port}")
SOLARA_RUN = ("-m", "solara", "run", "marketsim.dashboard.app", "--host", "127.0.0.1", "--port", "{port}",
              "--production", "--no-check-version", "--no-open")
"""The two ways to serve the dashboard."""
