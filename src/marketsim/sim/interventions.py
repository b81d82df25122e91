"""Interventions in time: the scenario's scheduled policy changes and its one-off events.

A scheduled change takes effect at the start of its week (every stage of that week runs under
the new parameters); the enforcement activities are aimed again, ``most_violent:N`` ranking
places by the homicides of the year before. One-off events — a seizure, a leader removal, an
arrest sweep, a market entry — happen at the start of the enforcement stage of their week,
through the same rules as police work (arrested dealers go to the justice system, a removed
leader is succeeded, seized drugs leave the market), and are logged as ``shock`` events.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from marketsim.config.errors import ScenarioError
from marketsim.config.timeline import Event
from marketsim.sim.common import WEEKS_PER_YEAR, group_sum, metric, row_uniforms
from marketsim.sim.organisations import Role
from marketsim.sim.policies import PROGRAMMES, Programme
from marketsim.sim.subsystem import Subsystem

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class Interventions(Subsystem):
    """The scenario's timeline as it plays out (parameter changes and events by week), and the
    programmes outside policing (``marketsim.sim.policies.PROGRAMMES``), which provide what their
    levers say from the first week."""

    name = "interventions"
    needs = ()

    def __init__(self, model: DrugMarketModel):
        self.attach(model)
        self.timeline = model.scenario.timeline
        self.change_weeks = set(self.timeline.boundaries())
        self.changes = 0        # scheduled changes that took effect this week
        self.events = 0         # events that happened this week
        self.check_places()
        self.programmes: dict[str, Programme] = {cls.name: cls(model) for cls in PROGRAMMES}
        for programme in self.programmes.values():  # what each provides from the first week
            if programme.after == "schedule":
                programme.act()

    def programme(self, name: str) -> Programme:
        """The programme of that name (what it provides is read from its attributes)."""
        return self.programmes[name]

    def acting_after(self, stage: str) -> list[Programme]:
        """The programmes that act right after ``stage`` each week."""
        return [programme for programme in self.programmes.values() if programme.after == stage]

    def check_places(self) -> None:
        """Every place the timeline names (events, scheduled targets) must be in this world.

        Raises:
            ScenarioError: every unknown name, with a close match.
        """
        places, problems = self.model.places, []
        named = [(f"event[{i}].where", e.where) for i, e in enumerate(self.timeline.events)]
        named += [(f"schedule[{i}].set: policy.targets.{activity}", where)
                  for i, change in enumerate(self.timeline.schedule)
                  for activity, where in change.values.get("policy.targets", {}).items()]
        for label, where in named:
            try:
                places.select(where, label)
            except ScenarioError as error:
                problems.extend(error.problems)
        if problems:
            raise ScenarioError(problems)

    def add_event(self, event: Event) -> None:
        """Stage one more event in a week still to come (the dashboard's "now" buttons). Nothing
        reads an event before its week, so the run goes on exactly as if the scenario had staged
        it from the start; ``model.scenario`` says so too.

        Raises:
            ScenarioError: the event's week has begun already, or it names a place not in this world.
        """
        model = self.model
        if event.week <= model.steps:
            raise ScenarioError([f"event in week {event.week}: the run has reached week {model.steps}; allowed "
                                 f"week {model.steps + 1} or later"])
        model.places.select(event.where, f"event in week {event.week}: where")
        self.timeline = self.timeline.extended(events=[event])
        model.scenario = replace(model.scenario, timeline=self.timeline)

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def change_policy(self) -> None:
        """Schedule: in a week where the schedule changes, the parameters in force change."""
        model = self.model
        self.changes = self.events = 0
        week = model.steps
        if week not in self.change_weeks:
            return
        before = model.p
        model.p = model.scenario.params_at(week)
        changed = [path for path in model.scenario.resolved() if _value(before, path) != _value(model.p, path)]
        self.changes = 1
        model.log.record("policy_change", len(changed), detail=", ".join(changed))
        model.police.retarget()

    def apply_events(self) -> None:
        """Events: this week's one-off events, in the order given (each logged as a ``shock`` whose
        detail is its kind), just before enforcement."""
        for event in self.timeline.events_in(self.model.steps):
            getattr(self, event.kind)(event)
            self.events += 1

    def places(self, event: Event) -> np.ndarray:
        """A mask of the places an event names (``most_violent:N``: last year's homicides)."""
        model = self.model
        mask = np.zeros(model.places.n, dtype=bool)
        homicides = model.outputs.recent_by_place("homicides", WEEKS_PER_YEAR)
        mask[model.places.select(event.where, f"event in week {event.week}: where", homicides)] = True
        return mask

    def seizure(self, event: Event) -> None:
        """Take ``share`` of the drug held at the places: farms' stock, lots in transit through
        them, organisations' city stock (held where their dealers sell) and dealers' stock. The
        organisations learn that the routes through those places are risky."""
        model = self.model
        dealers, share = model.dealers, event.share
        mask = self.places(event)
        seized_at = model.farms.seize(mask, share)
        model.trafficking.seize_at(mask, share, seized_at)
        active = dealers.active_slots()
        here = active[mask[dealers.place[active]]]
        taken = dealers.seize_stock(here, share)
        seized_at += group_sum(dealers.place[here], taken, model.places.n)
        model.ledger.seize(float(seized_at.sum()))
        model.log.record_places("seizure", seized_at, detail="event")
        model.log.record("shock", detail="seizure")

    def arrest_sweep(self, event: Event) -> None:
        """Arrest ``share`` of the dealers at the places (each with that chance)."""
        model = self.model
        dealers = model.dealers
        mask = self.places(event)
        active = dealers.active_slots()
        here = active[mask[dealers.place[active]]]
        arrested = here[row_uniforms(self.draws.arrest_sweep, here) < event.share]
        dealers.arrest(arrested)
        model.log.record("shock", detail="arrest_sweep")

    def leader_removal(self, event: Event) -> None:
        """Capture the leader of the largest organisation (or of the one named); a succession
        follows. Nothing happens if that organisation no longer exists or has no leader."""
        model = self.model
        if event.organisation == "largest":
            org = max(model.orgs, key=lambda o: (o.size, -o.id), default=None)
        else:
            org = model.orgs.get(int(event.organisation))
        removed = org is not None and org.leader is not None
        if removed:
            model.police.remove_leader(org)
        model.log.record("shock", detail="leader_removal" if removed else "leader_removal (no such leader)",
                         org=org.id if org is not None else -1)

    def market_entry(self, event: Event) -> None:
        """A new organisation arrives with ``size`` members at each place and takes them over: the
        former controllers' members there fall back to their other places, from which they may
        contest the newcomer."""
        model = self.model
        orgs, t = model.orgs, model.p.trafficking
        size = event.size or t.entry_size
        org = orgs.create()
        for number, place in enumerate(np.flatnonzero(self.places(event)).tolist()):
            for i in range(size):
                role = Role.LEADER if number == 0 and i == 0 else Role.LIEUTENANT if i == 0 else Role.SOLDIER
                org.add_member(place, role)
            orgs.occupy(org, place, place, garrison=0)
        orgs.start_books(org.id, t.soldier_wage * org.size / max(t.labour_share, 1e-9))
        model.log.record("new_group", org=org.id)
        model.log.record("shock", detail="market_entry", org=org.id)

    # -- outputs ----------------------------------------------------------------------------------------------
    @metric("policy_changes", "changes/week", "process",
            "Scheduled policy changes that took effect this week (the scenario's [[schedule]]).")
    def policy_changes(self) -> int:
        return self.changes

    @metric("shocks", "events/week", "process",
            "One-off events of the scenario that happened this week (the scenario's [[event]]: seizures, "
            "leader removals, arrest sweeps, market entries).")
    def shocks(self) -> int:
        return self.events


def _value(params: object, path: str) -> object:
    group, name = path.split(".", 1)
    return getattr(getattr(params, group), name)
