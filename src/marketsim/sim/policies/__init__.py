"""Policies as objects: every intervention is one class in one module of this package — the levers it
reads, its budget share and whether it can be aimed (police activities), and what it does each week.
See ``base.py`` for the two kinds, and CONTRIBUTING.md for how to add one."""

import importlib
import pkgutil

from marketsim.sim.policies.base import PoliceActivity, Policy, Programme, affordable
from marketsim.sim.policies.collusion import Collusion
from marketsim.sim.policies.community import CommunityPolicing
from marketsim.sim.policies.deterrence import FocusedDeterrence
from marketsim.sim.policies.eradication import Eradication
from marketsim.sim.policies.interdiction import Interdiction
from marketsim.sim.policies.investigations import Investigations
from marketsim.sim.policies.kingpin import HighValueTargeting
from marketsim.sim.policies.militarisation import MilitarisedOperations
from marketsim.sim.policies.money_laundering import AntiMoneyLaundering
from marketsim.sim.policies.reactive import ReactivePolicing
from marketsim.sim.policies.street import StreetArrests
from marketsim.sim.policies.users import UserArrests

ACTIVITIES: tuple[type[PoliceActivity], ...] = (
    StreetArrests, UserArrests, FocusedDeterrence, Investigations, HighValueTargeting, Interdiction, Eradication,
    CommunityPolicing, AntiMoneyLaundering, ReactivePolicing, MilitarisedOperations, Collusion,
)
"""The police activities, in the order they act: front-line arrests first, reactive work with what the
shares leave, then the week's armed encounters, and last the peace kept with what a collusive
arrangement spared. Each prepares (in the same order) before any acts."""


def _programmes() -> tuple[type[Programme], ...]:
    """Every programme defined in a module of this package, by name (each module is imported)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    found = {cls for cls in _subclasses(Programme) if cls.__module__.startswith(f"{__name__}.")}
    return tuple(sorted(found, key=lambda cls: cls.name))


def _subclasses(cls: type) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


PROGRAMMES: tuple[type[Programme], ...] = _programmes()
"""The programmes outside policing (naloxone, syringe services, treatment places, legal regulation,
sentencing, diversion, anti-corruption, alternative development, drug checking), found in this
package's modules."""

__all__ = ["ACTIVITIES", "PROGRAMMES", "PoliceActivity", "Policy", "Programme", "affordable"]
