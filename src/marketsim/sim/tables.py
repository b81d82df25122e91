"""Tables of agents and Mesa agents as views of their rows.

A :class:`Table` holds one kind of agent, one row each (a dealer slot, a member), or one row per
organisation id. Each column is declared once — name, dtype, the value of an empty row, any extra
dimensions — and :meth:`Table.grow` resizes every declared column together, so a column cannot be
left out of a resize. A Mesa agent is a view of its row (:class:`RowAgent`): its attributes are
:class:`Column` descriptors, so each fact is stored once, in its owner's table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

if TYPE_CHECKING:
    from mesa.discrete_space import Cell
    from numpy.typing import DTypeLike

    from marketsim.model import DrugMarketModel


class Table:
    """Rows of one kind of agent (or one per organisation id), each column a numpy array stored as
    an attribute of the table, declared once with :meth:`declare`."""

    def __init__(self, capacity: int):
        self.capacity = int(capacity)
        self._declared: dict[str, tuple[np.dtype, Any, tuple[int, ...]]] = {}

    def declare(self, name: str, dtype: DTypeLike = float, fill: Any = 0, shape: tuple[int, ...] = ()) -> None:
        """Add a column ``name``: one ``dtype`` value per row (or an array of ``shape`` per row), ``fill``
        in an empty row. Object columns share ``fill`` between empty rows: make it immutable."""
        if name in self._declared:
            raise ValueError(f"column {name!r} is declared twice")
        self._declared[name] = (np.dtype(dtype), fill, tuple(shape))
        setattr(self, name, self._empty(name, self.capacity))

    def _empty(self, name: str, rows: int) -> np.ndarray:
        dtype, fill, shape = self._declared[name]
        column = np.empty((rows, *shape), dtype=dtype)
        column.fill(fill)
        return column

    @property
    def columns(self) -> list[str]:
        """Names of the declared columns, in declaration order."""
        return list(self._declared)

    def reserve(self, rows: int) -> None:
        """Make room for at least ``rows`` rows (doubling the capacity as often as needed)."""
        capacity = max(self.capacity, 1)
        while capacity < rows:
            capacity *= 2
        if capacity == self.capacity:
            return
        for name in self._declared:
            grown = self._empty(name, capacity)
            grown[:self.capacity] = getattr(self, name)
            setattr(self, name, grown)
        self.capacity = capacity

    def grow(self) -> None:
        """Double the number of rows; new rows are empty."""
        self.reserve(2 * max(self.capacity, 1))

    def clear(self, rows: np.ndarray | int) -> None:
        """Empty these rows: every column back to its fill value."""
        for name, (_, fill, _) in self._declared.items():
            getattr(self, name)[rows] = fill


class Column:
    """An agent attribute stored in one column of a table: reading or writing ``agent.stock_kg``
    reads or writes ``table.stock[agent.index]``, so each fact is stored once (as Mesa's
    ``PropertyDescriptor`` does for cell layers). The table is the agent's own (``agent.table``)
    or, given ``owner``, the per-organisation table of that subsystem (``model.<owner>.by_org``).
    ``cast`` converts the stored value (None: the row itself, e.g. an array per row)."""

    def __init__(self, column: str, cast: Callable[[Any], Any] | None = float, owner: str | None = None):
        self.column = column
        self.cast = cast
        self.owner = owner

    def __set_name__(self, owner: type, name: str) -> None:
        where = f"model.{self.owner}.by_org" if self.owner else "its table"
        self.__doc__ = f"Column {self.column!r} of {where}."

    def array(self, agent: Any) -> np.ndarray:
        """The whole column the agent's value is stored in."""
        table = agent.table if self.owner is None else getattr(agent.model, self.owner).by_org
        return getattr(table, self.column)

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        value = self.array(agent)[agent.index]
        return value if self.cast is None else self.cast(value)

    def __set__(self, agent: Any, value: Any) -> None:
        self.array(agent)[agent.index] = value


class RowAgent(mesa.Agent):
    """A Mesa agent whose state is row ``index`` of its subsystem's table (which has a ``place``
    column); its cell is derived from that row, never stored."""

    def __init__(self, model: DrugMarketModel, table: Any, index: int):
        super().__init__(model)
        self.table = table
        self.index = index

    @property
    def place(self) -> int:
        """Index of the place the agent is at."""
        return int(self.table.place[self.index])

    @property
    def cell(self) -> Cell:
        """The agent's cell in the model's network space."""
        return self.model.space[self.model.places.names[self.place]]


class Views:
    """Mesa agents as views of the occupied rows of a table whose occupants come and go every week
    (dealers), made when someone looks rather than each time a row changes hands.

    The table has an ``active`` column and a ``serial`` column (a number unique to each occupant);
    :meth:`sync` brings the model's agents up to date — one view per occupied row, a new view when a
    row has a new occupant, none for an empty row — and the model calls it whenever its agents are
    read (``model.agents``, ``agents_by_type``, ``agent_types``), so what Mesa shows is always true.
    A week of recruitment and departures then costs no agent registrations at all."""

    def __init__(self, table: Any, kind: type[RowAgent]):
        self.table = table
        self.kind = kind
        self.made: dict[int, RowAgent] = {}  # the view of each row, made for its occupant then
        table.declare("viewed", np.int64, -1)  # serial of the occupant the row's view was made for (-1: none)

    def occupants(self) -> np.ndarray:
        """Serial of each row's occupant (-1: an empty row)."""
        return np.where(self.table.active, self.table.serial, -1)

    def sync(self) -> None:
        """Make a view for every row with a new occupant and remove the views of occupants gone."""
        table, occupants = self.table, self.occupants()
        stale = np.flatnonzero(occupants != table.viewed)
        for row in stale.tolist():
            self.refresh(row, int(occupants[row]))
        table.viewed[stale] = occupants[stale]

    def of(self, row: int) -> RowAgent | None:
        """The view of one row's occupant (None for an empty row), made now if it is not yet."""
        table = self.table
        occupant = int(table.serial[row]) if table.active[row] else -1
        if occupant != table.viewed[row]:
            self.refresh(row, occupant)
            table.viewed[row] = occupant
        return self.made.get(row)

    def refresh(self, row: int, occupant: int) -> None:
        """The row's view is for a former occupant: remove it, and make one for the current occupant."""
        former = self.made.pop(row, None)
        if former is not None:
            former.remove()
        if occupant >= 0:
            self.made[row] = self.kind(self.table.model, self.table, row)
