"""Tables of agents: declared columns grow together, and views read and write their rows."""

from __future__ import annotations

import numpy as np
import pytest

import marketsim as ms
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


def test_dealers_agents_are_made_when_looked_at_and_always_true():
    """Dealers come and go every week without creating Mesa agents; whenever the model's agents are
    read they are exactly the active dealers, a dealer who stays keeps its agent, and a slot taken by
    a new dealer gets a new one."""
    from marketsim.sim import Dealer

    model = ms.DrugMarketModel("baseline", seed=3).run(4)
    dealers = model.dealers
    assert not any(isinstance(agent, Dealer) for agent in model._agents)  # nothing made while running
    seen = {agent.index: agent for agent in model.agents_by_type[Dealer]}
    assert sorted(seen) == dealers.active_slots().tolist()
    serials = dealers.serial.copy()
    model.run(3)
    now = {agent.index: agent for agent in model.agents if isinstance(agent, Dealer)}
    assert sorted(now) == dealers.active_slots().tolist()
    stayed = [slot for slot in now if slot in seen and serials[slot] == dealers.serial[slot]]
    replaced = [slot for slot in now if slot in seen and serials[slot] != dealers.serial[slot]]
    assert stayed and replaced
    assert all(now[slot] is seen[slot] for slot in stayed)
    assert all(now[slot] is not seen[slot] for slot in replaced)
    assert all(seen[slot] not in model._agents for slot in set(seen) - set(now))
    assert dealers.views.of(stayed[0]) is now[stayed[0]]
    assert dealers.views.of(int(np.flatnonzero(~dealers.active)[0])) is None
