"""The protocol every subsystem follows, and the order the model builds them in.

A subsystem is one part of the market (production, trafficking, retail...). It declares its
``name`` (the model attribute it is stored as, and the namespace of its random streams and output
columns) and ``needs``: the subsystems whose state its initialisation reads. The model builds the
subsystems in an order computed from those declarations (:func:`build_order`), so construction
order is stated, not hand-kept; each subsystem's weekly rules are placed in the step by
``marketsim.model.STAGES``, and its outputs are the ``@metric`` methods beside its code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel
    from marketsim.sim.streams import StreamFamily


class Subsystem:
    """Base of every subsystem: it owns its state (only its own methods write it; others call
    them), draws from its own random streams, and declares what its initialisation reads."""

    name: ClassVar[str]
    """Model attribute, random-stream family and metric namespace of the subsystem."""
    needs: ClassVar[tuple[str, ...]] = ()
    """Subsystems whose state this one's initialisation reads (built before it)."""

    model: DrugMarketModel
    draws: StreamFamily

    def attach(self, model: DrugMarketModel) -> None:
        """Keep the model, become ``model.<name>`` and open this subsystem's random streams (the first
        thing ``__init__`` does, so that what it makes while it is built can reach it through the model)."""
        self.model = model
        setattr(model, self.name, self)
        self.draws = model.streams.family(self.name)


def build_order(subsystems: Iterable[type[Subsystem]], reverse_ties: bool = False) -> list[type[Subsystem]]:
    """The subsystems in an order where each comes after every subsystem it ``needs``; ties keep
    the given order (or the reverse, to check that nothing undeclared is relied on).

    Raises:
        ValueError: a need that names no subsystem, or a cycle of needs.
    """
    pending = list(subsystems)
    names = {cls.name for cls in pending}
    for cls in pending:
        unknown = set(cls.needs) - names
        if unknown:
            raise ValueError(f"subsystem {cls.name!r} needs unknown {', '.join(sorted(unknown))}")
    if reverse_ties:
        pending.reverse()
    built: list[type[Subsystem]] = []
    while pending:
        ready = next((cls for cls in pending if set(cls.needs) <= {b.name for b in built}), None)
        if ready is None:
            raise ValueError(f"subsystems need each other in a cycle: {', '.join(c.name for c in pending)}")
        built.append(ready)
        pending.remove(ready)
    return built
