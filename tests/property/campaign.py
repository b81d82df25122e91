"""What a property run tried and found, reported at the end of the session (``make fuzz``).

Each property records every example it generates: run (and for how many weeks), refused by a
rule tying parameters together, set aside in the region of a listed core defect, or failed. The
report gives examples tried, run lengths and the distinct failures (by exception type, message
head and the innermost frame of marketsim's code), each with its first example; Hypothesis stops
a property at its first failure and shrinks it, so shrinking may show more than one.
"""

from __future__ import annotations

import json
import re
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LONG_RUN = 156
"""Weeks from which a run counts as long: three years, long enough for a market to empty, an
organisation to die out and a stock to be sold to its last gram."""

NUMBER = re.compile(r"-?\d[\d.,e+-]*")
"""A number in a failure's message (a week, a value): two failures differing only there are one."""


def failure_text(error: BaseException) -> str:
    """``Type: message @ file:function`` of the innermost frame in marketsim's own code."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "/marketsim/" in frame.filename]
    where = f" @ {frames[-1].filename.rsplit('/marketsim/', 1)[1]}:{frames[-1].name}" if frames else ""
    return f"{type(error).__name__}: {str(error)[:200]}{where}"


def failure_signature(error: BaseException) -> str:
    """What tells two failures apart: the exception type, the message with its numbers left out, the place."""
    return NUMBER.sub("#", failure_text(error))


@dataclass
class PropertyTally:
    """One property's examples by outcome, the weeks of those that ran, and its distinct failures."""

    outcomes: Counter[str] = field(default_factory=Counter)
    weeks: list[int] = field(default_factory=list)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The figures the report prints."""
        long_runs = [weeks for weeks in self.weeks if weeks >= LONG_RUN]
        return {
            "examples tried": sum(self.outcomes.values()),
            "outcomes": dict(self.outcomes.most_common()),
            "runs": len(self.weeks),
            f"runs of {LONG_RUN} weeks or more": len(long_runs),
            "longest run (weeks)": max(self.weeks, default=0),
            "weeks simulated": sum(self.weeks),
            "distinct failures": len(self.failures),
            "failures": self.failures,
        }


class Campaign:
    """The tallies of every property that ran in this session."""

    def __init__(self) -> None:
        self.tallies: defaultdict[str, PropertyTally] = defaultdict(PropertyTally)

    def ran(self, prop: str, weeks: int) -> None:
        """An example ran and kept every invariant."""
        tally = self.tallies[prop]
        tally.outcomes["ran and kept every invariant"] += 1
        tally.weeks.append(weeks)

    def set_aside(self, prop: str, why: str) -> None:
        """An example was not run, or was refused with a clear error, for the reason given."""
        self.tallies[prop].outcomes[why] += 1

    def failed(self, prop: str, error: BaseException, example: dict[str, Any]) -> None:
        """An example failed: counted, and kept as the first example of its signature."""
        tally = self.tallies[prop]
        tally.outcomes["failed"] += 1
        signature = failure_signature(error)
        entry = tally.failures.setdefault(signature, {"count": 0, "first": failure_text(error), "example": example})
        entry["count"] += 1

    def report(self) -> list[str]:
        """Lines for the terminal: one block per property."""
        lines = []
        for prop, tally in sorted(self.tallies.items()):
            figures = tally.summary()
            lines.append(f"{prop}: {figures['examples tried']} examples tried, {figures['runs']} ran "
                         f"({figures[f'runs of {LONG_RUN} weeks or more']} of {LONG_RUN}+ weeks, the longest "
                         f"{figures['longest run (weeks)']}; {figures['weeks simulated']:,} weeks in all), "
                         f"{figures['distinct failures']} distinct failures")
            lines.extend(f"    {count:5d}  {outcome}" for outcome, count in figures["outcomes"].items())
            for signature, entry in tally.failures.items():
                lines.append(f"    failure ({entry['count']}x): {signature}")
                lines.append(f"        first: {entry['first']}")
                lines.append(f"        example: {entry['example']}")
        return lines

    def save(self, path: Path) -> None:
        """The figures as JSON (written when ``FUZZ_REPORT`` names a file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        figures = {prop: tally.summary() for prop, tally in sorted(self.tallies.items())}
        path.write_text(json.dumps(figures, indent=1, default=repr) + "\n", encoding="utf-8")


CAMPAIGN = Campaign()
"""This session's tallies (one process: the property suite runs without xdist in ``make fuzz``;
under xdist each worker reports its own share)."""
