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

EVENT_COLUMNS = ("week", "kind", "detail", "place", "organisation", "count")


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

    def start_week(self, week: int) -> None:
        """Begin a new week: this week's totals start from zero."""
        self.week = week
        self._totals.clear()
        self._detail_totals.clear()
        self._places.clear()
        self._detail_places.clear()

    def record(self, kind: str, count: float = 1, *, detail: str = "", place: int = -1, org: int = -1) -> None:
        """Record ``count`` events of one kind (nothing when count is zero)."""
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
        nonzero = np.asarray(counts).nonzero()[0]
        if len(nonzero) == 0:
            return
        where = nonzero if places is None else np.asarray(places)[nonzero]
        counts = counts[nonzero]
        total = counts.sum()
        self._totals[kind] += total
        self._detail_totals[kind, detail] += total
        self._places[kind][where] += counts
        self._detail_places[kind, detail][where] += counts
        self._chunks.append((self.week, kind, detail, where, org, counts))

    def total(self, kind: str, detail: str | None = None) -> float:
        """This week's count of one kind (of one detail, or of every detail)."""
        if detail is None:
            return self._totals.get(kind, 0)
        return self._detail_totals.get((kind, detail), 0)

    def by_place(self, kind: str, detail: str | None = None) -> np.ndarray:
        """This week's count of one kind (of one detail, or of every detail) at each place."""
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
