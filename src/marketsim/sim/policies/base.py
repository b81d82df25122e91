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

import numpy as np

from marketsim.sim.common import compiled, pairwise_sum

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


@compiled
def spared(weights: np.ndarray, owners: np.ndarray, protected: int,
           collusion: float) -> tuple[np.ndarray, float, float]:
    """``Police.spare``'s arithmetic: the ``weights`` with those of the ``protected`` organisation's targets
    (``owners``) × (1 − ``collusion``), the protected targets' weight and the total weight, each summed
    pairwise, as numpy sums. No arrangement (``protected`` < 0), no targets or no weight: the same
    ``weights`` and a total of 0."""
    if protected < 0 or len(weights) == 0:
        return weights, 0.0, 0.0
    total = pairwise_sum(weights)
    if total <= 0:
        return weights, 0.0, 0.0
    out = weights.copy()
    theirs = np.empty(len(weights))  # the protected targets' weights, in order
    k = 0
    for i in range(len(weights)):
        if owners[i] == protected:
            theirs[k] = weights[i]
            k += 1
            out[i] *= 1 - collusion
    return out, pairwise_sum(theirs[:k]), total


@compiled
def action_counts(actions: np.ndarray, exposure: np.ndarray) -> tuple[float, float]:
    """Enforcement actions (summed pairwise, as numpy sums) and those neutralised by bribes: each
    action × max(0, 1 − its target's ``exposure``) (as np.maximum(0.0, ·): a NaN stays)."""
    neutralised = np.empty(len(actions))
    for i in range(len(actions)):
        unprotected = 1 - exposure[i]
        neutralised[i] = actions[i] * (0.0 if unprotected < 0.0 else unprotected)
    return pairwise_sum(actions), pairwise_sum(neutralised)
