"""Policies in time and place on the dashboard, without Solara: the markers of scheduled changes
and one-off events, the split of a run's edits when its policy starts later, the places
enforcement can be aimed at, and the events a user stages "now" while the runs play.

Events staged "now" go into every model of the experiment through
:meth:`marketsim.sim.interventions.Interventions.add_event`, for the next week to run: the
same event in the same week for every scenario and seed, so the seeds stay paired, and each
model goes on exactly as if its scenario had staged the event from the start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from marketsim.config.errors import ScenarioError
from marketsim.config.timeline import SCHEDULABLE_GROUPS, SETUP_ONLY, Event, Timeline, parse_events
from marketsim.world.io import PLACE_KINDS
from marketsim.world.places import Places

NOW_KINDS = ("seizure", "leader_removal")
"""The event kinds the page's "now" buttons stage."""

SEIZURE_SHARES = (0.25, 0.5, 0.75, 0.9)
"""Sizes of a seizure on offer: the share of the drug at the chosen places that is taken."""
DEFAULT_SEIZURE_SHARE = 0.9
DEFAULT_SEIZURE_PLACES = "border"

MOST_VIOLENT_CHOICES = (1, 3, 5)
"""``most_violent:N`` selections offered for aiming enforcement."""

RECENT_EVENT_WEEKS = 26
"""The map rings the places of an event for this many weeks after it."""


@dataclass(frozen=True)
class Marker:
    """A scheduled change or an event at one week, in some of the runs on screen."""

    week: int
    kind: Literal["change", "event"]
    text: str
    runs: tuple[int, ...]
    """Indices of the scenarios it belongs to (0 is A)."""

    def label(self, labels: Sequence[str]) -> str:
        """``A, B · week 130: seizure of 90% at border``."""
        return f"{', '.join(labels[i] for i in self.runs)} · week {self.week}: {self.text}"


def markers(timelines: Sequence[Timeline]) -> tuple[Marker, ...]:
    """The markers of the runs' timelines by week: one per change, its return to the scenario's
    values (after ``until``), and one per event; the same entry in several runs is one marker."""
    found: dict[tuple[int, str, str], list[int]] = {}
    for index, timeline in enumerate(timelines):
        entries: list[tuple[int, str, str]] = []
        for change in timeline.schedule:
            entries.append((change.week, "change", change.describe()))
            if change.until is not None:
                entries.append((change.until + 1, "change", f"back to the scenario's {', '.join(change.values)}"))
        entries += [(event.week, "event", event.describe()) for event in timeline.events]
        for entry in entries:
            runs = found.setdefault(entry, [])
            if index not in runs:
                runs.append(index)
    return tuple(Marker(week, kind, text, tuple(runs))  # type: ignore[arg-type]
                 for (week, kind, text), runs in sorted(found.items(), key=lambda item: item[0][0]))


def split_edits(edits: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A run's edits as (from the start, from the week its policy starts): the parameters a
    schedule can change (``SCHEDULABLE_GROUPS``, not ``SETUP_ONLY``) start later, the world and
    behaviour from week 1."""
    later = {path: value for path, value in edits.items()
             if path.split(".", 1)[0] in SCHEDULABLE_GROUPS and path not in SETUP_ONLY}
    return {path: value for path, value in edits.items() if path not in later}, later


def start_week_problem(week: Any, horizon: int) -> str | None:
    """Why ``week`` cannot be the week a run's policy starts, if it cannot."""
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= horizon:
        return (f"policy starts at week = {week!r}: allowed a whole number from 1 (the start) to {horizon} "
                "(the week play stops at)")
    return None


def target_choices(places: Places) -> list[str]:
    """What enforcement can be aimed at, most useful first: the most violent places, the city's
    neighbourhoods, the other places, then place kinds, regions and corridors."""
    urban = [name for name, kind in zip(places.names, places.kind_names, strict=True) if kind == "urban"]
    others = [name for name in places.names if name not in urban]
    return [*(f"most_violent:{n}" for n in MOST_VIOLENT_CHOICES), *urban, *others, *PLACE_KINDS,
            *places.regions, *places.corridors]


def seizure_choices(places: Places) -> list[str]:
    """Where a seizure can be made: place kinds (border first), everywhere, corridors, regions,
    then single places."""
    kinds = [DEFAULT_SEIZURE_PLACES, *(kind for kind in PLACE_KINDS if kind != DEFAULT_SEIZURE_PLACES)]
    return [*kinds, "all", *places.corridors, *places.regions, *places.names]


def with_targets(targets: Mapping[str, Sequence[str]], activity: str, chosen: Sequence[str]) -> dict[str, tuple]:
    """``policy.targets`` with ``activity`` aimed at ``chosen`` (no places: everywhere again)."""
    out = {name: tuple(where) for name, where in targets.items() if name != activity}
    if chosen:
        out[activity] = tuple(chosen)
    return out


def now_event(kind: str, week: int, where: str = DEFAULT_SEIZURE_PLACES,
              share: float = DEFAULT_SEIZURE_SHARE) -> Event:
    """The event a "now" button stages for ``week`` (a seizure at ``where``, or the removal of the
    largest organisation's leader), checked as a scenario's ``[[event]]``.

    Raises:
        ScenarioError: a kind not in ``NOW_KINDS``, or a value an event does not allow.
    """
    if kind not in NOW_KINDS:
        raise ScenarioError([f"event kind = {kind!r}: allowed {', '.join(NOW_KINDS)} from the dashboard"])
    entry: dict[str, Any] = {"week": week, "kind": kind}
    if kind == "seizure":
        entry |= {"where": where, "share": share}
    (event,) = parse_events([entry])
    return event


def event_places(places: Places, event: Event, homicides: np.ndarray | None = None) -> np.ndarray:
    """A mask of the places an event names (none for a leader removal); ``most_violent:N`` ranks
    places by ``homicides``."""
    mask = np.zeros(places.n, dtype=bool)
    if event.where:
        mask[places.select(event.where, f"event in week {event.week}: where", homicides)] = True
    return mask
