"""Hypothesis profiles for the property suite, a memory cap while a property runs, and the
campaign's report at the end of the session.

``ci`` (the default) is small, fast and deterministic; ``fuzz`` is the long run on demand
(``make fuzz``), with ``FUZZ_EXAMPLES`` examples (2,000 unless set). The profile is chosen by
``MARKETSIM_HYPOTHESIS_PROFILE``. The report (examples tried, run lengths, distinct failures) is
printed after the tests, and written as JSON to the file ``FUZZ_REPORT`` names, if any.
"""

from __future__ import annotations

import os
import re
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from campaign import CAMPAIGN
from hypothesis import HealthCheck, Phase, settings

import marketsim as ms
from marketsim.config.scenario import preset_names

COMMON = {
    "deadline": None, "print_blob": True,
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
}
"""Runs take up to a second, so no deadline and no health check on speed; the explain phase
(which reruns a failure hundreds of times) is left out."""
settings.register_profile("ci", max_examples=60, derandomize=True, database=None, **COMMON)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")), **COMMON)
settings.load_profile(os.environ.get("MARKETSIM_HYPOTHESIS_PROFILE", "ci"))

MEMORY_HEADROOM = 3 * 2**30
"""Address space a property may add to what the process already uses: a run that tries to take
the machine's memory fails fast with a MemoryError instead (a normal run needs well under 1 GiB)."""


def address_space_in_use() -> int | None:
    """Bytes of address space this process uses now (Linux), or None where that cannot be read."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    match = re.search(r"^VmSize:\s+(\d+) kB", status.read_text(), re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


@pytest.fixture(scope="session", autouse=True)
def compiled_kernels() -> None:
    """Compile the kernels the presets call (or load them from numba's cache) before any property
    runs, so that the time a week may take (``invariants.SLOW_WEEK``) and the memory cap measure the
    model, not numba's compiler: a fresh clone compiles them once, in about 20 s."""
    for preset in preset_names():
        ms.DrugMarketModel(preset, seed=0).run(3)


@pytest.fixture
def memory_cap() -> Iterator[None]:
    """Lower this process's address-space limit for the test, and restore it afterwards."""
    in_use = address_space_in_use()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if in_use is None:
        yield
        return
    cap = in_use + MEMORY_HEADROOM if hard == resource.RLIM_INFINITY else min(in_use + MEMORY_HEADROOM, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The campaign's figures, after the tests (and into ``FUZZ_REPORT`` if set)."""
    lines = CAMPAIGN.report()
    if not lines:
        return
    terminalreporter.section("property campaign")
    for line in lines:
        terminalreporter.write_line(line)
    target = os.environ.get("FUZZ_REPORT")
    if target:
        CAMPAIGN.save(Path(target))
        terminalreporter.write_line(f"written to {target}")
