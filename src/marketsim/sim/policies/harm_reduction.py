"""Harm reduction (IDPC 2016 Module 7; MDLE seminar 2013): naloxone in users' hands, syringe services,
treatment places."""

from __future__ import annotations

from marketsim.sim.policies.base import Programme


class Naloxone(Programme):
    """Take-home naloxone: ``coverage`` is the share of overdoses a kit is at hand for (what the harm
    subsystem's overdose rule reads; whether a kit reverses an overdose is its sourced efficacy)."""

    name = "naloxone"
    levers = ("harm.naloxone_coverage",)
    coverage = 0.0

    def act(self) -> None:
        self.coverage = self.model.p.harm.naloxone_coverage


class SyringeServices(Programme):
    """Needle and syringe programmes: ``coverage`` is the share of people who inject they can serve
    (how many come is the harm subsystem's rule: the risk of arrest near services keeps some away)."""

    name = "syringes"
    levers = ("harm.syringe_coverage",)
    coverage = 0.0

    def act(self) -> None:
        self.coverage = self.model.p.harm.syringe_coverage


class TreatmentPlaces(Programme):
    """Funded treatment places, ``per_100k`` residents (who seeks them is the communities' rule:
    waiting lists deter)."""

    name = "treatment"
    levers = ("harm.treatment_capacity",)
    per_100k = 0.0

    def act(self) -> None:
        self.per_100k = self.model.p.harm.treatment_capacity
