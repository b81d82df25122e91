"""Hypothesis profiles for the property suite, and a memory cap while a property runs.

``ci`` (the default) is small, fast and deterministic; ``fuzz`` is the long run on demand
(``make fuzz``), with ``FUZZ_EXAMPLES`` examples (2,000 unless set). The profile is chosen by
``MARKETSIM_HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings

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

MEMORY_CAP = 4 * 2**30
"""Address space a property may use: a run that tries to take the machine's memory fails fast
with a MemoryError instead (a normal run needs well under 1 GiB)."""


@pytest.fixture
def memory_cap() -> Iterator[None]:
    """Lower this process's address-space limit for the test, and restore it afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = MEMORY_CAP if hard == resource.RLIM_INFINITY else min(MEMORY_CAP, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
