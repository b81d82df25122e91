"""Organisations: trafficking organisations, their members, and the territory they hold.

An organisation has a leader, lieutenants and soldiers, each stationed at one of its places;
the members at a place are its local strength there. It pays its members out of revenue and
recruits or sheds soldiers to match what it can pay, pays bribes, and turns to extortion when
revenue falls. Losing its leader triggers succession: a lieutenant takes over, or the
organisation splinters into rival groups that fight over the inheritance. An organisation
whose territory outgrows its leader's span of control may split on its own, and new local
groups form where the controlling organisation is thinly present.

Organisation ids only grow: a dissolved organisation's id is never reused.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from marketsim.sim.common import ewma, group_sum, herfindahl, metric, row_uniforms
from marketsim.sim.subsystem import Subsystem
from marketsim.sim.tables import RowAgent, Table
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel



class Role(StrEnum):
    """A member's rank."""

    LEADER = "leader"
    LIEUTENANT = "lieutenant"
    SOLDIER = "soldier"


ROLES: tuple[Role, ...] = tuple(Role)
"""Ranks in the order of their codes in the ``role`` column of the members table."""


class Member(RowAgent):
    """One member of a trafficking organisation, with its rank, stationed at one of its places
    (row ``index`` of ``model.orgs.members``, which also names its organisation)."""

    @property
    def role(self) -> Role:
        """The member's rank."""
        return ROLES[self.table.role[self.index]]

    @property
    def organisation(self) -> TraffickingOrganisation | None:
        """The organisation the member belongs to."""
        return self.model.orgs.get(int(self.table.org[self.index]))


class Members(Table):
    """Where every member of every organisation is stationed, its rank and whom it works for, one
    row each (a row is reused after its member leaves), and the organisations' local strength:
    members by organisation id and place, kept up to date as members join, move, change sides and
    leave. Organisations get their row of strength when they are created (``make_room``)."""

    def __init__(self, model: DrugMarketModel, capacity: int = 256):
        super().__init__(capacity)
        self.model = model
        self.declare("active", bool, False)
        self.declare("place", np.int64)       # place stationed at
        self.declare("org", np.int64, -1)     # id of its organisation, -1 for a free row
        self.declare("role", np.int8)         # rank: its index in ROLES
        self.strength = np.zeros((16, model.places.n), dtype=np.int64)  # members by organisation id and place

    def make_room(self, org_id: int) -> None:
        """Make sure the strength table has a row for organisation ``org_id`` (a new one: no members)."""
        while org_id >= len(self.strength):
            self.strength = np.concatenate([self.strength, np.zeros_like(self.strength)])

    def add(self, org_id: int, place: int, role: Role) -> Member:
        """A new member of organisation ``org_id`` at a place."""
        if self.active.all():
            self.grow()
        slot = int(np.argmin(self.active))  # the first free row
        self.active[slot] = True
        self.place[slot] = place
        self.org[slot] = org_id
        self.role[slot] = ROLES.index(role)
        self.strength[org_id, place] += 1
        return Member(self.model, self, slot)

    def remove(self, member: Member) -> None:
        """A member leaves (arrested, killed, driven out); its row becomes free."""
        row = member.index
        self.strength[self.org[row], self.place[row]] -= 1
        self.clear(row)
        member.remove()

    def move(self, member: Member, place: int) -> None:
        """A member is stationed at another place."""
        row = member.index
        self.strength[self.org[row], self.place[row]] -= 1
        self.strength[self.org[row], place] += 1
        self.place[row] = place

    def transfer(self, member: Member, org_id: int) -> None:
        """A member changes organisation (after a split), staying where it is."""
        row = member.index
        self.strength[self.org[row], self.place[row]] -= 1
        self.strength[org_id, self.place[row]] += 1
        self.org[row] = org_id

    def promote(self, member: Member, role: Role) -> None:
        """A member takes another rank."""
        self.role[member.index] = ROLES.index(role)


class TraffickingOrganisation(Agent):
    """A trafficking organisation: buys at the farm gate, moves product along learned routes,
    sells wholesale to the dealers on its turf, holds and contests territory, pays bribes, and
    turns to extortion when revenue falls.

    Array-valued state (per route segment) is indexed like ``model.routes.edges``; ``in_transit``
    like ``model.routes.paths``.
    """

    def __init__(self, model: DrugMarketModel, org_id: int, table: Members):
        super().__init__(model)
        self.id = org_id                  # grows with every new organisation; never reused
        self.table = table                # its members' places and roles
        self.members: list[Member] = []   # in the order they joined
        self.source_stock = 0.0           # kg bought at the farm gate, not yet shipped
        self.in_transit = np.zeros(len(model.routes.paths))  # kg on each candidate route this week
        self.city_stock = 0.0             # kg landed after the border
        self.cash = 0.0
        self.revenue = 0.0                # USD this week
        self.revenue_ma = 0.0             # USD/week, 6-month moving average
        self.sales_ma = 0.0               # kg/week sold wholesale, moving average
        self.risk = np.zeros(len(model.routes.edges))      # learned chance of a seizure on each segment
        self.seized_on = np.zeros(len(model.routes.edges))  # lots seized on each segment this week
        self.seizure_share = 0.0          # recent share of shipments lost
        self.aml_share = 0.0              # recent share of revenue seized by anti-money-laundering
        self.wholesale_price = 0.0
        self.turmoil_until = -1           # week until which a succession fight goes on
        self.rivals_in_turmoil: set[int] = set()  # ids of the factions it fights with for the succession
        self.inheritance = 0.0            # USD/week of drug business the winner of the succession takes over
        self.inherited: np.ndarray = np.zeros(0, dtype=np.int64)  # the places of the split organisation
        self.warned = False               # called in by focused deterrence
        self.violence_score = 0.0         # recent violence attributed to it (decaying)
        self.extorting = False
        self.neutralised = 0.0            # share of enforcement against it bought off
        self.bribes = 0.0                 # USD/week offered to police
        self.losses = 0.0                 # USD lost to enforcement this week (drugs seized, money seized)
        self.losses_ma = 0.0              # USD/week, moving average
        self.arrested = 0                 # members arrested this week
        self.arrest_share = 0.0           # recent share of members arrested per week
        self.armament = model.p.world.firearms  # 0-1: how well armed its members are
        self.confronted = 0               # armed confrontations with the state this week
        self.confronted_ma = 0.0          # per week, moving average (the threat it arms against)
        self.attacks = 0                  # contests it started this week
        self.disputes = 0                 # disputes its dealers were involved in this week
        self.attacks_ma = 0.0             # per week, moving average
        self.killings = 0                 # deaths its members caused this week (contests it started)
        self.racket_attacks = 0           # contests it fought with a protected organisation this week
        self.racket_attacks_ma = 0.0      # (for the protected organisation) contests around it, moving average
        self.disputes_ma = 0.0            # per week, moving average

    @property
    def name(self) -> str:
        """A readable name, e.g. ``org 3``."""
        return f"org {self.id + 1}"

    @property
    def size(self) -> int:
        """How many members it has."""
        return len(self.members)

    @property
    def leader(self) -> Member | None:
        """The current leader, if any."""
        return next((m for m in self.members if m.role is Role.LEADER), None)

    @property
    def presence(self) -> np.ndarray:
        """Members stationed at each place."""
        return self.table.strength[self.id].astype(float)

    def in_turmoil(self, week: int) -> bool:
        """Whether a succession fight is going on."""
        return week <= self.turmoil_until

    def fights_for_succession(self, other_id: int, week: int) -> bool:
        """Whether this organisation and ``other_id`` are factions fighting over one inheritance."""
        return other_id in self.rivals_in_turmoil and self.in_turmoil(week)

    def add_member(self, place: int, role: Role) -> Member:
        """Recruit one member into a place."""
        member = self.table.add(self.id, place, role)
        self.members.append(member)
        return member

    def remove_member(self, member: Member) -> None:
        """A member is arrested or killed."""
        self.members.remove(member)
        self.table.remove(member)

    def station(self, member: Member, place: int) -> None:
        """Move a member to another place (a garrison after a takeover, a retreat after a loss)."""
        self.table.move(member, place)

    def strength_at(self, place: int) -> int:
        """Members stationed at one place."""
        return int(self.table.strength[self.id, place])

    def members_at(self, place: int) -> list[Member]:
        """Members stationed at a place."""
        if not self.table.strength[self.id, place]:
            return []
        places = self.table.place[[m.index for m in self.members]]
        return [m for m, here in zip(self.members, (places == place).tolist(), strict=True) if here]

    def rank_and_file(self) -> list[Member]:
        """Members other than the leader."""
        return [m for m in self.members if m.role is not Role.LEADER]

    def soldiers(self) -> list[Member]:
        """Soldiers only."""
        return [m for m in self.members if m.role is Role.SOLDIER]

    def learn_routes(self, learning: float, decay: float) -> None:
        """Raise the learned risk of segments where lots were seized; let the rest fade."""
        hit = np.minimum(self.seized_on, 1.0)
        self.risk = self.risk * (1 - decay) + learning * hit * (1 - self.risk)
        self.seized_on[:] = 0.0


class Organisations(Subsystem):
    """Every organisation (one registry, in order of creation) and the controller of each place."""

    name = "orgs"
    needs = ()

    def __init__(self, model: DrugMarketModel):
        """Seed organisations in towns and neighbourhoods, grow contiguous territories breadth
        first, and give each its members."""
        self.attach(model)
        self.by_id: dict[int, TraffickingOrganisation] = {}
        self.next_id = 0
        self.controller = np.full(model.places.n, -1, dtype=np.int64)  # organisation id per place, -1 none
        self.members = Members(model)
        p, places, rng = model.p.trafficking, model.places, self.draws
        candidates = np.flatnonzero(places.kind != PRODUCTION)
        seeds = rng.founding_places.choice(candidates, size=min(p.organisations, len(candidates)), replace=False)
        founders = [self.create() for _ in seeds.tolist()]
        self.grow_territories(seeds.tolist(), founders, unclaimed=None, shuffle=True)
        for org in founders:
            turf = rng.founding_members.permutation(np.flatnonzero(self.controller == org.id))
            for i in range(p.members_per_org):
                role = Role.LEADER if i == 0 else Role.LIEUTENANT if i <= p.lieutenants else Role.SOLDIER
                org.add_member(int(turf[i % len(turf)]), role)

    # -- the registry ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[TraffickingOrganisation]:
        """The organisations alive now, oldest first (a snapshot: the loop may dissolve some)."""
        return iter(list(self.by_id.values()))

    def __len__(self) -> int:
        return len(self.by_id)

    def get(self, org_id: int) -> TraffickingOrganisation | None:
        """The organisation with this id, if it still exists."""
        return self.by_id.get(org_id)

    def ids(self) -> list[int]:
        """Ids of the organisations alive now."""
        return list(self.by_id)

    def id_bound(self) -> int:
        """One more than the largest id alive (the length of arrays indexed by id)."""
        return max(self.by_id, default=-1) + 1

    def create(self) -> TraffickingOrganisation:
        """A new organisation with the next id, no members and no territory."""
        org = TraffickingOrganisation(self.model, self.next_id, self.members)
        self.members.make_room(org.id)
        self.next_id += 1
        self.by_id[org.id] = org
        return org

    def dissolve(self, org: TraffickingOrganisation) -> None:
        """An organisation without members or turf ends: its stock is lost and its turf left vacant."""
        self.model.ledger.lost += org.source_stock + org.city_stock + float(org.in_transit.sum())
        org.source_stock = org.city_stock = 0.0
        org.in_transit[:] = 0.0
        self.controller[self.controller == org.id] = -1
        for member in list(org.members):
            org.remove_member(member)
        del self.by_id[org.id]
        org.remove()

    def dissolve_empty(self) -> None:
        """Dissolve every organisation that has lost all its members."""
        for org in self:
            if org.size == 0:
                self.dissolve(org)

    def territories(self) -> dict[int, np.ndarray]:
        """Places held by each organisation (organisations holding none are absent)."""
        order = np.argsort(self.controller, kind="stable")
        held = self.controller[order]
        ids, starts = np.unique(held, return_index=True)
        ends = [*starts[1:].tolist(), len(order)]
        return {int(s): order[a:b] for s, a, b in zip(ids.tolist(), starts.tolist(), ends, strict=True) if s >= 0}

    def dominant(self) -> TraffickingOrganisation | None:
        """The organisation controlling the most places."""
        if not self.by_id:
            return None
        held = self.controller >= 0
        counts = group_sum(np.maximum(self.controller, 0), held.astype(float), self.id_bound())
        return max(self, key=lambda o: (counts[o.id], -o.id))

    def presence_matrix(self) -> np.ndarray:
        """Members of each organisation (row = id) stationed at each place."""
        return self.members.strength[:self.id_bound()].astype(float)

    def grow_territories(self, seeds: list[int], groups: list[TraffickingOrganisation],
                         unclaimed: set[int] | None, shuffle: bool) -> None:
        """Grow each group's territory breadth first from its seed place, one ring per round.

        ``unclaimed``: the places that may be taken (None: any place nobody controls).
        ``shuffle``: visit the groups in a random order each round."""
        places, controller = self.model.places, self.controller
        frontier = []
        for seed, group in zip(seeds, groups, strict=True):
            controller[seed] = group.id
            frontier.append([seed])

        def free(place: int) -> bool:
            return controller[place] < 0 if unclaimed is None else place in unclaimed

        def remaining() -> bool:
            return bool((controller < 0).any()) if unclaimed is None else bool(unclaimed)

        while remaining() and any(frontier):
            order = self.draws.growth_order.permutation(len(frontier)).tolist() if shuffle else range(len(frontier))
            for k in order:
                grown = []
                for node in frontier[k]:
                    for nb in places.neighbours[node].tolist():
                        if free(nb):
                            controller[nb] = groups[k].id
                            if unclaimed is not None:
                                unclaimed.discard(nb)
                            grown.append(nb)
                frontier[k] = grown

    # -- weekly rules -------------------------------------------------------------------------------------
    def finances(self) -> None:
        """Finances: an organisation with no territory left dissolves (its members drift out of the
        trade); every other closes last week's books."""
        turfs = self.territories()
        for org in self:
            turf = turfs.get(org.id)
            if turf is None:
                self.dissolve(org)
            else:
                self.settle_finances(org, turf)

    def splits(self) -> None:
        """Splits: an organisation whose territory outgrows its leader's span of control may split."""
        turfs = self.territories()
        for org in self:
            self.fission(org, len(turfs.get(org.id, ())))

    def settle_finances(self, org: TraffickingOrganisation, turf: np.ndarray) -> None:
        """Close last week's books: pay members and bribes, recruit or shed members, arm against the
        threats it faces, and decide whether falling revenue pushes it into extortion."""
        model = self.model
        t, rng, mechanisms = model.p.trafficking, self.draws, model.p.mechanisms
        org.revenue_ma = ewma(org.revenue_ma, org.revenue, 1 / t.revenue_memory)
        org.extorting = org.revenue < t.diversification * org.revenue_ma
        org.losses_ma = ewma(org.losses_ma, org.losses, t.loss_memory)
        org.arrest_share = ewma(org.arrest_share, org.arrested / max(org.size + org.arrested, 1), t.loss_memory)
        org.losses, org.arrested = 0.0, 0
        org.bribes = t.bribe_share * org.revenue_ma + t.bribe_risk_share * org.losses_ma
        if mechanisms.protection_racket and org.id == model.police.protected:
            org.bribes += t.racket_price * model.police.collusion * org.revenue_ma
        org.cash += org.revenue - org.size * t.soldier_wage - org.bribes
        org.revenue = 0.0
        org.neutralised = (model.police.corruption * org.bribes / (org.bribes + model.p.police.bribe_saturation)
                           if mechanisms.bribery else 0.0)
        org.confronted_ma = ewma(org.confronted_ma, org.confronted, t.loss_memory)
        org.confronted = 0
        if mechanisms.arms_race:
            base = model.p.world.firearms
            wanted = base + (1 - base) * (1 - np.exp(-t.arming_response * org.confronted_ma))
            org.armament = ewma(org.armament, wanted, t.arming_rate)
        self.fill_command(org)
        self.settle_succession(org)
        affordable = t.labour_share * max(org.revenue_ma, 0.0) / max(t.soldier_wage, 1e-9)
        gap = affordable - org.size
        # (choosing none of anything draws no random numbers, so such choices are skipped)
        if gap > 0 and org.cash > 0:
            recruits = rng.recruitment.binomial(int(np.ceil(gap)), t.recruitment)
            if recruits:
                value = model.violence.value_ma
                need = (value[turf] + 1.0) / (org.presence[turf] + 1.0)  # thinly held, valuable places first
                for place in rng.recruit_places.choice(turf, size=recruits, p=need / need.sum()).tolist():
                    org.add_member(place, Role.SOLDIER)
        elif gap < -t.shedding_threshold * affordable:
            soldiers = org.soldiers()
            leaving = rng.shedding.binomial(len(soldiers), t.shedding_rate)
            if leaving:
                chosen = rng.shed_members.choice(len(soldiers), size=leaving, replace=False)
                for index in sorted(chosen.tolist(), reverse=True):
                    org.remove_member(soldiers[index])

    def settle_succession(self, org: TraffickingOrganisation) -> None:
        """A succession fight ends when one faction holds the dominant share of the inherited places
        (it has won the inheritance) or when its factions are gone; the fight's duration is capped
        at ``violence.turmoil_weeks``."""
        if not org.in_turmoil(self.model.steps):
            return
        rivals = [self.get(i) for i in org.rivals_in_turmoil]
        held = np.count_nonzero(self.controller[org.inherited] == org.id) / max(len(org.inherited), 1)
        if held >= self.model.p.trafficking.succession_dominance or not any(rivals):
            for faction in [org, *(r for r in rivals if r is not None)]:
                faction.turmoil_until = self.model.steps - 1
                faction.rivals_in_turmoil = set()

    def fill_command(self, org: TraffickingOrganisation) -> None:
        """Keep the lieutenant posts filled: a soldier stationed where no lieutenant is (the most
        strongly held such place first) is promoted for each post lost to arrests or killings."""
        lieutenants = [m for m in org.members if m.role is Role.LIEUTENANT]
        posts = min(self.model.p.trafficking.lieutenants, org.size - 1) - len(lieutenants)
        if posts <= 0:
            return
        commanded = {m.place for m in lieutenants}
        soldiers = [m for m in org.soldiers() if m.place not in commanded] or org.soldiers()
        strength = np.bincount([m.place for m in soldiers], minlength=self.model.places.n)
        for soldier in sorted(soldiers, key=lambda m: -strength[m.place])[:posts]:
            self.members.promote(soldier, Role.LIEUTENANT)

    def fission(self, org: TraffickingOrganisation, places_held: int) -> None:
        """An organisation whose territory outgrows its leader's span of control may split on its own."""
        t = self.model.p.trafficking
        excess = places_held / t.span_of_control - 1
        if excess > 0 and self.draws.fission.random() < t.fission_rate * excess:
            self.split(org, self.faction_seeds(org)[:t.splinters])

    def emergence(self) -> None:
        """New local groups form where the controlling organisation is thinly present: the
        competition that keeps a market from settling into one hegemon for good."""
        model = self.model
        t, places, rng = model.p.trafficking, model.places, self.draws
        towns = places.community_places
        held = self.controller[towns]
        presence = np.where(held >= 0, self.members.strength[np.maximum(held, 0), towns], 0)  # every id ever made
        relative_deprivation = places.deprivation[towns] / max(places.deprivation[towns].mean(), 1e-9)
        chance = t.entry_rate * relative_deprivation * (presence <= t.thin_presence)
        for place in towns[rng.emergence.random(len(towns)) < chance].tolist():
            org = self.create()
            for i in range(t.entry_size):
                org.add_member(place, Role.LEADER if i == 0 else Role.LIEUTENANT if i == 1 else Role.SOLDIER)
            former = self.get(int(self.controller[place]))
            self.controller[place] = org.id
            if former is not None:
                for member in former.members_at(place):
                    former.remove_member(member)  # the new group drives out the few who held the place
            org.revenue_ma = org.revenue = t.soldier_wage * t.entry_size / max(t.labour_share, 1e-9)
            model.log.record("new_group", place=place, org=org.id)

    # -- succession and splits ----------------------------------------------------------------------------
    def succession(self, org: TraffickingOrganisation) -> None:
        """After the leader is removed, each lieutenant commands the members stationed nearest to
        them. A lieutenant whose faction is dominant takes over unopposed; when factions are evenly
        matched, the organisation splits along them and the factions fight over the inheritance."""
        model = self.model
        if org.size == 0:
            self.dissolve(org)
            return
        seeds = self.faction_seeds(org)
        contested = model.p.mechanisms.succession_contests and len(seeds) >= 2
        if contested:
            sizes = self.faction_sizes(org, seeds)
            contested = sizes[0] / max(sizes.sum(), 1) < model.p.trafficking.succession_dominance
        if contested and self.split(org, seeds[:model.p.trafficking.splinters]):
            return
        heir = next((m for m in org.members if m.role is Role.LIEUTENANT and seeds and m.place == seeds[0]), None)
        promote_leader(org, heir)
        model.log.record("succession", org=org.id)

    def faction_seeds(self, org: TraffickingOrganisation) -> list[int]:
        """The places of an organisation's lieutenants (one per place), largest faction first: each
        lieutenant commands the members stationed nearer to them than to any other lieutenant."""
        places = list(dict.fromkeys(m.place for m in org.members if m.role is Role.LIEUTENANT))
        if len(places) < 2:
            return places
        sizes = self.faction_sizes(org, places)
        return [places[i] for i in np.argsort(-sizes, kind="stable").tolist()]

    def faction_sizes(self, org: TraffickingOrganisation, seeds: list[int]) -> np.ndarray:
        """Members in each faction seeded at ``seeds`` (in the same order)."""
        owner = self.partition(np.flatnonzero(self.controller == org.id), seeds)
        faction = [owner.get(m.place, -1) for m in org.members]
        return np.bincount([f for f in faction if f >= 0], minlength=len(seeds)).astype(float)

    def partition(self, turf: np.ndarray, seeds: list[int]) -> dict[int, int]:
        """Assign each place of ``turf`` to the nearest seed (breadth first, one ring per round,
        seeds in order); returns place → seed index. Seeds outside the turf start their own ring."""
        owner = {seed: k for k, seed in enumerate(seeds)}
        unclaimed = set(turf.tolist()) - set(seeds)
        frontier = [[seed] for seed in seeds]
        neighbours = self.model.places.neighbours
        while unclaimed and any(frontier):
            for k in range(len(frontier)):
                grown = []
                for node in frontier[k]:
                    for nb in neighbours[node].tolist():
                        if nb in unclaimed:
                            owner[nb] = k
                            unclaimed.discard(nb)
                            grown.append(nb)
                frontier[k] = grown
        return owner

    def split(self, org: TraffickingOrganisation, seeds: list[int]) -> bool:
        """Divide an organisation into factions grown breadth-first from ``seeds`` (the first stays
        ``org``); members follow the place they are in, stock and cash are shared by members, and
        the factions are rivals in a succession fight. Returns False with fewer than two seeds."""
        model = self.model
        t, week = model.p.trafficking, model.steps
        if len(seeds) < 2 or org.size < 2:
            return False
        turf = np.flatnonzero(self.controller == org.id)
        owner = self.partition(turf, seeds)
        groups = [org] + [self.create() for _ in range(len(seeds) - 1)]
        for place, k in owner.items():
            self.controller[place] = groups[k].id
        heirs = {}
        for member in list(org.members):
            group = groups[owner.get(member.place, 0)]
            if group is not org and member.role is not Role.LEADER:
                move_member(org, group, member)
            if member.role is Role.LIEUTENANT and member.place == seeds[groups.index(group)]:
                heirs.setdefault(group.id, member)
        for k, group in enumerate(groups[1:], start=1):
            if group.size == 0:  # a faction whose places held nobody takes a few members along
                for member in org.rank_and_file()[:t.splinter_minimum]:
                    move_member(org, group, member)
                    group.station(member, seeds[k])
            promote_leader(group, heirs.get(group.id))
        promote_leader(org, heirs.get(org.id))
        total = sum(g.size for g in groups)
        for group in groups[1:]:
            share = group.size / max(total, 1)
            group.city_stock, group.cash = org.city_stock * share, org.cash * share
            group.in_transit = org.in_transit * share
            group.risk = org.risk.copy()
            group.sales_ma, group.revenue_ma = org.sales_ma * share, org.revenue_ma * share
            group.revenue = group.revenue_ma
            group.wholesale_price = org.wholesale_price
            group.armament = org.armament
        kept = org.size / max(total, 1)
        org.city_stock, org.cash, org.in_transit = org.city_stock * kept, org.cash * kept, org.in_transit * kept
        org.sales_ma, org.revenue_ma = org.sales_ma * kept, org.revenue_ma * kept
        siblings = {g.id for g in groups}
        inheritance = float(model.violence.value_ma[turf].sum())
        for group in groups:
            group.turmoil_until = week + int(model.p.violence.turmoil_weeks)
            group.rivals_in_turmoil = siblings - {group.id}
            group.inheritance = inheritance
            group.inherited = turf
        model.log.record("split", org=org.id)
        return True

    # -- what other subsystems do to organisations ----------------------------------------------------------
    def arrest_member(self, org: TraffickingOrganisation, member: Member) -> None:
        """One member of ``org`` (its leader, or a killer traced by an investigation) is arrested."""
        org.remove_member(member)
        org.arrested += 1

    def seize_cash(self, org: TraffickingOrganisation, usd: float) -> None:
        """Anti-money-laundering takes ``usd`` of an organisation's cash: a loss it remembers."""
        org.cash -= usd
        org.losses += usd
        t = self.model.p.trafficking
        org.aml_share = ewma(org.aml_share, usd / max(org.revenue_ma, 1.0), t.loss_memory)

    def arrest_members(self, org: TraffickingOrganisation, count: int, where: np.ndarray | None = None) -> int:
        """Arrest up to ``count`` non-leader members of an organisation (those stationed at the
        places ``where`` marks, if given); return how many."""
        if count <= 0:  # (choosing nobody draws no random numbers)
            return 0
        rank_and_file = org.rank_and_file()
        if where is not None:
            rank_and_file = [m for m in rank_and_file if where[m.place]]
        count = min(count, len(rank_and_file))
        draw = row_uniforms(self.draws.member_arrests, np.array([m.index for m in rank_and_file], dtype=np.int64))
        for index in sorted(np.argsort(draw, kind="stable")[:count].tolist(), reverse=True):
            member = rank_and_file[index]
            self.model.log.record("arrest", detail="trafficker", place=member.place, org=org.id)
            org.remove_member(member)
        org.arrested += count
        return count

    def kill_members(self, org: TraffickingOrganisation, deaths: int, place: int | None = None) -> int:
        """Remove up to ``deaths`` non-leader members, those stationed at ``place`` first; return
        how many died."""
        if deaths <= 0:
            return 0
        fighters = org.rank_and_file()
        if place is not None:
            here = [m for m in org.members_at(place) if m.role is not Role.LEADER]
            fighters = here + [m for m in fighters if m.place != place] if len(here) < deaths else here
        count = min(deaths, len(fighters))
        for member in fighters[:count]:
            org.remove_member(member)
        return count

    def occupy(self, org: TraffickingOrganisation, origin: int, place: int, garrison: int) -> None:
        """``org`` takes ``place``: some members move in from ``origin``; the former controller's
        members there fall back to another of its places."""
        former = self.get(int(self.controller[place]))
        self.controller[place] = org.id
        for member in org.members_at(origin)[:garrison]:
            if member.role is not Role.LEADER:
                org.station(member, place)
        if former is not None:
            refuge = np.flatnonzero(self.controller == former.id)
            for member in former.members_at(place):
                if len(refuge):  # a random place of refuge
                    former.station(member, int(refuge[self.draws.refuge.integers(len(refuge))]))

    # -- outputs ----------------------------------------------------------------------------------------------
    @metric("members", "people", "market", "Members of trafficking organisations.")
    def members_metric(self) -> int:
        return sum(org.size for org in self)

    @metric("active_orgs", "count", "market", "Trafficking organisations with members.")
    def active_orgs(self) -> int:
        return len(self.by_id)

    @metric("org_splits", "splits/week", "market",
            "Organisations splitting into rival groups (failed successions and overgrown territories).")
    def org_splits(self) -> int:
        return int(self.model.log.total("split"))

    @metric("new_groups", "groups/week", "market", "New local groups formed where control was thin.")
    def new_groups(self) -> int:
        return int(self.model.log.total("new_group"))

    @metric("market_hhi", "0-1", "market", "Herfindahl-Hirschman index of wholesale market shares (1 = monopoly).")
    def market_hhi(self) -> float:
        return herfindahl(np.array([max(o.sales_ma, 0.0) for o in self]))


def promote_leader(org: TraffickingOrganisation, heir: Member | None = None) -> None:
    """Make ``heir`` (or the first lieutenant, or failing one any member) the leader, and the
    first soldier a lieutenant."""
    if org.size == 0 or org.leader is not None:
        return
    if heir is None:
        heir = sorted(org.members, key=lambda m: m.role is not Role.LIEUTENANT)[0]
    org.table.promote(heir, Role.LEADER)
    soldier = next((m for m in org.members if m.role is Role.SOLDIER), None)
    if soldier is not None:
        org.table.promote(soldier, Role.LIEUTENANT)


def move_member(source: TraffickingOrganisation, target: TraffickingOrganisation, member: Member) -> None:
    """Transfer a member between organisations (after a split): it becomes the target's newest member."""
    source.members.remove(member)
    target.members.append(member)
    target.table.transfer(member, target.id)
