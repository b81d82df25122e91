"""Tables of agents: declared columns grow together, and views read and write their rows."""

from __future__ import annotations

import numpy as np
import pytest

from marketsim.sim.tables import Table


def test_every_declared_column_grows_together_and_keeps_its_rows():
    table = Table(2)
    table.declare("active", bool, False)
    table.declare("org", np.int64, -1)
    table.declare("in_transit", float, 0.0, shape=(3,))
    table.declare("rivals", object, frozenset())
    table.active[1], table.org[1], table.in_transit[1] = True, 7, [1.0, 2.0, 3.0]
    table.grow()
    assert table.capacity == 4
    assert [len(getattr(table, name)) for name in table.columns] == [4, 4, 4, 4]
    assert table.active.tolist() == [False, True, False, False]
    assert table.org.tolist() == [-1, 7, -1, -1]
    assert table.in_transit[1].tolist() == [1.0, 2.0, 3.0] and not table.in_transit[2:].any()
    assert table.rivals[3] == frozenset()
    table.reserve(9)
    assert table.capacity == 16 and len(table.org) == 16 and table.org[1] == 7


def test_a_cleared_row_is_empty_again():
    table = Table(4)
    table.declare("org", np.int64, -1)
    table.declare("stock")
    table.org[2], table.stock[2] = 5, 1.5
    table.clear(2)
    assert table.org[2] == -1 and table.stock[2] == 0.0


def test_a_column_is_declared_once():
    table = Table(4)
    table.declare("stock")
    with pytest.raises(ValueError, match="'stock' is declared twice"):
        table.declare("stock")
