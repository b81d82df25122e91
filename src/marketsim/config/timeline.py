"""Policies in time: parameter changes from a given week (schedules) and one-off events.

A scenario may change parameters of the policy, justice, harm, police and demand groups from
a week on, optionally until another week (then the scenario's own value returns)::

    [[schedule]]
    week = 260
    until = 364
    set = { "policy.street_share" = 0.5, "policy.deterrence_share" = 0.0 }

and stage one-off events, applied at the start of the enforcement stage of their week::

    [[event]]
    week = 300
    kind = "seizure"
    where = "border"
    share = 0.9

Weeks count from 1, as the ``step`` column of the weekly table does. Every change is checked
like any other override, and the parameters in force in every period between changes are
built (and cross-checked: budget shares must fit in every week) before anything runs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from marketsim.config.errors import ScenarioError, did_you_mean
from marketsim.config.params import GROUPS

SCHEDULABLE_GROUPS = ("policy", "justice", "harm", "police", "demand")
"""Parameter groups a schedule may change during a run (the world and the behaviour of
producers, traffickers and dealers are fixed for a run)."""

SETUP_ONLY = ("demand.prevalence", "demand.dependent_share", "demand.initial_open_share", "harm.initial_prevalence",
              "justice.initial_prison_rate", "justice.initial_users", "justice.initial_dealers",
              "justice.initial_traffickers", "justice.initial_violent", "justice.initial_record_ratio")
"""Parameters of the schedulable groups that set the starting state only (changing them later
would change nothing)."""

EVENT_FIELDS: dict[str, dict[str, bool]] = {
    "seizure": {"where": True, "share": True},
    "leader_removal": {"organisation": False},
    "arrest_sweep": {"where": True, "share": True},
    "market_entry": {"where": True, "size": False},
}
"""Each event kind's fields beyond ``week`` and ``kind``: whether each is required."""

EVENT_HELP = {
    "seizure": "takes `share` of the drug held at the places `where` (farms' stock, lots in transit "
               "through them, organisations' city stock and dealers' stock there)",
    "leader_removal": "captures the leader of `organisation` ('largest', the default, or an id); a succession "
                      "follows",
    "arrest_sweep": "arrests `share` of the dealers at the places `where`",
    "market_entry": "brings a new organisation into the places `where`, with `size` members per place "
                    "(default: trafficking.entry_size)",
}

TIMELINE_PATH = re.compile(r"(schedule|event)\.(\d+)\.(week|until|share|size)")
"""A number of the timeline as a dotted path, e.g. ``schedule.0.week`` or ``event.1.share``:
what sweeps and overrides can vary (the first scheduled change is 0)."""
WHOLE_FIELDS = ("week", "until", "size")
"""Timeline fields that are whole numbers (``share`` is a fraction)."""

MAX_CHANGES = 200
"""The most scheduled changes in a scenario (each is a period whose parameters are built and checked)."""
MAX_EVENTS = 1_000
"""The most one-off events in a scenario."""
MAX_EVENTS_PER_WEEK = 5
"""The most one-off events in one week (a crackdown that seizes, sweeps and removes a leader is three)."""

MOST_VIOLENT = re.compile(r"most_violent:(\d+)")
"""``most_violent:N``: the N places with residents that had the most homicides in the last year."""


@dataclass(frozen=True)
class Change:
    """Parameter values in force from ``week`` on (through ``until``, if given)."""

    week: int
    values: Mapping[str, Any]
    until: int | None = None

    def active(self, week: int) -> bool:
        """Whether the change is in force in ``week``."""
        return self.week <= week and (self.until is None or week <= self.until)

    def describe(self) -> str:
        """Short text for markers and messages, e.g. ``policy.street_share = 0.5 until week 364``."""
        values = ", ".join(f"{path} = {_shown(value)}" for path, value in self.values.items())
        return values + (f" until week {self.until}" if self.until is not None else "")

    def as_dict(self) -> dict[str, Any]:
        """The change as written in a scenario file."""
        out: dict[str, Any] = {"week": self.week}
        if self.until is not None:
            out["until"] = self.until
        out["set"] = dict(self.values)
        return out


@dataclass(frozen=True)
class Event:
    """A one-off shock in ``week`` (see ``EVENT_HELP``)."""

    week: int
    kind: str
    where: tuple[str, ...] = ()
    share: float | None = None
    organisation: str | int = "largest"
    size: int | None = None

    def describe(self) -> str:
        """Short text for logs, markers and messages, e.g. ``seizure of 90% at border``."""
        places = ", ".join(self.where)
        if self.kind == "leader_removal":
            return f"leader removal ({self.organisation} organisation)" if self.organisation == "largest" \
                else f"leader removal (organisation {self.organisation})"
        if self.kind == "market_entry":
            return f"market entry at {places}"
        what = "seizure" if self.kind == "seizure" else "arrest sweep"
        return f"{what} of {self.share:.0%} at {places}"

    def as_dict(self) -> dict[str, Any]:
        """The event as written in a scenario file."""
        out: dict[str, Any] = {"week": self.week, "kind": self.kind}
        for name in EVENT_FIELDS[self.kind]:
            value = getattr(self, name)
            if name == "where":
                value = list(value)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True)
class Timeline:
    """A scenario's schedule and events."""

    schedule: tuple[Change, ...] = ()
    events: tuple[Event, ...] = ()

    def boundaries(self) -> list[int]:
        """Weeks (after the first) in which the parameters in force change."""
        weeks = {c.week for c in self.schedule} | {c.until + 1 for c in self.schedule if c.until is not None}
        return sorted(w for w in weeks if w > 1)

    def values_at(self, week: int) -> dict[str, Any]:
        """The scheduled values in force in ``week`` (later entries win)."""
        out: dict[str, Any] = {}
        for change in self.schedule:
            if change.active(week):
                out.update(change.values)
        return out

    def events_in(self, week: int) -> list[Event]:
        """The events of ``week``, in the order given."""
        return [event for event in self.events if event.week == week]

    def size_problems(self) -> list[str]:
        """Why this timeline is more than a run can take in: too many changes, too many events in
        all or in one week (each event acts on the whole market at once: twenty market entries of
        a thousand members in one week made a year's run take half a minute and half a GiB)."""
        problems = []
        if len(self.schedule) > MAX_CHANGES:
            problems.append(f"the schedule has {len(self.schedule):,} changes: allowed at most {MAX_CHANGES}")
        if len(self.events) > MAX_EVENTS:
            problems.append(f"there are {len(self.events):,} events: allowed at most {MAX_EVENTS:,}")
        crowded = Counter(event.week for event in self.events)
        problems += [f"week {week} has {count} events: allowed at most {MAX_EVENTS_PER_WEEK} a week"
                     for week, count in sorted(crowded.items()) if count > MAX_EVENTS_PER_WEEK]
        return problems

    def check_horizon(self, last_week: int) -> None:
        """Every week named must fall within a run that ends at ``last_week``."""
        problems = [f"schedule[{i}].week = {c.week} is after the last week of the run ({last_week})"
                    for i, c in enumerate(self.schedule) if c.week > last_week]
        problems += [f"event[{i}].week = {e.week} is after the last week of the run ({last_week})"
                     for i, e in enumerate(self.events) if e.week > last_week]
        if problems:
            raise ScenarioError(problems)

    def with_values(self, values: Mapping[str, Any]) -> Timeline:
        """This timeline with some numbers changed by dotted path (``TIMELINE_PATH``), e.g.
        ``{"schedule.0.week": 300, "event.0.share": 0.5}``.

        Raises:
            ScenarioError: a path naming an entry the timeline does not have, or a value that is
                not allowed.
        """
        schedule, events = list(self.schedule), list(self.events)
        problems: list[str] = []
        for path, value in values.items():
            found = TIMELINE_PATH.fullmatch(path)
            assert found is not None, path
            table, index, name = found.group(1), int(found.group(2)), found.group(3)
            entries: list[Any] = schedule if table == "schedule" else events
            allowed = ("week", "until") if table == "schedule" else ("week", "share", "size")
            if index >= len(entries):
                problems.append(f"{path}: the scenario has {len(entries)} {table} entr"
                                f"{'y' if len(entries) == 1 else 'ies'} (numbered from 0)")
                continue
            if name not in allowed:
                problems.append(f"{path}: {'a schedule' if table == 'schedule' else 'an event'} entry has no number "
                                f"{name!r} (allowed: {', '.join(allowed)})")
                continue
            if name in WHOLE_FIELDS:
                number = _week(value, path, problems, "" if name == "size" else " (weeks count from 1)")
                if number is None:
                    continue
                value = number
            elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                problems.append(f"{path} = {value!r}: allowed a number > 0 and ≤ 1")
                continue
            entries[index] = replace(entries[index], **{name: value})
        for i, change in enumerate(schedule):
            if change.until is not None and change.until < change.week:
                problems.append(f"schedule.{i}.until = {change.until} is before its week ({change.week})")
        if problems:
            raise ScenarioError(problems)
        return Timeline(tuple(schedule), tuple(events))

    def extended(self, schedule: Iterable[Change] = (), events: Iterable[Event] = ()) -> Timeline:
        """This timeline with more changes and events after its own."""
        return Timeline((*self.schedule, *schedule), (*self.events, *events))


def _shown(value: Any) -> str:
    """A scheduled value in a few characters: ``0.5``, ``yes``, ``street → nbhd_03, nbhd_04``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{key} → {_shown(item)}" for key, item in value.items()) or "none"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def _week(value: Any, label: str, problems: list[str], note: str = " (weeks count from 1)") -> int | None:
    """A whole number ≥ 1 (a week, by default), or ``None`` with the problem recorded."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not float(value).is_integer() \
            or value < 1:
        problems.append(f"{label} = {value!r}: allowed a whole number ≥ 1{note}")
        return None
    return int(value)


def _unknown_keys(item: Mapping[str, Any], allowed: Iterable[str], label: str, problems: list[str]) -> None:
    allowed = list(allowed)
    for key in item:
        if key not in allowed:
            problems.append(f"{label}: unknown field {key!r}{did_you_mean(str(key), allowed)} "
                            f"(allowed: {', '.join(allowed)})")


def parse_schedule(items: Any, check: Callable[[dict[str, Any], str], dict[str, Any]],
                   where: str = "") -> tuple[Change, ...]:
    """Schedule entries (mappings with ``week``, optional ``until`` and ``set``) as changes.

    ``check(values, where)`` validates dotted-path values the way overrides are validated
    (it raises :class:`ScenarioError`). Raises every problem at once.
    """
    if not isinstance(items, list | tuple):
        raise ScenarioError([f"{where}schedule must be a list of tables (TOML: [[schedule]]), got {items!r}"])
    problems: list[str] = []
    changes = []
    for i, item in enumerate(items):
        label = f"{where}schedule[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{label} must be a table with week, until (optional) and set, got {item!r}")
            continue
        _unknown_keys(item, ("week", "until", "set"), label, problems)
        if "week" not in item:
            problems.append(f"{label}.week is missing: the week the change starts")
        week = _week(item.get("week", 1), f"{label}.week", problems)
        until = None
        if "until" in item:
            until = _week(item["until"], f"{label}.until", problems)
            if week is not None and until is not None and until < week:
                problems.append(f"{label}.until = {until} is before its week ({week})")
        values = item.get("set")
        if not isinstance(values, Mapping) or not values:
            problems.append(f"{label}.set must be a table of dotted parameter paths and values, e.g. "
                            "{ \"policy.street_share\" = 0.5 }")
            continue
        flat = _flatten(values)
        for path in list(flat):
            group = path.split(".", 1)[0]
            if group not in SCHEDULABLE_GROUPS and group in GROUPS:
                problems.append(f"{label}.set: {path} cannot change during a run: schedules change the "
                                f"{', '.join(SCHEDULABLE_GROUPS)} groups")
                del flat[path]
            elif path in SETUP_ONLY:
                problems.append(f"{label}.set: {path} sets the starting state only; it cannot change during a run")
                del flat[path]
        try:
            checked = check(flat, f"{label}.set: ")
        except ScenarioError as error:
            problems.extend(error.problems)
            continue
        if week is not None:
            changes.append(Change(week, checked, until))
    if problems:
        raise ScenarioError(problems)
    return tuple(changes)


def _flatten(values: Mapping[str, Any]) -> dict[str, Any]:
    """``{"policy": {"street_share": 0.5}}`` or ``{"policy.street_share": 0.5}`` as dotted paths
    (``policy.targets`` stays a table)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        key = str(key)
        if "." not in key and isinstance(value, Mapping):
            for name, item in value.items():
                flat[f"{key}.{name}"] = item
        else:
            flat[key] = value
    return flat


def parse_events(items: Any, where: str = "") -> tuple[Event, ...]:
    """Event entries (mappings with ``week``, ``kind`` and the kind's fields) as events.

    Place names are checked against the world when a model is built. Raises every problem at once.
    """
    if not isinstance(items, list | tuple):
        raise ScenarioError([f"{where}event must be a list of tables (TOML: [[event]]), got {items!r}"])
    problems: list[str] = []
    events = []
    for i, item in enumerate(items):
        label = f"{where}event[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{label} must be a table with week, kind and the kind's fields, got {item!r}")
            continue
        kind = item.get("kind")
        if kind not in EVENT_FIELDS:
            problems.append(f"{label}.kind = {kind!r} is not an event kind{did_you_mean(str(kind), EVENT_FIELDS)} "
                            f"(allowed: {', '.join(EVENT_FIELDS)})")
            continue
        fields = EVENT_FIELDS[kind]
        _unknown_keys(item, ("week", "kind", *fields), f"{label} ({kind})", problems)
        if "week" not in item:
            problems.append(f"{label}.week is missing: the week of the event")
        week = _week(item.get("week", 1), f"{label}.week", problems)
        for name, required in fields.items():
            if required and name not in item:
                problems.append(f"{label}.{name} is missing: a {kind} {EVENT_HELP[kind]}")
        places = parse_where(item.get("where", ()), f"{label}.where", problems)
        share = item.get("share")
        if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)
                                  or not 0 < share <= 1):
            problems.append(f"{label}.share = {share!r}: allowed a number > 0 and ≤ 1")
        organisation = item.get("organisation", "largest")
        if organisation != "largest" and (isinstance(organisation, bool) or not isinstance(organisation, int)
                                          or organisation < 0):
            problems.append(f"{label}.organisation = {organisation!r}: allowed 'largest' or an organisation id "
                            "(a whole number ≥ 0)")
        size = item.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 1000):
            problems.append(f"{label}.size = {size!r}: allowed a whole number ≥ 1 and ≤ 1000 (members per place)")
        if week is not None:
            events.append(Event(week, kind, places, None if share is None else float(share), organisation, size))
    if problems:
        raise ScenarioError(problems)
    return tuple(events)


def parse_where(value: Any, label: str, problems: list[str]) -> tuple[str, ...]:
    """A place selection (one text or a list of texts) as a tuple; ``most_violent:N`` is checked
    here, names against the world when a model is built."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str) and v for v in items):
        problems.append(f"{label} = {value!r}: allowed a place name, a place kind (production, transit, border, "
                        "urban), a region or corridor name, 'most_violent:N', 'all', or a list of these")
        return ()
    for text in items:
        if text.startswith("most_violent") and (not MOST_VIOLENT.fullmatch(text) or int(text.split(":")[1]) < 1):
            problems.append(f"{label}: {text!r} must look like 'most_violent:3' (N ≥ 1 places)")
    return tuple(items)
