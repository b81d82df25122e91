"""What happened: product accounting (conservation) and the event log that every subsystem writes.

The event log is the single record of countable events — homicides, arrests, seizures,
overdoses, leader removals, splits... Rules read this week's totals from it (justice sentences
this week's arrests), outputs turn them into columns, and ``model.events()`` returns every
event as a tidy table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from marketsim.config.errors import did_you_mean
from marketsim.sim.common import compiled

EVENT_COLUMNS = ("week", "kind", "detail", "place", "organisation", "count")

OFFENCES = ("user", "dealer", "trafficker", "leader", "violent", "reoffence")
"""Offences an arrest, a diversion or an incarceration is for."""
VIOLENCE = ("dispute", "contest", "confrontation", "extortion", "vigilante", "police", "background")
"""Causes of a violent incident or a homicide."""


@dataclass(frozen=True)
class EventKind:
    """A kind of event the log records: what it counts, and the details that refine it ("" = none;
    ``None``: any text, such as the parameters a policy change set)."""

    name: str
    definition: str
    details: tuple[str, ...] | None = ("",)


EVENT_KINDS: dict[str, EventKind] = {kind.name: kind for kind in (
    EventKind("arrest", "People arrested, by offence.", OFFENCES),
    EventKind("call_in", "Violent dealers called in by focused deterrence."),
    EventKind("cash_seizure", "USD seized from organisations by anti-money-laundering work."),
    EventKind("confrontation", "Armed confrontations between militarised units and an organisation."),
    EventKind("contest", "Attacks by one organisation on a rival's place."),
    EventKind("dispute", "Violent disputes between rival dealers."),
    EventKind("diversion", "Arrestees diverted to services instead of court, by offence.", OFFENCES),
    EventKind("eradication", "Hectares of crop eradicated."),
    EventKind("extortion", "Extortion and kidnapping events."),
    EventKind("homicide", "Deaths by violence, by cause.", VIOLENCE),
    EventKind("incarceration", "Admissions to prison, by offence.", OFFENCES),
    EventKind("incident", "Violent incidents (fatal or not), by cause.", VIOLENCE),
    EventKind("infection", "New infections among people who inject."),
    EventKind("leader_removal", "Leaders captured or killed."),
    EventKind("new_group", "Organisations formed (emergence, splits, market entry)."),
    EventKind("overdose", "Fatal overdoses."),
    EventKind("policy_change", "Parameters changed by the scenario's schedule (detail: which).", None),
    EventKind("reoffence", "People re-arrested within the follow-up after prison, a sentence or diversion."),
    EventKind("report", "Violent incidents residents reported to police."),
    EventKind("sanction", "Sanctions answering violence: focused deterrence, or a collusive protection.",
              ("", "focused deterrence", "protection")),
    EventKind("seizure", "Kilograms seized, by where.", ("interdiction", "retail", "event")),
    EventKind("shock", "One-off events staged by the scenario, by kind.",
              ("seizure", "arrest_sweep", "leader_removal", "leader_removal (no such leader)", "market_entry")),
    EventKind("split", "Organisations that split."),
    EventKind("succession", "Successions after a leader's removal."),
)}
"""Every kind of event, declared once: the log refuses any other kind or detail, so a misspelt name
fails where it is written instead of counting zero."""


_DECLARED_EVENTS = frozenset(
    [(kind.name, None) for kind in EVENT_KINDS.values()]
    + [(kind.name, detail) for kind in EVENT_KINDS.values() for detail in kind.details or ()])
"""Every (kind, detail) pair the log accepts (detail ``None``: any detail), for the check's fast path."""


def check_event(kind: str, detail: str | None = None) -> None:
    """Refuse an undeclared event kind, or a detail its kind does not declare."""
    if (kind, detail) in _DECLARED_EVENTS:
        return
    declared = EVENT_KINDS.get(kind)
    if declared is None:
        raise KeyError(f"unknown event kind {kind!r}{did_you_mean(kind, EVENT_KINDS)}: "
                       f"allowed {', '.join(EVENT_KINDS)}")
    if detail is not None and declared.details is not None and detail not in declared.details:
        raise KeyError(f"unknown detail {detail!r} of event kind {kind!r}{did_you_mean(detail, declared.details)}: "
                       f"allowed {', '.join(repr(d) for d in declared.details)}")


@dataclass
class ProductLedger:
    """Cumulative kilograms: what entered the market and where it went.

    Conservation: ``initial + produced == stock + seized + consumed + lost`` at every step,
    where stock is everything in farms', organisations' (incl. in transit) and dealers' hands.
    """

    initial: float = 0.0
    produced: float = 0.0
    seized: float = 0.0
    consumed: float = 0.0
    lost: float = 0.0

    def produce(self, kg: float) -> None:
        """Product harvested."""
        self.produced += kg

    def consume(self, kg: float) -> None:
        """Product consumed by users."""
        self.consumed += kg

    def seize(self, kg: float) -> None:
        """Product seized by police."""
        self.seized += kg

    def lose(self, kg: float) -> None:
        """Product lost: spoiled, abandoned by an organisation that ends or a dealer who leaves."""
        self.lost += kg

    def imbalance(self, stock: float) -> float:
        """Kilograms unaccounted for (zero when product is conserved)."""
        return self.initial + self.produced - (stock + self.seized + self.consumed + self.lost)


class EventLog:
    """Every event (week, kind, detail, place, organisation, count), and this week's totals by
    kind, by (kind, detail) and by place, which the rules and the outputs read.

    ``kind`` says what happened (``homicide``, ``arrest``, ``seizure``...), ``detail`` refines it
    (the cause of a homicide, the offence of an arrest); ``place`` is a place index or -1,
    ``organisation`` an organisation id or -1. Events recorded at many places at once are kept
    as one chunk and expanded into rows only when the table is asked for.
    """

    def __init__(self, n_places: int):
        self.n_places = n_places
        self.week = 0
        self._chunks: list[tuple[int, str, str, int | np.ndarray, int, float | np.ndarray]] = []
        # this week's totals: from 0 by kind and by (kind, detail), from zeros at every place
        self._totals: defaultdict[str, float] = defaultdict(int)
        self._detail_totals: defaultdict[tuple[str, str], float] = defaultdict(int)
        self._places: defaultdict[str, np.ndarray] = defaultdict(partial(np.zeros, n_places))
        self._detail_places: defaultdict[tuple[str, str], np.ndarray] = defaultdict(partial(np.zeros, n_places))
        self._every_place = np.arange(n_places)

    def start_week(self, week: int) -> None:
        """Begin a new week: this week's totals start from zero."""
        self.week = week
        self._totals.clear()
        self._detail_totals.clear()
        self._places.clear()
        self._detail_places.clear()

    def record(self, kind: str, count: float = 1, *, detail: str = "", place: int = -1, org: int = -1) -> None:
        """Record ``count`` events of one kind (nothing when count is zero)."""
        check_event(kind, detail)
        if not count:
            return
        self._totals[kind] += count
        self._detail_totals[kind, detail] += count
        if place >= 0:
            self._places[kind][place] += count
            self._detail_places[kind, detail][place] += count
        self._chunks.append((self.week, kind, detail, place, org, count))

    def record_places(self, kind: str, counts: np.ndarray, *, detail: str = "", org: int = -1,
                      places: np.ndarray | None = None) -> None:
        """Record events at several distinct places at once: ``counts[i]`` at ``places[i]`` (or at place i)."""
        check_event(kind, detail)
        counts = np.asarray(counts)
        if not counts.any():
            return
        where, counts = _at_places(counts, self._every_place if places is None else np.asarray(places),
                                   self._places[kind], self._detail_places[kind, detail])
        total = counts.sum()
        self._totals[kind] += total
        self._detail_totals[kind, detail] += total
        self._chunks.append((self.week, kind, detail, where, org, counts))

    def total(self, kind: str, detail: str | None = None) -> float:
        """This week's count of one kind (of one detail, or of every detail)."""
        check_event(kind, detail)
        if detail is None:
            return self._totals.get(kind, 0)
        return self._detail_totals.get((kind, detail), 0)

    def by_place(self, kind: str, detail: str | None = None) -> np.ndarray:
        """This week's count of one kind (of one detail, or of every detail) at each place."""
        check_event(kind, detail)
        found = self._places.get(kind) if detail is None else self._detail_places.get((kind, detail))
        return found.copy() if found is not None else np.zeros(self.n_places)

    def table(self, place_names: list[str]) -> pd.DataFrame:
        """Every event so far, one row each, places by name (empty where none)."""
        if not self._chunks:
            return pd.DataFrame(columns=list(EVENT_COLUMNS))
        sizes = [np.size(chunk[3]) for chunk in self._chunks]
        names = np.array(["", *place_names], dtype=object)
        places = np.concatenate([np.atleast_1d(chunk[3]) for chunk in self._chunks]).astype(np.int64)
        return pd.DataFrame({
            "week": np.repeat([chunk[0] for chunk in self._chunks], sizes),
            "kind": np.repeat([chunk[1] for chunk in self._chunks], sizes),
            "detail": np.repeat([chunk[2] for chunk in self._chunks], sizes),
            "place": names[places + 1],
            "organisation": np.repeat([chunk[4] for chunk in self._chunks], sizes),
            "count": np.concatenate([np.atleast_1d(chunk[5]).astype(float) for chunk in self._chunks]),
        })


@compiled
def _at_places(counts: np.ndarray, places: np.ndarray, by_kind: np.ndarray,
               by_detail: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The places (``places[i]``, distinct) with events and their counts, in order, both added to this
    week's counts by place of the kind and of its detail."""
    found = 0
    for i in range(len(counts)):
        found += counts[i] != 0
    where, nonzero = np.empty(found, np.int64), np.empty(found, counts.dtype)
    found = 0
    for i in range(len(counts)):
        if counts[i] != 0:
            where[found], nonzero[found] = places[i], counts[i]
            by_kind[places[i]] += counts[i]
            by_detail[places[i]] += counts[i]
            found += 1
    return where, nonzero

