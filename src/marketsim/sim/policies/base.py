"""What a policy is: one object that says which levers it reads, whether it spends police effort
(and from which budget share), whether it can be aimed at places, and what it does each week.

Two kinds (Starsim's and Covasim's interventions are the model):

- a :class:`PoliceActivity` is funded by a share of the police budget and acts in the enforcement
  stage with the officer-weeks it is given, in the order of ``marketsim.sim.policies.ACTIVITIES``;
- a :class:`Programme` acts right after the stage it names (``after``; by default the schedule, which
  sets the parameters in force): it provides something agents can use (naloxone, syringe services, a
  legal market, a court practice), which the owning subsystem's rule reads from the programme, or it
  tells an owner what agents now know through the owner's method (drug checking); the owner's rules
  decide what follows.

A lever is read only by the policy that declares it; subsystems read what the policy gave them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel
    from marketsim.sim.police import Police
    from marketsim.sim.streams import StreamFamily


class Policy(ABC):
    """One intervention. ``levers`` are the dotted parameter paths it reads (a test checks that each
    exists and is declared a lever, and that no other module reads them)."""

    name: ClassVar[str]
    """Short name: the activity in ``policy.targets`` and the budget allocation, or the programme."""
    levers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, model: DrugMarketModel):
        self.model = model


def affordable(officer_weeks: float, cost: float, wanted: int) -> int:
    """How many of ``wanted`` responses costing ``cost`` officer-weeks each the effort pays for
    (a cost near zero pays for all of them, never for an infinite number)."""
    return int(min(wanted, officer_weeks // cost))


class PoliceActivity(Policy):
    """A police activity: funded by the budget share ``share`` (``None``: what the shares leave,
    i.e. reactive policing, or effort borrowed from other activities), aimed at places when
    ``targetable`` and ``policy.targets`` names it. It draws from the police's random streams."""

    share: ClassVar[str | None] = None
    """Field of ``policy`` that funds it (e.g. ``"street_share"``)."""
    targetable: ClassVar[bool] = False

    def __init__(self, police: Police):
        super().__init__(police.model)
        self.police = police
        self.draws: StreamFamily = police.draws

    def prepare(self) -> None:
        """At the start of enforcement, before any activity acts (nothing by default)."""

    def officer_weeks(self) -> float:
        """This week's officer-weeks: its share of the budget (``Police.officer_weeks``)."""
        return self.police.effort.get(self.name, 0.0)

    @abstractmethod
    def act(self, officer_weeks: float) -> None:
        """Spend this week's officer-weeks."""


class Programme(Policy):
    """A programme outside policing: each week, right after the stage ``after``, it provides what its
    levers say. Programmes are found in the modules of ``marketsim.sim.policies``: a new one is one
    module there (plus its parameters and a test)."""

    after: ClassVar[str] = "schedule"
    """The stage (``marketsim.model.STAGES``) after which it acts each week."""

    @abstractmethod
    def act(self) -> None:
        """Provide this week's services."""
