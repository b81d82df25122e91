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

import math
from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from marketsim.sim.common import compiled, ewma, herfindahl, metric, pairwise_sum, row_uniforms
from marketsim.sim.subsystem import Subsystem
from marketsim.sim.tables import Column, RowAgent, Table
from marketsim.world import PRODUCTION

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel



@compiled
def closing_books(ids: np.ndarray, strength: np.ndarray, revenue: np.ndarray, revenue_ma: np.ndarray,
                  extorting: np.ndarray, losses: np.ndarray, losses_ma: np.ndarray, arrested: np.ndarray,
                  arrest_share: np.ndarray, bribes: np.ndarray, cash: np.ndarray, neutralised: np.ndarray,
                  confronted: np.ndarray, confronted_ma: np.ndarray, armament: np.ndarray, revenue_rate: float,
                  diversification: float, loss_memory: float, bribe_share: float, bribe_risk_share: float,
                  protected: int, racket_rate: float, soldier_wage: float, bribery: bool,
                  corruption: float, bribe_saturation: float, arms_race: bool, firearms: float, arming_response: float,
                  arming_rate: float) -> None:
    """:meth:`Organisations.close_books` of the organisations ``ids``, written into the columns of
    ``by_org`` passed (``strength``: members by place; each moving average moves ``rate`` of the way
    to the week's value). ``protected``: the organisation a collusive arrangement protects, which pays
    ``racket_rate`` of its revenue on top (-1: none); with ``bribery``, the share ``corruption`` of
    officers takes bribes."""
    for org_id in ids:
        size = 0
        for place in range(strength.shape[1]):
            size += strength[org_id, place]
        week_revenue = revenue[org_id]
        revenue_ma[org_id] = revenue_ma[org_id] + revenue_rate * (week_revenue - revenue_ma[org_id])
        extorting[org_id] = week_revenue < diversification * revenue_ma[org_id]
        losses_ma[org_id] = losses_ma[org_id] + loss_memory * (losses[org_id] - losses_ma[org_id])
        share = arrested[org_id] / max(size + arrested[org_id], 1)
        arrest_share[org_id] = arrest_share[org_id] + loss_memory * (share - arrest_share[org_id])
        losses[org_id], arrested[org_id] = 0.0, 0
        paid = bribe_share * revenue_ma[org_id] + bribe_risk_share * losses_ma[org_id]
        if org_id == protected:
            paid += racket_rate * revenue_ma[org_id]
        bribes[org_id] = paid
        cash[org_id] += week_revenue - size * soldier_wage - paid
        revenue[org_id] = 0.0
        neutralised[org_id] = corruption * paid / (paid + bribe_saturation) if bribery else 0.0
        confronted_ma[org_id] = confronted_ma[org_id] + loss_memory * (confronted[org_id] - confronted_ma[org_id])
        confronted[org_id] = 0
        if arms_race:  # (math.exp: the C library's, as the code before this kernel computed it)
            wanted = firearms + (1 - firearms) * (1.0 - math.exp(-arming_response * confronted_ma[org_id]))
            armament[org_id] = armament[org_id] + arming_rate * (wanted - armament[org_id])


NO_ROWS = np.zeros(0, dtype=np.int64)
"""No members' rows (read-only, as the rows of an organisation's members are)."""
NO_ROWS.setflags(write=False)


@compiled
def occupation(rows: np.ndarray, former_rows: np.ndarray, member_place: np.ndarray, member_role: np.ndarray,
               strength: np.ndarray, controller: np.ndarray, org_id: int, former_id: int, origin: int, place: int,
               garrison: int) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`Organisations.occupy` up to the draw: of organisation ``org_id``'s members (``rows``, in the
    order they joined), the first ``garrison`` stationed at ``origin`` move to ``place``, its leader
    among them staying (``member_place`` and the members by place, ``strength``, written). Returns the
    members of the former holder ``former_id`` (-1: none; ``former_rows``) stranded at ``place`` and the
    places it still holds (``controller``, already the new holder's at ``place``), where they may retreat."""
    counted = 0
    for row in rows:
        if counted == garrison:
            break
        if member_place[row] == origin:
            counted += 1
            if member_role[row] != LEADER:
                member_place[row] = place
                strength[org_id, origin] -= 1
                strength[org_id, place] += 1
    if former_id < 0 or not strength[former_id, place]:  # nobody of the former's stranded
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    stranded = np.empty(len(former_rows), np.int64)
    n_stranded = 0
    for row in former_rows:
        if member_place[row] == place:
            stranded[n_stranded] = row
            n_stranded += 1
    refuge = np.empty(len(controller), np.int64)
    n_refuges = 0
    for other in range(len(controller)):
        if controller[other] == former_id:
            refuge[n_refuges] = other
            n_refuges += 1
    return stranded[:n_stranded], refuge[:n_refuges]


@compiled
def posts_to_fill(active: np.ndarray, member_org: np.ndarray, member_role: np.ndarray, ids: np.ndarray,
                  strength: np.ndarray, bound: int, lieutenants: int) -> np.ndarray:
    """:meth:`Organisations.vacant_posts` by organisation id below ``bound``: for the organisations
    ``ids`` alive, ``lieutenants`` (or one fewer than its members, ``strength`` by place) less the
    lieutenants it has (the ``active`` rows of the members table); 0 for the others."""
    held = np.zeros(bound, np.int64)
    for row in range(len(active)):
        if active[row] and member_role[row] == LIEUTENANT:
            held[member_org[row]] += 1
    posts = np.zeros(bound, np.int64)
    for org_id in ids:
        size = 0
        for place in range(strength.shape[1]):
            size += strength[org_id, place]
        posts[org_id] = min(lieutenants, size - 1) - held[org_id]
    return posts


@compiled
def casualties(rows: np.ndarray, member_role: np.ndarray, member_place: np.ndarray, place: int,
               deaths: int) -> np.ndarray:
    """:meth:`Organisations.kill_members`' dead: the positions on an organisation's roster (``rows``, in
    the order they joined) of up to ``deaths`` members other than its leader, those stationed at
    ``place`` first (-1: anywhere), each group in roster order."""
    dead = np.empty(min(deaths, len(rows)), np.int64)
    count = 0
    for pass_ in range(2 if place >= 0 else 1):  # those at the place, then (if too few) the others
        for position in range(len(rows)):
            if count == len(dead):
                return dead
            row = rows[position]
            at_place = place < 0 or member_place[row] == place
            if member_role[row] != LEADER and at_place == (pass_ == 0):
                dead[count] = position
                count += 1
    return dead[:count]


@compiled
def promote_soldiers(rows: np.ndarray, member_role: np.ndarray, member_place: np.ndarray, n_places: int,
                     posts: int) -> None:
    """:meth:`Organisations.fill_command`: of an organisation's soldiers (``rows``, in the order they
    joined), those stationed where none of its lieutenants is (all of them, if none is), the most
    strongly held place first (a stable sort: in roster order within a strength), up to ``posts`` are
    promoted lieutenants (``member_role`` written)."""
    commanded = np.zeros(n_places, np.bool_)
    for row in rows:
        if member_role[row] == LIEUTENANT:
            commanded[member_place[row]] = True
    soldiers = np.empty(len(rows), np.int64)
    count = uncommanded = 0
    for row in rows:
        if member_role[row] == SOLDIER:
            soldiers[count] = row
            count += 1
            if not commanded[member_place[row]]:
                uncommanded += 1
    candidates = np.empty(uncommanded if uncommanded else count, np.int64)
    k = 0
    for row in soldiers[:count]:
        if not uncommanded or not commanded[member_place[row]]:
            candidates[k] = row
            k += 1
    strength = np.zeros(n_places, np.int64)  # candidates at each place
    for row in candidates:
        strength[member_place[row]] += 1
    order = np.empty(len(candidates), np.int64)
    for k in range(len(candidates)):
        order[k] = -strength[member_place[candidates[k]]]
    for k in np.argsort(order, kind="mergesort")[:posts]:
        member_role[candidates[k]] = LIEUTENANT


@compiled
def hiring_and_shedding(held: np.ndarray, revenue_ma: np.ndarray, cash: np.ndarray, strength: np.ndarray, bound: int,
                        labour_share: float, wage: float,
                        shedding_threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`Organisations.payroll_gaps` of the organisations ``held``: of those that can pay more
    soldiers than they have (``labour_share`` of their revenue, positive part, over the ``wage``) and
    hold cash, the binomial trials (the gap, rounded up) and their ids; by id (below ``bound``), zero
    recruits to fill in, and whether it sheds (pays for fewer than it has by more than
    ``shedding_threshold`` of what it can pay)."""
    trials = np.empty(len(held), np.int64)
    hiring = np.empty(len(held), np.int64)
    shedding = np.zeros(bound, np.bool_)
    n_hiring = 0
    for k in range(len(held)):
        org_id = held[k]
        revenue = revenue_ma[org_id]
        affordable = labour_share * (0.0 if revenue <= 0.0 else revenue) / wage  # (numpy's maximum)
        members = 0
        for place in range(strength.shape[1]):
            members += strength[org_id, place]
        gap = affordable - members
        if gap > 0 and cash[org_id] > 0:
            trials[n_hiring] = math.ceil(gap)
            hiring[n_hiring] = org_id
            n_hiring += 1
        else:
            shedding[org_id] = gap < -shedding_threshold * affordable
    return trials[:n_hiring], hiring[:n_hiring], np.zeros(bound, np.int64), shedding


@compiled
def overgrown(controller: np.ndarray, ids: np.ndarray, next_id: int,
              span_of_control: float) -> tuple[np.ndarray, np.ndarray]:
    """The organisations ``ids`` holding more places (of ``controller``: each place's holder, -1
    none) than ``span_of_control`` (:meth:`Organisations.splits`), oldest first, and by how much, as a
    share of the span (places held over the span, less 1)."""
    held = np.zeros(next_id, np.int64)
    for holder in controller:
        if holder >= 0:
            held[holder] += 1
    excess = np.empty(len(ids))
    for k in range(len(ids)):
        excess[k] = held[ids[k]] / span_of_control - 1
    over = excess > 0
    return ids[over], excess[over]


@compiled
def emerging_places(towns: np.ndarray, controller: np.ndarray, strength: np.ndarray, deprivation: np.ndarray,
                    uniforms: np.ndarray, entry_rate: float, thin_presence: int) -> np.ndarray:
    """The towns where a new group forms this week (:meth:`Organisations.emergence`): each with the
    chance ``entry_rate`` times its relative ``deprivation`` where its holder has no more than
    ``thin_presence`` members there (or nobody holds it), none elsewhere, against its ``uniforms``."""
    forming = np.zeros(len(towns), np.bool_)
    for i in range(len(towns)):
        holder = controller[towns[i]]
        presence = strength[holder, towns[i]] if holder >= 0 else 0
        # (the product in numpy's order: the rate times the deprivation, then times 1 or 0 for thin)
        chance = entry_rate * deprivation[i] * (1.0 if presence <= thin_presence else 0.0)
        forming[i] = uniforms[i] < chance
    return towns[forming]


def weighted_choice(rng: np.random.Generator, items: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` of ``items`` drawn with replacement in proportion to ``weights`` (non-negative, not all
    zero): ``rng.choice(items, size, p=weights / weights.sum())`` without its argument checks, which cost
    twice the draw. The same numbers: numpy's ``Generator.choice`` searches the cumulative sum of ``p``,
    divided by its last entry, with ``size`` uniform variates (tests/unit/test_subsystems.py checks it)."""
    return items[weighted_positions(weights, rng.random(size))]


@compiled
def weighted_positions(weights: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """:func:`weighted_choice`'s positions for its ``uniforms``: each the first position whose cumulative
    share of ``weights`` exceeds it, the cumulative shares as numpy's ``choice`` makes them (``weights``
    over their pairwise sum, added in order, then over the last)."""
    total = pairwise_sum(weights)
    cdf = np.empty(len(weights))
    running = 0.0
    for i in range(len(weights)):
        running += weights[i] / total
        cdf[i] = running
    last = cdf[-1]
    for i in range(len(weights)):
        cdf[i] /= last
    positions = np.empty(len(uniforms), np.int64)
    for k in range(len(uniforms)):  # (a count of the shares not above it: the cumulative shares never fall)
        position = 0
        while position < len(cdf) and cdf[position] <= uniforms[k]:
            position += 1
        positions[k] = position
    return positions


class Role(StrEnum):
    """A member's rank."""

    LEADER = "leader"
    LIEUTENANT = "lieutenant"
    SOLDIER = "soldier"


ROLES: tuple[Role, ...] = tuple(Role)
"""Ranks in the order of their codes in the ``role`` column of the members table."""
LEADER, LIEUTENANT, SOLDIER = (ROLES.index(role) for role in (Role.LEADER, Role.LIEUTENANT, Role.SOLDIER))
"""The codes of the ranks in the ``role`` column."""


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
    row each (a row is reused after its member leaves). Each move also updates the organisations'
    local strength (members by place, a column of the organisations' table ``by_org``)."""

    def __init__(self, model: DrugMarketModel, by_org: Table, capacity: int = 256):
        super().__init__(capacity)
        self.model = model
        self.by_org = by_org
        # each organisation's members in the order they joined: a dict, not an object column, because
        # numpy arrays are invisible to the garbage collector (agents in one would keep the model alive)
        self.rosters: dict[int, list[Member]] = {}
        self.roster_rows: dict[int, np.ndarray] = {}  # rows_of() of an organisation until its roster changes
        self.declare("active", bool, False)
        self.declare("place", np.int64)       # place stationed at
        self.declare("org", np.int64, -1)     # id of its organisation, -1 for a free row
        self.declare("role", np.int8)         # rank: its index in ROLES

    def rows_of(self, org_id: int) -> np.ndarray:
        """The rows of an organisation's members, in the order they joined (read-only: the same array
        until a member joins or leaves it, read by every kill, occupation, promotion and payroll)."""
        rows = self.roster_rows.get(org_id)
        if rows is None:
            roster = self.rosters[org_id]
            rows = np.fromiter([m.index for m in roster], dtype=np.int64, count=len(roster))
            rows.setflags(write=False)  # shared by every caller: none may change it
            self.roster_rows[org_id] = rows
        return rows

    def add(self, org_id: int, place: int, role: Role) -> Member:
        """A new member of organisation ``org_id`` at a place: the newest of its roster."""
        slot = int(self.active.argmin())  # the first free row
        if self.active[slot]:  # none free: the first of the rows grow() adds
            slot = self.capacity
            self.grow()
        self.active[slot] = True
        self.place[slot] = place
        self.org[slot] = org_id
        self.role[slot] = ROLES.index(role)
        self.by_org.strength[org_id, place] += 1
        member = Member(self.model, self, slot)
        self.rosters[org_id].append(member)
        self.roster_rows.pop(org_id, None)
        return member

    def remove(self, member: Member) -> None:
        """A member leaves (arrested, killed, driven out); its row becomes free."""
        row = member.index
        org_id = int(self.org[row])
        self.rosters[org_id].remove(member)
        self.roster_rows.pop(org_id, None)
        self.by_org.strength[org_id, self.place[row]] -= 1
        self.clear(row)
        member.remove()

    def move(self, member: Member, place: int) -> None:
        """A member is stationed at another place."""
        row = member.index
        self.by_org.strength[self.org[row], self.place[row]] -= 1
        self.by_org.strength[self.org[row], place] += 1
        self.place[row] = place

    def move_rows(self, org_id: int, rows: np.ndarray, origin: int, places: np.ndarray) -> None:
        """Members in ``rows`` (all of organisation ``org_id``, all stationed at ``origin``) are stationed
        at ``places`` (one each): the counts of moving them one by one, in one pass."""
        if len(rows) == 0:
            return
        strength = self.by_org.strength[org_id]
        strength[origin] -= len(rows)
        self.place[rows] = places
        strength += np.bincount(places, minlength=len(strength))

    def transfer(self, member: Member, org_id: int) -> None:
        """A member changes organisation (after a split), staying where it is: it becomes the newest
        member of its new organisation."""
        row = member.index
        source = int(self.org[row])
        self.rosters[source].remove(member)
        self.rosters[org_id].append(member)
        self.roster_rows.pop(source, None)
        self.roster_rows.pop(org_id, None)
        self.by_org.strength[source, self.place[row]] -= 1
        self.by_org.strength[org_id, self.place[row]] += 1
        self.org[row] = org_id

    def promote(self, member: Member, role: Role) -> None:
        """A member takes another rank."""
        self.role[member.index] = ROLES.index(role)


class TraffickingOrganisation(Agent):
    """A trafficking organisation: buys at the farm gate, moves product along learned routes,
    sells wholesale to the dealers on its turf, holds and contests territory, pays bribes, and
    turns to extortion when revenue falls.

    A view of row ``id`` of the per-organisation tables (``by_org``) of the subsystems that own its
    state: its structure, succession and books belong to ``model.orgs``, its product and routes to
    ``model.trafficking``, the violence counted against it to ``model.violence``. Reading an
    attribute reads that table; only the owner writes it (other subsystems call its methods).
    Array-valued state (per route segment) is indexed like ``model.routes.edges``; ``in_transit``
    like ``model.routes.paths``.
    """

    # structure, succession and books (model.orgs)
    cash = Column("cash", float, "orgs")
    revenue = Column("revenue", float, "orgs")
    revenue_ma = Column("revenue_ma", float, "orgs")
    losses = Column("losses", float, "orgs")
    losses_ma = Column("losses_ma", float, "orgs")
    bribes = Column("bribes", float, "orgs")
    neutralised = Column("neutralised", float, "orgs")
    extorting = Column("extorting", bool, "orgs")
    arrested = Column("arrested", int, "orgs")
    arrest_share = Column("arrest_share", float, "orgs")
    aml_share = Column("aml_share", float, "orgs")
    warned = Column("warned", bool, "orgs")
    armament = Column("armament", float, "orgs")
    confronted = Column("confronted", int, "orgs")
    confronted_ma = Column("confronted_ma", float, "orgs")
    in_succession_fight = Column("succession_fight", bool, "orgs")
    rivals_in_turmoil = Column("rivals", None, "orgs")
    inheritance = Column("inheritance", float, "orgs")
    inherited = Column("inherited", None, "orgs")
    # product and routes (model.trafficking)
    source_stock = Column("source_stock", float, "trafficking")
    in_transit = Column("in_transit", None, "trafficking")
    city_stock = Column("city_stock", float, "trafficking")
    sales_ma = Column("sales_ma", float, "trafficking")
    risk = Column("risk", None, "trafficking")
    seized_on = Column("seized_on", None, "trafficking")
    seizure_share = Column("seizure_share", float, "trafficking")
    wholesale_price = Column("wholesale_price", float, "trafficking")
    # violence counted against it (model.violence)
    violence_score = Column("violence_score", float, "violence")
    attacks = Column("attacks", int, "violence")
    attacks_ma = Column("attacks_ma", float, "violence")
    disputes = Column("disputes", int, "violence")
    disputes_ma = Column("disputes_ma", float, "violence")
    killings = Column("killings", int, "violence")
    racket_attacks = Column("racket_attacks", int, "violence")

    def __init__(self, model: DrugMarketModel, org_id: int, table: Members):
        super().__init__(model)
        self.id = org_id                  # grows with every new organisation; never reused
        self.index = org_id               # its row in every per-organisation table
        self.table = table                # its members' places and roles
        self.members: list[Member] = table.rosters[org_id]  # its roster, in the order they joined

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
        return self.table.by_org.strength[self.id].astype(float)

    def add_member(self, place: int, role: Role) -> Member:
        """Recruit one member into a place."""
        return self.table.add(self.id, place, role)

    def remove_member(self, member: Member) -> None:
        """A member is arrested or killed."""
        self.table.remove(member)

    def station(self, member: Member, place: int) -> None:
        """Move a member to another place (a garrison after a takeover, a retreat after a loss)."""
        self.table.move(member, place)

    def member_rows(self) -> np.ndarray:
        """Its members' rows of the members table, in the order they joined (read-only)."""
        return self.table.rows_of(self.id)

    def members_at(self, place: int) -> list[Member]:
        """Members stationed at a place."""
        if not self.table.by_org.strength[self.id, place]:
            return []
        return [self.members[i] for i in np.flatnonzero(self.table.place[self.member_rows()] == place).tolist()]

    def rank_codes(self) -> list[int]:
        """Its members' ranks as codes (``LEADER``, ``LIEUTENANT``, ``SOLDIER``), in the order they
        joined: read as one column, not member by member."""
        return self.table.role[self.member_rows()].tolist()

    def rank_count(self, code: int) -> int:
        """How many of its members hold the rank ``code`` (``LEADER``, ``LIEUTENANT``, ``SOLDIER``)."""
        return int(np.count_nonzero(self.table.role[self.member_rows()] == code))

    def rank_and_file(self) -> list[Member]:
        """Members other than the leader."""
        return [m for m, code in zip(self.members, self.rank_codes(), strict=True) if code != LEADER]

    def soldiers(self) -> list[Member]:
        """Soldiers only."""
        return [m for m, code in zip(self.members, self.rank_codes(), strict=True) if code == SOLDIER]


class Organisations(Subsystem):
    """Every organisation (one registry, in order of creation), the controller of each place, and
    the organisations' structure, succession and books: one row per organisation id (``by_org``)."""

    name = "orgs"
    needs = ()

    def __init__(self, model: DrugMarketModel):
        """Seed organisations in towns and neighbourhoods, grow contiguous territories breadth
        first, and give each its members."""
        self.attach(model)
        self.views: dict[int, TraffickingOrganisation] = {}  # the Mesa agent of each organisation alive
        self.next_id = 0
        self.alive_ids = np.zeros(0, dtype=np.int64)  # ids() until an organisation is made or dissolved
        self.alive_bound = 0                          # id_bound() until then
        self.controller = np.full(model.places.n, -1, dtype=np.int64)  # organisation id per place, -1 none
        self.tables: list[Table] = []   # every subsystem's table with one row per organisation id
        self.by_org = self.table()
        b = self.by_org
        b.declare("alive", bool, False)
        b.declare("strength", np.int64, 0, (model.places.n,))  # members stationed at each place
        b.declare("cash")                         # USD
        b.declare("revenue")                      # USD this week
        b.declare("revenue_ma")                   # USD/week, moving average
        b.declare("losses")                       # USD lost to enforcement this week (drugs seized, money seized)
        b.declare("losses_ma")                    # USD/week, moving average
        b.declare("bribes")                       # USD/week offered to police
        b.declare("neutralised")                  # share of enforcement against it bought off
        b.declare("extorting", bool, False)       # turned to extortion as revenue fell
        b.declare("arrested", np.int64)           # members arrested this week
        b.declare("arrest_share")                 # recent share of members arrested per week
        b.declare("aml_share")                    # recent share of revenue seized by anti-money-laundering
        b.declare("warned", bool, False)          # called in by focused deterrence
        b.declare("armament")                     # 0-1: how well armed its members are
        b.declare("confronted", np.int64)         # armed confrontations with the state this week
        b.declare("confronted_ma")                # per week, moving average (the threat it arms against)
        b.declare("succession_fight", bool, False)  # fighting its sibling factions over an inheritance
        b.declare("rivals", object, frozenset())  # ids of the factions it fights with for the succession
        b.declare("inheritance")                  # USD/week of drug business the winner of the succession takes over
        b.declare("inherited", object, np.zeros(0, dtype=np.int64))  # the places of the split organisation
        self.members = Members(model, b)
        p, places, rng = model.p.trafficking, model.places, self.draws
        towns = places.community_places  # each town's deprivation relative to the mean town's (constant)
        self.town_deprivation = places.deprivation[towns] / max(places.deprivation[towns].mean(), 1e-9)
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
    def table(self) -> Table:
        """A new table with one row per organisation id, for a subsystem's per-organisation state:
        it gets a row (empty: every column at its fill value) for every organisation made."""
        table = Table(max(16, self.next_id))
        self.tables.append(table)
        return table

    def __iter__(self) -> Iterator[TraffickingOrganisation]:
        """The organisations alive now, oldest first (a snapshot: the loop may dissolve some)."""
        return iter(list(self.views.values()))

    def __len__(self) -> int:
        return len(self.views)

    def get(self, org_id: int) -> TraffickingOrganisation | None:
        """The organisation with this id, if it still exists."""
        return self.views.get(org_id)

    def ids(self) -> np.ndarray:
        """Ids of the organisations alive now, oldest first (read-only: the same array until an
        organisation is made or dissolved, read some 25 times a week)."""
        return self.alive_ids

    def id_bound(self) -> int:
        """One more than the largest id alive (the length of arrays indexed by id)."""
        return self.alive_bound

    def registry_changed(self) -> None:
        """An organisation was made or dissolved: gather the ids alive again."""
        self.alive_ids = self.by_org.alive[:self.next_id].nonzero()[0]
        self.alive_ids.flags.writeable = False  # shared by every caller: none may change it
        self.alive_bound = max(self.views, default=-1) + 1

    def lookup(self, column: np.ndarray, default: float) -> np.ndarray:
        """A per-organisation column for indexing by ids that may name an organisation gone, or none
        (-1): length ``id_bound() + 1``, the column's value for the organisations alive, ``default``
        for the others and in the last entry."""
        ids = self.alive_ids
        out = np.empty(self.alive_bound + 1)
        out.fill(default)  # (np.full's wrapper costs three times as much)
        out[ids] = column[ids]
        return out

    def sizes(self, ids: np.ndarray) -> np.ndarray:
        """Members of each of the organisations ``ids``."""
        return self.by_org.strength[ids].sum(axis=1)

    def create(self) -> TraffickingOrganisation:
        """A new organisation with the next id, no members and no territory."""
        org_id = self.next_id
        self.next_id += 1
        for table in self.tables:
            table.reserve(self.next_id)
        self.by_org.alive[org_id] = True
        self.members.rosters[org_id] = []
        self.by_org.armament[org_id] = self.model.p.world.firearms
        org = TraffickingOrganisation(self.model, org_id, self.members)
        self.views[org_id] = org
        self.registry_changed()
        return org

    def dissolve(self, org: TraffickingOrganisation) -> None:
        """An organisation without members or turf ends: its stock is lost and its turf left vacant."""
        self.model.trafficking.write_off(org.id)
        self.controller[self.controller == org.id] = -1
        for member in list(org.members):
            org.remove_member(member)
        self.by_org.alive[org.id] = False
        del self.views[org.id]
        self.registry_changed()
        org.remove()

    def dissolve_empty(self) -> None:
        """Dissolve every organisation that has lost all its members (its roster empty: every change of
        its members by place comes with one of its roster, so a row of none is an empty roster)."""
        rosters = self.members.rosters
        for org_id in [org_id for org_id in self.ids().tolist() if not rosters[org_id]]:
            self.dissolve(self.views[org_id])

    def territories(self) -> dict[int, np.ndarray]:
        """Places held by each organisation (organisations holding none are absent)."""
        order = np.argsort(self.controller, kind="stable")  # nobody's places (-1) first, then by id
        counts = np.bincount(self.controller + 1)
        ends = counts.cumsum().tolist()
        return {org_id: order[ends[org_id]:ends[org_id + 1]] for org_id in counts[1:].nonzero()[0].tolist()}

    def places_held(self) -> np.ndarray:
        """Places each organisation controls, by id."""
        return np.bincount(self.controller[self.controller >= 0], minlength=self.next_id)

    def dominant(self) -> TraffickingOrganisation | None:
        """The organisation controlling the most places (the oldest of those tied)."""
        ids = self.ids()
        if len(ids) == 0:
            return None
        return self.views[int(ids[np.argmax(self.places_held()[ids])])]

    def presence_matrix(self) -> np.ndarray:
        """Members of each organisation (row = id) stationed at each place."""
        return self.by_org.strength[:self.id_bound()].astype(float)

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
        trade); every other closes last week's books, then fills its command posts, settles its
        succession and recruits or sheds members to match what it can pay."""
        turfs = self.territories()
        ids = self.ids()
        held = ids[self.places_held()[ids] > 0]
        self.close_books(held)
        recruits, shedding = self.payroll_gaps(held)
        posts = self.vacant_posts().tolist()
        # what a violent act is expected to cost each organisation, read by the factions of a succession
        # fight: an organisation's payroll changes only its own people, after it has settled
        unit_costs = self.model.violence.unit_costs() if self.by_org.succession_fight[ids].any() else None
        for org in self:
            turf = turfs.get(org.id)
            if turf is None:
                self.dissolve(org)
            else:
                if posts[org.id] > 0:
                    self.fill_command(org, posts[org.id])
                if unit_costs is not None:
                    self.settle_succession(org, unit_costs)
                self.match_payroll(org, turf, recruits[org.id], shedding[org.id])

    def splits(self) -> None:
        """Splits: an organisation whose territory outgrows its leader's span of control may split
        (with a chance that rises with the excess)."""
        t = self.model.p.trafficking
        candidates, excess = overgrown(self.controller, self.ids(), self.next_id, float(t.span_of_control))
        if not len(candidates):  # most weeks (drawing none uses no numbers: the stream restarts each week)
            return
        splitting = self.draws.fission.random(len(candidates)) < t.fission_rate * excess
        for org_id in candidates[splitting].tolist():
            org = self.views[org_id]
            self.split(org, self.faction_seeds(org)[:t.splinters])

    def close_books(self, ids: np.ndarray) -> None:
        """Close last week's books of the organisations ``ids``: revenue and losses into their moving
        averages, the share of members arrested, bribes, wages and cash, the share of enforcement the
        bribes neutralise, and armament against the confrontations they faced."""
        model, b = self.model, self.by_org
        t, mechanisms, police = model.p.trafficking, model.p.mechanisms, model.police
        closing_books(ids, b.strength, b.revenue, b.revenue_ma, b.extorting, b.losses, b.losses_ma, b.arrested,
                      b.arrest_share, b.bribes, b.cash, b.neutralised, b.confronted, b.confronted_ma, b.armament,
                      1 / t.revenue_memory, t.diversification, t.loss_memory, t.bribe_share, t.bribe_risk_share,
                      int(police.protected) if mechanisms.protection_racket else -1,
                      t.racket_price * police.collusion, t.soldier_wage,
                      mechanisms.bribery, police.corruption, model.p.police.bribe_saturation,
                      mechanisms.arms_race, model.p.world.firearms, t.arming_response, t.arming_rate)

    def payroll_gaps(self, held: np.ndarray) -> tuple[list[int], list[bool]]:
        """Organisations ``held`` (those holding territory, their books closed) that can pay more
        soldiers than they have and hold cash recruit (a binomial share of the gap, drawn for all of
        them at once: the same numbers as one by one, oldest first); those that pay for far fewer shed
        soldiers. Returns, by id, the recruits drawn and whether it sheds. An organisation's fill of
        its command posts and its succession fight change neither its members nor its books, and its
        payroll changes only its own members: the gaps read before the loop are those each meets."""
        t, b = self.model.p.trafficking, self.by_org
        trials, hiring, recruits, shedding = hiring_and_shedding(
            held, b.revenue_ma, b.cash, b.strength, self.id_bound(), t.labour_share, max(t.soldier_wage, 1e-9),
            t.shedding_threshold)
        recruits[hiring] = self.draws.recruitment.binomial(trials, t.recruitment)
        return recruits.tolist(), shedding.tolist()

    def match_payroll(self, org: TraffickingOrganisation, turf: np.ndarray, recruits: int, shedding: bool) -> None:
        """Recruit ``recruits`` soldiers into the organisation's thinly held, valuable places, or, when
        it is ``shedding`` (:meth:`payroll_gaps`), let some of its soldiers go."""
        model, b, rng = self.model, self.by_org, self.draws
        # (choosing none of anything draws no random numbers, so such choices are skipped)
        if recruits:
            value = model.violence.value_ma
            need = (value[turf] + 1.0) / (b.strength[org.id, turf] + 1.0)  # thinly held, valuable places first
            for place in weighted_choice(rng.recruit_places, turf, need, recruits).tolist():
                org.add_member(place, Role.SOLDIER)
        elif shedding:
            # (soldiers counted from the rank column; the list of them made only when some leave)
            leaving = rng.shedding.binomial(org.rank_count(SOLDIER), model.p.trafficking.shedding_rate)
            if leaving:
                soldiers = org.soldiers()
                chosen = rng.shed_members.choice(len(soldiers), size=leaving, replace=False)
                for index in sorted(chosen.tolist(), reverse=True):
                    org.remove_member(soldiers[index])

    def settle_succession(self, org: TraffickingOrganisation, unit_costs: tuple[np.ndarray, np.ndarray]) -> None:
        """A succession fight has no set length: each faction decides, week by week, whether it is
        still worth fighting. What they fight for — the split organisation's routes, suppliers and
        markets — fades as its business is taken over place by place, at the rate organisations revise
        what they see at stake (``violence.value_memory``). A faction concedes when its chance of
        winning (its share of the factions' members) times what is left of the inheritance is worth
        less than what a week of fighting is expected to cost it (``Violence.expected_cost``). The
        fight ends when one faction is left, or when the inheritance is worth no more than the best of
        the places it was made of (there is nothing left to fight over but places). ``unit_costs``:
        ``Violence.unit_costs``."""
        model, b, v = self.model, self.by_org, self.model.p.violence
        if not b.succession_fight[org.id]:
            return
        b.inheritance[org.id] *= 1 - v.value_memory
        rivals = [r for r in (self.get(i) for i in org.rivals_in_turmoil) if r is not None and r.in_succession_fight]
        best_place = float(model.violence.value_ma[org.inherited].max(initial=0.0))
        if not rivals or b.inheritance[org.id] <= best_place:
            factions = [org.id, *(r.id for r in rivals)]
            b.succession_fight[factions] = False
            b.rivals[factions] = frozenset()
            return
        winning = org.size / max(org.size + sum(r.size for r in rivals), 1)
        losses = v.incidents_per_contest * min(v.lethality * float(b.armament[org.id]), 1.0) * v.attacker_losses
        cost = float(model.violence.expected_cost(np.array([org.id]), losses, unit_costs)[0])
        if winning * b.inheritance[org.id] < cost:  # it concedes: the others fight on without it
            b.succession_fight[org.id] = False
            b.rivals[org.id] = frozenset()
            for rival in rivals:
                b.rivals[rival.id] = b.rivals[rival.id] - {org.id}

    def vacant_posts(self) -> np.ndarray:
        """Lieutenant posts each organisation (by id) has lost to arrests or killings: it keeps
        ``trafficking.lieutenants`` of them, or one fewer than its members."""
        members = self.members
        return posts_to_fill(members.active, members.org, members.role, self.ids(), self.by_org.strength,
                             self.next_id, self.model.p.trafficking.lieutenants)

    def fill_command(self, org: TraffickingOrganisation, posts: int) -> None:
        """Fill ``posts`` vacant lieutenant posts: a soldier stationed where no lieutenant is (the most
        strongly held such place first) is promoted for each."""
        members = self.members
        promote_soldiers(org.member_rows(), members.role, members.place, self.model.places.n, posts)

    def emergence(self) -> None:
        """New local groups form where the controlling organisation is thinly present: the
        competition that keeps a market from settling into one hegemon for good."""
        model = self.model
        t, rng = model.p.trafficking, self.draws
        towns = model.places.community_places
        for place in emerging_places(towns, self.controller, self.by_org.strength, self.town_deprivation,
                                     rng.emergence.random(len(towns)), t.entry_rate, t.thin_presence).tolist():
            org = self.create()
            for i in range(t.entry_size):
                org.add_member(place, Role.LEADER if i == 0 else Role.LIEUTENANT if i == 1 else Role.SOLDIER)
            former = self.get(int(self.controller[place]))
            self.controller[place] = org.id
            if former is not None:
                for member in former.members_at(place):
                    former.remove_member(member)  # the new group drives out the few who held the place
            self.start_books(org.id, t.soldier_wage * t.entry_size / max(t.labour_share, 1e-9))
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
        self.promote_leader(org, heir)
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
        model, b = self.model, self.by_org
        t = model.p.trafficking
        if len(seeds) < 2 or org.size < 2:
            return False
        turf = np.flatnonzero(self.controller == org.id)
        owner = self.partition(turf, seeds)
        groups = [org] + [self.create() for _ in range(len(seeds) - 1)]
        self.model.violence.splinter(org.id, [group.id for group in groups[1:]])
        for place, k in owner.items():
            self.controller[place] = groups[k].id
        heirs = {}
        for member in list(org.members):
            group = groups[owner.get(member.place, 0)]
            if group is not org and member.role is not Role.LEADER:
                self.members.transfer(member, group.id)
            if member.role is Role.LIEUTENANT and member.place == seeds[groups.index(group)]:
                heirs.setdefault(group.id, member)
        for k, group in enumerate(groups[1:], start=1):
            if group.size == 0:  # a faction whose places held nobody takes a few members along
                for member in org.rank_and_file()[:t.splinter_minimum]:
                    self.members.transfer(member, group.id)
                    group.station(member, seeds[k])
            self.promote_leader(group, heirs.get(group.id))
        self.promote_leader(org, heirs.get(org.id))
        ids = np.array([g.id for g in groups])
        sizes = self.sizes(ids)
        total = max(int(sizes.sum()), 1)
        new, shares, kept = ids[1:], sizes[1:] / total, sizes[0] / total
        b.cash[new] = b.cash[org.id] * shares
        b.revenue_ma[new] = b.revenue_ma[org.id] * shares
        b.revenue[new] = b.revenue_ma[new]
        b.armament[new] = b.armament[org.id]
        b.cash[org.id] *= kept
        b.revenue_ma[org.id] *= kept
        model.trafficking.divide(org.id, new, shares, kept)
        b.succession_fight[ids] = True
        b.inheritance[ids] = float(model.violence.value_ma[turf].sum())
        for group in ids.tolist():
            b.rivals[group] = frozenset(ids.tolist()) - {group}
            b.inherited[group] = turf
        model.log.record("split", org=org.id)
        return True

    def promote_leader(self, org: TraffickingOrganisation, heir: Member | None = None) -> None:
        """Make ``heir`` (or the first lieutenant, or failing one any member) the leader, and the
        first soldier a lieutenant."""
        if org.size == 0 or org.leader is not None:
            return
        if heir is None:
            heir = sorted(org.members, key=lambda m: m.role is not Role.LIEUTENANT)[0]
        self.members.promote(heir, Role.LEADER)
        soldier = next((m for m in org.members if m.role is Role.SOLDIER), None)
        if soldier is not None:
            self.members.promote(soldier, Role.LIEUTENANT)

    # -- what other subsystems do to organisations ----------------------------------------------------------
    def arrest_member(self, org: TraffickingOrganisation, member: Member) -> None:
        """One member of ``org`` (its leader, or a killer traced by an investigation) is arrested."""
        org.remove_member(member)
        self.count_arrests(org.id, 1)

    def start_books(self, ids: np.ndarray | int, revenue: np.ndarray | float,
                    cash: np.ndarray | float | None = None) -> None:
        """New organisations ``ids`` start as going concerns: this week's revenue and its moving
        average are ``revenue`` (USD/week); their cash, if given."""
        b = self.by_org
        b.revenue_ma[ids] = b.revenue[ids] = revenue
        if cash is not None:
            b.cash[ids] = cash

    def earn(self, ids: np.ndarray, usd: np.ndarray) -> None:
        """Revenue this week of the organisations ``ids`` (distinct): wholesale sales, tolls, extortion."""
        self.by_org.revenue[ids] += usd

    def pay(self, ids: np.ndarray, usd: np.ndarray) -> None:
        """The organisations ``ids`` (distinct) pay out of their cash (purchases at the farm gate)."""
        self.by_org.cash[ids] -= usd

    def lose(self, ids: np.ndarray, usd: np.ndarray) -> None:
        """Losses to enforcement this week of the organisations ``ids`` (distinct): drugs seized."""
        self.by_org.losses[ids] += usd

    def seize_cash(self, org: TraffickingOrganisation, usd: float) -> None:
        """Anti-money-laundering takes ``usd`` of an organisation's cash: a loss it remembers (the
        recent share of revenue seized prices the risk)."""
        b, memory = self.by_org, self.model.p.trafficking.loss_memory
        b.cash[org.id] -= usd
        b.losses[org.id] += usd
        b.aml_share[org.id] = ewma(b.aml_share[org.id], usd / max(b.revenue_ma[org.id], 1.0), memory)

    def warn(self, ids: np.ndarray) -> None:
        """Focused deterrence calls in the organisations ``ids``: they know they are on notice from now on."""
        self.by_org.warned[ids] = True

    def count_arrests(self, org_id: int, count: int) -> None:
        """Members of an organisation arrested this week (investigations, leader captures, homicide cases)."""
        self.by_org.arrested[org_id] += count

    def count_confrontation(self, org_id: int) -> None:
        """An armed confrontation with the state this week: the threat the organisation arms against."""
        self.by_org.confronted[org_id] += 1

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
        self.count_arrests(org.id, count)
        return count

    def kill_members(self, org: TraffickingOrganisation, deaths: int, place: int | None = None) -> int:
        """Remove up to ``deaths`` non-leader members, those stationed at ``place`` first (each group in
        the order they joined); return how many died."""
        if deaths <= 0:
            return 0
        members = self.members
        dead = [org.members[i] for i in casualties(org.member_rows(), members.role, members.place,
                                                   -1 if place is None else place, deaths).tolist()]
        for member in dead:
            org.remove_member(member)
        return len(dead)

    def occupy(self, org: TraffickingOrganisation, origin: int, place: int, garrison: int) -> None:
        """``org`` takes ``place``: some members move in from ``origin``; the former controller's
        members there fall back to another of its places."""
        former_id = int(self.controller[place])
        former = self.get(former_id)
        self.controller[place] = org.id
        members = self.members
        stranded, refuge = occupation(org.member_rows(), NO_ROWS if former is None else former.member_rows(),
                                      members.place, members.role, self.by_org.strength, self.controller,
                                      org.id, former_id, origin, place, garrison)
        if len(stranded) and len(refuge):  # each to a random place of refuge (drawn together: the same
            # numbers as one by one)
            members.move_rows(former_id, stranded, place,
                              refuge[self.draws.refuge.integers(len(refuge), size=len(stranded))])

    # -- outputs ----------------------------------------------------------------------------------------------
    @metric("members", "people", "market", "Members of trafficking organisations.")
    def members_metric(self) -> int:
        return int(self.members.active.sum())

    @metric("active_orgs", "count", "market", "Trafficking organisations with members.")
    def active_orgs(self) -> int:
        return len(self.views)

    @metric("org_splits", "splits/week", "market",
            "Organisations splitting into rival groups (failed successions and overgrown territories).")
    def org_splits(self) -> int:
        return int(self.model.log.total("split"))

    @metric("new_groups", "groups/week", "market", "New local groups formed where control was thin.")
    def new_groups(self) -> int:
        return int(self.model.log.total("new_group"))

    @metric("market_hhi", "0-1", "market", "Herfindahl-Hirschman index of wholesale market shares (1 = monopoly).")
    def market_hhi(self) -> float:
        return _sales_concentration(self.model.trafficking.by_org.sales_ma, self.ids())


@compiled
def _sales_concentration(sales_ma: np.ndarray, ids: np.ndarray) -> float:
    """Σ share² of the organisations ``ids``' expected sales ``sales_ma``, negatives counted as 0 (as
    np.maximum bounds them: a NaN passes)."""
    sales = np.empty(len(ids))
    for item in range(len(ids)):
        value = sales_ma[ids[item]]
        sales[item] = 0.0 if value <= 0.0 else value
    return herfindahl(sales)
