"""Trafficking organisations and their members (leader, lieutenants, soldiers)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel


class Role(StrEnum):
    """A member's rank."""

    LEADER = "leader"
    LIEUTENANT = "lieutenant"
    SOLDIER = "soldier"


class Member(CellAgent):
    """One member of a trafficking organisation, placed in one of its places."""

    def __init__(self, model: DrugMarketModel, cell, organisation: TraffickingOrganisation, role: Role):
        super().__init__(model)
        self.cell = cell
        self.organisation = organisation
        self.role = role


class TraffickingOrganisation(Agent):
    """A trafficking organisation: buys at the farm gate, moves product along learned routes,
    sells wholesale to the dealers on its turf, holds and contests territory, pays bribes, and
    turns to extortion when revenue falls. Losing its leader triggers succession or a split.

    Array-valued state (per route segment) is indexed like ``model.routes.edges``. Route choice
    and interdiction act on all organisations at once (``stages.trafficking.ship``,
    ``stages.enforcement.interdiction``), using each one's learned ``risk``.
    """

    def __init__(self, model: DrugMarketModel, slot: int, n_edges: int, parent: int | None = None):
        super().__init__(model)
        self.slot = slot                  # row in the model's per-organisation arrays
        self.parent = parent              # slot of the organisation it split from
        self.founded = model.steps
        self.members: list[Member] = []
        self.source_stock = 0.0           # kg bought at the farm gate, not yet shipped
        self.in_transit = np.zeros(0)     # kg on each candidate route this week
        self.city_stock = 0.0             # kg landed after the border
        self.cash = 0.0
        self.revenue = 0.0                # USD this week
        self.revenue_ma = 0.0             # USD/week, 6-month moving average
        self.sales_ma = 0.0               # kg/week sold wholesale, moving average
        self.risk = np.zeros(n_edges)     # learned chance of a seizure on each segment
        self.seized_on = np.zeros(n_edges)  # lots seized on each segment this week
        self.seizure_share = 0.0          # recent share of shipments lost
        self.aml_share = 0.0              # recent share of revenue seized by anti-money-laundering
        self.wholesale_price = 0.0
        self.turmoil_until = -1           # week until which a succession fight goes on
        self.rivals_in_turmoil: set[int] = set()
        self.warned = False               # called in by focused deterrence
        self.violence_score = 0.0         # recent violence attributed to it (decaying)
        self.extorting = False
        self.neutralised = 0.0            # share of enforcement against it bought off
        self.presence = np.zeros(model.places.n)  # members stationed at each place

    @property
    def leader(self) -> Member | None:
        """The current leader, if any."""
        return next((m for m in self.members if m.role is Role.LEADER), None)

    @property
    def name(self) -> str:
        """A readable name, e.g. ``org 3``."""
        return f"org {self.slot + 1}"

    def in_turmoil(self, week: int) -> bool:
        """Whether a succession fight is going on."""
        return week <= self.turmoil_until

    def add_member(self, cell, role: Role) -> Member:
        """Recruit one member into a place."""
        member = Member(self.model, cell, self, role)
        self.members.append(member)
        self.presence[self.model.places.index[cell.coordinate]] += 1
        return member

    def remove_member(self, member: Member) -> None:
        """A member is arrested or killed."""
        self.members.remove(member)
        self.presence[self.model.places.index[member.cell.coordinate]] -= 1
        member.remove()

    def station(self, member: Member, cell) -> None:
        """Move a member to another place (a garrison after a takeover, a retreat after a loss)."""
        places = self.model.places
        self.presence[places.index[member.cell.coordinate]] -= 1
        member.move_to(cell)
        self.presence[places.index[cell.coordinate]] += 1

    def members_at(self, place: int) -> list[Member]:
        """Members stationed at a place."""
        name = self.model.places.names[place]
        return [m for m in self.members if m.cell.coordinate == name]

    def learn_routes(self, learning: float, decay: float) -> None:
        """Raise the learned risk of segments where lots were seized; let the rest fade."""
        hit = np.minimum(self.seized_on, 1.0)
        self.risk = self.risk * (1 - decay) + learning * hit * (1 - self.risk)
        self.seized_on[:] = 0.0


def succession(model: DrugMarketModel, org: TraffickingOrganisation) -> None:
    """After the leader is removed, a lieutenant takes over, or the organisation splinters into
    rival groups that fight over its territory, members and stock."""
    t = model.p.trafficking
    if not org.members:
        model.dissolve(org)
        return
    if model.rng.random() < t.orderly_succession or not split_organisation(model, org):
        promote_leader(org)
        org.turmoil_until = model.week + int(model.p.violence.turmoil_weeks / 4)


def promote_leader(org: TraffickingOrganisation) -> None:
    """Make a lieutenant (or, failing one, any member) the leader, and a soldier a lieutenant."""
    if org.leader is not None or not org.members:
        return
    ranked = sorted(org.members, key=lambda m: m.role is not Role.LIEUTENANT)
    ranked[0].role = Role.LEADER
    soldier = next((m for m in org.members if m.role is Role.SOLDIER), None)
    if soldier is not None:
        soldier.role = Role.LIEUTENANT


def split_organisation(model: DrugMarketModel, org: TraffickingOrganisation) -> bool:
    """Divide an organisation into splinter groups, each growing its territory breadth-first from
    a different place of the old turf; members follow the place they are in. Returns False when
    there is too little turf or too few members to split."""
    t, rng, places, week = model.p.trafficking, model.rng, model.places, model.week
    turf = np.flatnonzero(places.controller == org.slot)
    count = min(t.splinters, len(turf), len(org.members))
    if count < 2:
        return False
    seeds = rng.choice(turf, size=count, replace=False)
    groups = [org] + [model.new_organisation(parent=org.slot) for _ in range(count - 1)]
    unclaimed = set(turf.tolist()) - set(seeds.tolist())
    frontier = []
    for seed, group in zip(seeds.tolist(), groups, strict=True):
        places.controller[seed] = group.slot
        frontier.append([seed])
    while unclaimed and any(frontier):
        for k, group in enumerate(groups):
            grown = []
            for node in frontier[k]:
                for nb in places.neighbours[node].tolist():
                    if nb in unclaimed:
                        places.controller[nb] = group.slot
                        unclaimed.discard(nb)
                        grown.append(nb)
            frontier[k] = grown
    for member in list(org.members):
        owner = model.org_by_slot.get(int(places.controller[places.index[member.cell.coordinate]]))
        if owner in groups and owner is not org and member.role is not Role.LEADER:
            move_member(org, owner, member)
    for group in groups[1:]:
        if not group.members:  # a splinter whose places held nobody takes a few soldiers along
            cell = model.space[places.names[int(np.flatnonzero(places.controller == group.slot)[0])]]
            for member in [m for m in org.members if m.role is not Role.LEADER][:2]:
                move_member(org, group, member)
                group.station(member, cell)
        promote_leader(group)
    promote_leader(org)
    total = sum(len(g.members) for g in groups)
    for group in groups[1:]:
        share = len(group.members) / max(total, 1)
        group.city_stock, group.cash = org.city_stock * share, org.cash * share
        group.in_transit = org.in_transit * share
        group.risk = org.risk.copy()
        group.sales_ma, group.revenue_ma = org.sales_ma * share, org.revenue_ma * share
        group.revenue = group.revenue_ma
        group.wholesale_price = org.wholesale_price
    kept = len(org.members) / max(total, 1)
    org.city_stock, org.cash, org.in_transit = org.city_stock * kept, org.cash * kept, org.in_transit * kept
    org.sales_ma, org.revenue_ma = org.sales_ma * kept, org.revenue_ma * kept
    siblings = {g.slot for g in groups}
    for group in groups:
        group.turmoil_until = week + int(model.p.violence.turmoil_weeks)
        group.rivals_in_turmoil = siblings - {group.slot}
    model.tally.splits += 1
    return True


def move_member(source: TraffickingOrganisation, target: TraffickingOrganisation, member) -> None:
    """Transfer a member between organisations (after a split)."""
    place = source.model.places.index[member.cell.coordinate]
    source.members.remove(member)
    source.presence[place] -= 1
    target.members.append(member)
    target.presence[place] += 1
    member.organisation = target
