"""Violence: territorial contests, succession fights, dealer disputes, armed confrontations with
police, extortion and kidnapping, vigilantism, and background homicide.

Violence is a choice. An organisation weighs what attacking a rival's place would gain it — the
drug business at stake there times its chance of winning, which follows the local balance of
strength — against what it expects to lose: the people a police answer would take, times the chance
it believes its violence is answered (``sim/beliefs.py``: learnt from what happened to it and to the
organisations it borders), and the members it would lose in the fight, each person valued at the
business they bring in. State presence and residents' collective efficacy make attacks harder. Street
disputes arise between dealers of rival organisations competing for the same buyers: the sales they
share are at stake, and each dealer weighs taking a share of them against what an arrest would cost
it. Lethality follows the armament of the groups involved, which rises when armed units confront them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.beliefs import SanctionBeliefs
from marketsim.sim.common import (
    PER_100K,
    WEEKS_PER_YEAR,
    compiled,
    ewma,
    metric,
    once_per_value,
    pairwise_sum,
    row_uniforms,
)
from marketsim.sim.subsystem import Subsystem

if TYPE_CHECKING:
    from marketsim.config.params import ViolenceParams
    from marketsim.model import DrugMarketModel
    from marketsim.sim.organisations import TraffickingOrganisation

DEALERS_PER_DISPUTE = 2
"""A dispute is between two dealers."""
UNINVESTIGATED = ("background", "police", "confrontation")
"""Homicides reactive policing does not treat as drug-market cases to clear: those unrelated to the
drug market, and deaths at the hands of the police or in their operations."""


class Violence(Subsystem):
    """Violence and what drives it: the drug value at stake and recent violence at each place, and
    the violence counted against each organisation (one row per organisation id, ``by_org``)."""

    name = "violence"
    needs = ("communities", "orgs")

    def __init__(self, model: DrugMarketModel):
        self.attach(model)
        n = model.places.n
        self.by_org = model.orgs.table()
        b = self.by_org
        b.declare("violence_score")             # recent violence attributed to it (decaying)
        b.declare("attacks", np.int64)          # contests it started this week
        b.declare("attacks_ma")                 # per week, moving average
        b.declare("disputes", np.int64)         # disputes its dealers were involved in this week
        b.declare("disputes_ma")                # per week, moving average
        b.declare("killings", np.int64)         # deaths its members caused this week (contests it started, officers)
        b.declare("racket_attacks", np.int64)   # contests it fought with a protected organisation this week
        self.beliefs = SanctionBeliefs(b, model.p.violence)  # what it believes its violence costs it
        self.value_ma = np.zeros(n)      # USD/week of drug value at stake at each place, moving average
        self.violence_ma = np.zeros(n)   # homicides/week at each place, moving average
        self.extortion_ma = np.zeros(len(model.places.community_places))  # extortion events/week per community
        self.links = np.stack([model.places.edge_a, model.places.edge_b])
        """The places each link joins (rows 0 and 1)."""
        self.contest_ends = np.concatenate([self.links, self.links[::-1]], axis=1)
        """Every link, both ways: the place attacked from (row 0) and the place attacked (row 1)."""
        self.civilian_firearms = model.places.firearms[model.communities.place]
        """Civilian firearm availability in each community (a property of the place: it does not change)."""
        self.control_at = np.ones(n)
        """Social control at each place this week (places without residents: as at the reference trust)."""
        self.per_100k_year = WEEKS_PER_YEAR / float(model.communities.population.sum()) * PER_100K
        """Converts weekly counts over the modelled population to yearly rates per 100,000."""

    # -- what other subsystems tell violence ----------------------------------------------------------------
    def answer(self, org_id: int, acts: float, people: float) -> None:
        """The police answered ``acts`` of an organisation's violent acts of last week, taking ``people``
        (its dealers and members arrested): the organisation and those who border it see it."""
        if acts > 0:
            self.beliefs.record_answer(org_id, acts, people)

    def warn(self, org_id: int) -> None:
        """An organisation called in by focused deterrence hears that its violence will be answered."""
        self.beliefs.promise(org_id, self.model.p.violence.warning_weight)

    def splinter(self, parent_id: int, children: list[int]) -> None:
        """An organisation split: its splinters keep what its people had learnt."""
        self.beliefs.inherit(parent_id, children)

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def learn(self) -> None:
        """Beliefs: each organisation learns from last week's violent acts (its attacks and its dealers'
        disputes), the answers they brought this week, and what happened to the organisations it
        borders (those holding a place next to one of its own)."""
        model, v, b = self.model, self.model.p.violence, self.by_org
        orgs = model.orgs
        ids = orgs.ids()
        bordering, acts = borders_and_acts(self.links, orgs.controller, ids, orgs.id_bound(), b.attacks, b.disputes)
        self.beliefs.learn(ids, acts, bordering, v.belief_memory, v.peer_weight, v.violence_memory)

    def reset_tallies(self) -> None:
        """This week's violence tallies start from zero: dealers' disputes, and each organisation's
        attacks, disputes, killings and attacks around a protected organisation."""
        self.model.dealers.clear_disputes()
        b, ids = self.by_org, self.model.orgs.ids()
        b.attacks[ids] = b.disputes[ids] = b.killings[ids] = b.racket_attacks[ids] = 0

    def step(self) -> None:
        """Violence, in a fixed order; then the police get this week's cases."""
        model = self.model
        v = model.p.violence
        self.update_value_at_stake()
        control = social_control(v, model.communities.trust)
        self.territorial_contests(control)
        self.dealer_disputes(control)
        self.confrontations()
        self.extortion(control)
        self.vigilantism()
        self.background()
        log = model.log
        investigated = log.total("homicide") - sum(log.total("homicide", cause) for cause in UNINVESTIGATED)
        model.police.report_homicides(round(investigated))
        model.dealers.fade_violence(v.violence_memory)
        b = self.by_org
        self.violence_ma = fading_violence(self.violence_ma, model.log.by_place("homicide"), model.orgs.ids(),
                                           b.violence_score, b.attacks, b.attacks_ma, b.disputes, b.disputes_ma,
                                           v.violence_memory)

    def certainty(self, bound: int) -> np.ndarray:
        """The chance each organisation believes its next violent act is answered, by id below ``bound``
        and in the last entry for none (none anywhere with the deterrence mechanism off: nobody weighs
        sanctions)."""
        if not self.model.p.mechanisms.deterrence:
            return np.zeros(bound + 1)
        return self.beliefs.certainty(bound)

    def person_values(self) -> np.ndarray:
        """USD a week each organisation's business brings in per person working for it (members and
        dealers), by id (the last entry: none, 0): what losing one of them costs it, week after week."""
        model, orgs = self.model, self.model.orgs
        dealers = model.dealers
        return values_per_person(dealers.org, dealers.active_slots(), orgs.ids(), orgs.by_org.strength,
                                 orgs.by_org.revenue_ma, orgs.id_bound())

    def unit_costs(self) -> tuple[np.ndarray, np.ndarray]:
        """By organisation id (the last entry: none, -1): the people it expects a violent act to lose
        to a police answer (the chance it believes the act is answered times the people an answer
        takes), and what each of its people brings in (:meth:`person_values`)."""
        bound = self.model.orgs.id_bound()
        return self.certainty(bound) * self.beliefs.people_per_answer(bound), self.person_values()

    def expected_cost(self, org_ids: np.ndarray, own_losses: np.ndarray | float,
                      unit_costs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """USD a week an organisation expects a violent act to cost it: the people a police answer
        takes times the chance it believes the act is answered, plus its own expected losses in the
        fight, each person at what they bring in (``unit_costs``: :meth:`unit_costs`, if the caller
        has them already)."""
        believed, value = self.unit_costs() if unit_costs is None else unit_costs
        return (believed[org_ids] + own_losses) * value[org_ids]

    def armaments(self) -> np.ndarray:
        """Armament of each organisation by id (the world's firearm availability for ids gone, and in
        the last entry, for none)."""
        orgs = self.model.orgs
        return orgs.lookup(orgs.by_org.armament, self.model.p.world.firearms)

    def update_value_at_stake(self) -> None:
        """Drug business at each place this week: transit flows, farm sales, street retail sales."""
        model = self.model
        self.value_ma = value_at_stake(self.value_ma, model.trafficking.stake, model.communities.place,
                                       model.communities.street_sales, model.p.violence.value_memory)

    def succession_prizes(self) -> np.ndarray:
        """What taking a rival faction's place is worth to each organisation fighting over a removed
        leader's succession: [attacker id, defender id] holds the whole organisation they split from
        (the winner takes over its routes, suppliers and markets) where the defender is one of the
        attacker's rivals, -inf elsewhere; an empty array when no organisation alive fights one."""
        orgs = self.model.orgs
        b, ids, bound = orgs.by_org, orgs.ids(), orgs.id_bound()
        fighting = ids[b.succession_fight[ids]].tolist()
        prizes = np.full((bound, bound) if fighting and self.model.p.mechanisms.succession_contests else (0, 0),
                         -np.inf)
        if len(prizes):
            for attacker in fighting:
                prizes[attacker, [rival for rival in b.rivals[attacker] if rival < bound]] = b.inheritance[attacker]
        return prizes

    def record_violence(self, detail: str, place: int, incidents: int, deaths: int, org: int = -1) -> None:
        """Incidents and the deaths among them at one place."""
        log = self.model.log
        log.record("incident", incidents, detail=detail, place=place, org=org)
        if deaths:  # (a count of none records nothing)
            log.record("homicide", deaths, detail=detail, place=place, org=org)

    def territorial_contests(self, control: np.ndarray) -> None:
        """Organisations attack rivals' neighbouring places from places where they have members;
        undefended places are occupied without a fight. Strength is local: an organisation that
        holds much territory holds each place thinly. ``control``: :func:`social_control` by community."""
        model = self.model
        v, places, rng, mechanisms = model.p.violence, model.places, self.draws, model.p.mechanisms
        orgs, log = model.orgs, model.log
        if not len(orgs):
            return
        controller = orgs.controller
        believed, person_value = self.unit_costs()
        control_at = self.control_at
        control_at[model.communities.place] = control
        links, takeover_chance, contests, contest_chance, contest_lethality = contest_odds(
            self.contest_ends, controller, orgs.by_org.strength, self.value_ma, believed, person_value,
            self.armaments(), places.state_presence, control_at, self.succession_prizes(),
            mechanisms.value_motive, mechanisms.hegemony, v.reference_value, v.lethality, v.takeover_incidents,
            v.attacker_losses, v.vacant_takeover, v.attack_success, v.incidents_per_contest, v.contest_rate,
            v.presence_effect, v.max_contest_chance)
        source, target, attacker = links
        for k in (rng.takeover.random(len(target)) < takeover_chance).nonzero()[0].tolist():
            place, taker = int(target[k]), orgs.get(int(attacker[k]))
            if controller[place] >= 0:  # taking a rival's place, even unguarded, meets resistance
                incidents = int(rng.takeover_incidents.poisson(v.takeover_incidents))
                lethality = v.lethality * taker.armament
                deaths = int(rng.takeover_deaths.binomial(incidents, min(1.0, lethality)))
                log.record("contest", place=place, org=taker.id)
                self.record_violence("contest", place, incidents, deaths, taker.id)
                self.count_attack(taker, int(controller[place]), incidents, deaths)
            orgs.occupy(taker, int(source[k]), place, garrison=1)
        if not len(contest_chance):
            return
        fights = (rng.contest.random(len(contest_chance)) < contest_chance).nonzero()[0]
        incidents = rng.contest_incidents.poisson(v.incidents_per_contest, size=len(fights))
        deaths = rng.contest_deaths.binomial(incidents, contest_lethality[fights])
        # no organisation is made or dissolved until the last fight: its views and columns are read once
        views, stationed, violence_score = orgs.views, orgs.by_org.strength, self.by_org.violence_score
        # each fight's places and organisations as Python ints, gathered in one call
        for origin, place, a_id, d_id, n_incidents, n_deaths in zip(
                *contests[:, fights].tolist(), incidents.tolist(), deaths.tolist(), strict=True):
            a_org, d_org = views.get(a_id), views.get(d_id)
            if a_org is None or d_org is None or controller[place] != d_id:
                continue
            log.record("contest", place=place, org=a_id)
            self.record_violence("contest", place, n_incidents, n_deaths, a_id)
            if n_deaths:
                orgs.kill_members(d_org, int(n_deaths * v.defender_losses), place)
                orgs.kill_members(a_org, int(n_deaths * v.attacker_losses), origin)
            self.count_attack(a_org, d_id, n_incidents, n_deaths)
            violence_score[d_id] += n_incidents * v.defender_blame
            attack, defence = int(stationed[a_id, origin]), int(stationed[d_id, place])
            if attack >= 1 and rng.contest_outcome.random() < v.attack_success * attack / (attack + defence):
                orgs.occupy(a_org, origin, place, garrison=math.ceil(attack * v.garrison_share))
        orgs.dissolve_empty()

    def count_attack(self, attacker: TraffickingOrganisation, defender: int, incidents: int, deaths: int) -> None:
        """An attack counts against its attacker: its violence score (which focused deterrence
        ranks), its attacks (which sanctions answer), its killings (which investigations trace), and,
        around a protected organisation, the attacks a collusive arrangement answers."""
        b = self.by_org
        b.violence_score[attacker.id] += incidents
        b.attacks[attacker.id] += 1
        b.killings[attacker.id] += deaths
        if self.model.police.protected in (attacker.id, defender):
            b.racket_attacks[attacker.id] += 1

    def dealer_disputes(self, control: np.ndarray) -> None:
        """Violent disputes between dealers of rival organisations competing for the same buyers on
        shared street territory (open-air markets most): what is at stake is the street sales they
        share (none where one organisation's dealers hold the street alone), and each dealer weighs
        taking a share of them against its arrest, which would cost it all of its own business.
        Challenges to a rival organisation's recruit on a vacated corner come on top. ``control``:
        :func:`social_control` by community."""
        model = self.model
        v, dealers, communities, rng = model.p.violence, model.dealers, model.communities, self.draws
        mechanisms = model.p.mechanisms
        active = dealers.active_slots()
        if len(active) == 0:
            return
        n = len(communities.place)
        community = dealers.community_of(active)
        supplier = dealers.org[active]
        # dealers of an organisation dissolved this week stay one group until retail finds them a supplier
        size = max(model.orgs.id_bound(), int(supplier.max()) + 1, 1)
        sales = communities.street_sales if mechanisms.value_motive else np.full(n, v.reference_sales)
        rate, lethality, weight, weight_by_community = dispute_odds(
            community, dealers.street_contact(active), supplier, dealers.violence[active],
            dealers.has_record[active], self.certainty(size), sales, control, self.civilian_firearms,
            self.armaments(), model.orgs.controller[communities.place], mechanisms.criminogenic_prison,
            v.record_violence, v.reference_sales, v.dispute_rate, v.dispute_lethality)
        disputes = rng.disputes.poisson(rate)
        if dealers.rival_recruits is not None and mechanisms.vacancy_violence:  # newcomers are challenged
            disputes += rng.vacancy_disputes.poisson(v.vacancy_violence * dealers.rival_recruits)
        deaths = rng.dispute_deaths.binomial(disputes, lethality)
        log = model.log
        log.record_places("dispute", disputes, places=communities.place)
        log.record_places("incident", disputes, detail="dispute", places=communities.place)
        log.record_places("homicide", deaths, detail="dispute", places=communities.place)
        # dealers involved, likelier the more violent and the more exposed they are
        dealers.count_disputes(active[dispute_involvement(
            community, supplier, weight, weight_by_community, disputes,
            row_uniforms(rng.dispute_involvement, active), model.orgs.ids(), self.by_org.disputes,
            self.by_org.violence_score)])

    def confrontations(self) -> None:
        """Armed confrontations: each of this week's encounters of militarised units with an
        organisation (chosen in proportion to its members) is fought where most of its members are.
        The unit's fire is spread over the members there and theirs over the unit's officers, so who
        dies depends on how many members stand there and how well armed they are."""
        model = self.model
        count, orgs = model.police.confrontations, model.orgs
        if count <= 0 or not len(orgs) or not model.p.mechanisms.armed_confrontations:
            return
        v, rng = model.p.violence, self.draws
        ids = orgs.ids()
        sizes = orgs.sizes(ids).astype(float)
        if sizes.sum() <= 0:
            return
        # each confrontation meets at least one member: a force of any size confronts each at most once a week
        targets = ids[rng.confrontation_target.choice(len(ids), size=min(count, int(sizes.sum())),
                                                      p=sizes / sizes.sum())]
        for org_id in targets.tolist():
            org = orgs.views[org_id]
            if org.size == 0:
                continue
            place = int(np.argmax(org.presence))  # where most of its members are
            # the unit meets the members stationed there; each side's fire is spread over the other
            engaged = int(org.presence[place])
            members = int(rng.members_killed.binomial(engaged, min(1.0, v.unit_size * v.unit_lethality / engaged)))
            firepower = engaged * v.member_lethality * org.armament
            officers = int(rng.officers_killed.binomial(v.unit_size, min(1.0, firepower / v.unit_size)))
            orgs.kill_members(org, members, place)
            orgs.count_confrontation(org.id)
            self.by_org.killings[org.id] += officers
            model.log.record("confrontation", place=place, org=org.id)
            self.record_violence("confrontation", place, 1, members + officers, org.id)
        orgs.dissolve_empty()

    def extortion(self, control: np.ndarray) -> None:
        """Organisations whose revenue fell diversify into extortion and kidnapping on their turf
        (``control``: :func:`social_control` by community)."""
        model = self.model
        v, places, communities, rng, orgs = model.p.violence, model.places, model.communities, self.draws, model.orgs
        owner = orgs.controller[communities.place]
        events = rng.extortion.poisson(extortion_rates(
            owner, orgs.by_org.extorting, communities.businesses, places.state_presence[communities.place], control,
            v.background_extortion, v.presence_effect, v.extortion_rate)).astype(float)
        ids = orgs.ids()
        orgs.earn(ids, extortion_takes(owner, events, ids, orgs.id_bound(), v.extortion_take))
        deaths = rng.extortion_deaths.poisson(events * v.extortion_lethality)
        model.log.record_places("extortion", events, places=communities.place)
        model.log.record_places("homicide", deaths, detail="extortion", places=communities.place)
        self.extortion_ma = ewma(self.extortion_ma, events, v.violence_memory)

    def vigilantism(self) -> None:
        """Where trust is very low and extortion heavy, residents take up arms."""
        model = self.model
        v, communities, rng = model.p.violence, model.communities, self.draws
        incidents = rng.vigilantism.poisson(vigilante_rates(communities.trust, self.extortion_ma, v.vigilante_trust,
                                                            v.vigilante_extortion, v.vigilantism))
        if not incidents.any():  # most weeks: nothing to record, no deaths to draw
            return
        deaths = rng.vigilante_deaths.binomial(incidents, v.vigilante_lethality)
        model.log.record_places("incident", incidents, detail="vigilante", places=communities.place)
        model.log.record_places("homicide", deaths, detail="vigilante", places=communities.place)

    def background(self) -> None:
        """Homicides unrelated to drug markets."""
        model = self.model
        deaths = self.draws.background_homicides.poisson(self.background_rate(model.p.violence.background_homicides))
        model.log.record_places("homicide", deaths, detail="background", places=model.communities.place)

    @once_per_value
    def background_rate(self, per_100k_year: float) -> np.ndarray:
        """Homicides a week unrelated to drug markets expected in each community at ``per_100k_year``
        (computed once per value: the population does not change)."""
        return per_100k_year * self.model.communities.population / PER_100K / WEEKS_PER_YEAR

    # -- outputs ---------------------------------------------------------------------------------------------
    @metric("homicides", "deaths/week", "outcome",
            "Deaths by violence this week: territorial contests, dealer disputes, confrontations with "
            "police, extortion and kidnapping, vigilantism, and background homicides.", direction="lower")
    def homicides(self) -> float:
        return float(self.model.log.total("homicide"))

    @metric("homicide_rate", "per 100k/year", "outcome",
            "Homicides this week × 52 per 100,000 residents of the modelled places.", direction="lower")
    def homicide_rate(self) -> float:
        return self.homicides() * self.per_100k_year

    @metric("violent_incidents", "incidents/week", "outcome",
            "Violent incidents (fatal or not): contest incidents, dealer disputes, confrontations, "
            "vigilante attacks.", direction="lower")
    def violent_incidents(self) -> int:
        return int(self.model.log.total("incident"))

    @metric("drug_market_homicides", "deaths/week", "outcome",
            "Homicides caused by the drug market (all but the background).", direction="lower")
    def drug_market_homicides(self) -> float:
        return self.homicides() - self.model.log.total("homicide", "background")

    @metric("territorial_contests", "contests/week", "outcome",
            "Weeks of armed contest between organisations over a place.", direction="lower")
    def territorial_contests_metric(self) -> int:
        return int(self.model.log.total("contest"))

    @metric("street_disputes", "disputes/week", "outcome", "Violent disputes between rival retail dealers.",
            direction="lower")
    def street_disputes(self) -> int:
        return int(self.model.log.total("dispute"))

    @metric("confrontation_deaths", "deaths/week", "outcome",
            "Deaths in armed confrontations between militarised police and organisations.", direction="lower")
    def confrontation_deaths(self) -> int:
        return int(self.model.log.total("homicide", "confrontation"))

    @metric("extortion", "events/week", "outcome", "Extortion and kidnapping events against residents and businesses.",
            direction="lower")
    def extortion_metric(self) -> int:
        return int(self.model.log.total("extortion"))


@compiled
def contest_odds(ends: np.ndarray, controller: np.ndarray, strength: np.ndarray, value_ma: np.ndarray,
                 believed: np.ndarray, person_value: np.ndarray, arms: np.ndarray, state_presence: np.ndarray,
                 control_at: np.ndarray, succession_prizes: np.ndarray, value_motive: bool, hegemony: bool,
                 reference_value: float, lethality_per_armament: float, takeover_incidents: float,
                 attacker_losses: float, vacant_takeover: float, attack_success: float,
                 incidents_per_contest: float, contest_rate: float, presence_effect: float,
                 max_contest_chance: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The week's candidate attacks of :meth:`Violence.territorial_contests` and their odds.

    Of every link both ways (``ends``: rows place attacked from, place attacked), the candidates are
    those whose first place's holder has members there and whose second place another holds, or
    nobody. Returns ``links`` (rows: place attacked from, place attacked, attacker) and the chance
    each is taken without a fight (0 where the place is defended); then, of the defended ones in the
    same order, ``contests`` (rows: place attacked from, place attacked, attacker, defender), the
    chance each is attacked this week, and the lethality of its fight. ``believed`` and
    ``person_value``: :meth:`Violence.unit_costs`; ``arms``: :meth:`Violence.armaments`;
    ``succession_prizes``: :meth:`Violence.succession_prizes`."""
    n_links = ends.shape[1]
    holders = np.full((2, n_links), -1, np.int64)
    stationed = np.zeros((2, n_links), np.int64)  # the holder's members at each end (none where nobody holds)
    candidates = contested = 0
    for i in range(n_links):
        for end in range(2):
            holder = controller[ends[end, i]]
            holders[end, i] = holder
            if holder >= 0:
                stationed[end, i] = strength[holder, ends[end, i]]
        if stationed[0, i] >= 1 and holders[0, i] != holders[1, i]:
            candidates += 1
            if stationed[1, i] >= 1:
                contested += 1
    links = np.empty((3, candidates), np.int64)
    takeover_chance = np.zeros(candidates)
    contests = np.empty((4, contested), np.int64)
    contest_chance = np.empty(contested)
    lethality = np.empty(contested)
    k = c = 0
    for i in range(n_links):
        source, target = ends[0, i], ends[1, i]
        attacker, defender = holders[0, i], holders[1, i]
        if stationed[0, i] < 1 or attacker == defender:
            continue
        links[0, k], links[1, k], links[2, k] = source, target, attacker
        if stationed[1, i] < 1:
            taking = 1.0  # a place nobody holds is simply occupied
            if defender >= 0:  # taking a rival's unguarded place is an attack too: a sure win, a little
                # fighting, maybe an answer
                stake = value_ma[target] if value_motive else reference_value
                losses = (takeover_incidents * min(lethality_per_armament * arms[attacker], 1.0)
                          * attacker_losses)
                cost = (believed[attacker] + losses) * person_value[attacker]
                # chosen on a share gain / (gain + cost) of occasions: a sure gain at no cost always,
                # nothing to gain never
                taking = stake / (stake + cost) if stake + cost > 0.0 else 0.0
            takeover_chance[k] = vacant_takeover * taking
        else:
            prize = reference_value
            if value_motive:
                prize = value_ma[target]
                if len(succession_prizes) and succession_prizes[attacker, defender] > prize:
                    prize = succession_prizes[attacker, defender]
                if prize <= 0.0:  # (as numpy's maximum: 0.0 for -0.0 too)
                    prize = 0.0
            winning = attack_success * (stationed[0, i] / (stationed[0, i] + stationed[1, i]) if hegemony else 0.5)
            fight_lethality = min(lethality_per_armament * ((arms[attacker] + arms[defender]) / 2), 1.0)
            own_losses = incidents_per_contest * fight_lethality * attacker_losses
            gain = winning * prize
            cost = (believed[attacker] + own_losses) * person_value[attacker]
            attacking = gain / (gain + cost) if gain + cost > 0.0 else 0.0
            rate = (contest_rate * attacking * (1.0 - presence_effect * state_presence[target])
                    * control_at[target])
            contests[0, c], contests[1, c], contests[2, c], contests[3, c] = source, target, attacker, defender
            contest_chance[c] = min(rate, max_contest_chance)
            lethality[c] = fight_lethality
            c += 1
        k += 1
    return links, takeover_chance, contests, contest_chance, lethality


@compiled
def dispute_odds(community: np.ndarray, contact: np.ndarray, supplier: np.ndarray, violence: np.ndarray,
                 has_record: np.ndarray, certainty: np.ndarray, sales: np.ndarray, control: np.ndarray,
                 civilian_firearms: np.ndarray, arms: np.ndarray, owner: np.ndarray, criminogenic_prison: bool,
                 record_violence: float, reference_sales: float, dispute_rate: float,
                 dispute_lethality: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The week's expected disputes by community of :meth:`Violence.dealer_disputes`, with their
    lethality, each dealer's weight in them, and the weights' sum by community.

    By dealer (active, in slot order): its ``community``, street ``contact``, ``supplier`` (-1 none,
    counted with the first organisation), ``violence`` propensity and criminal record; ``certainty``:
    :meth:`Violence.certainty` by supplier (the last entry: none); by community: street ``sales`` (the
    value at stake), social ``control``, ``civilian_firearms`` and the ``owner`` of its place (-1 none),
    whose armament (``arms``: :meth:`Violence.armaments`) is at hand where it is higher."""
    n, width = len(sales), len(certainty)
    contact_by_org = np.zeros((n, width))
    for i in range(len(community)):  # added in dealer order, as bincount adds
        contact_by_org[community[i], max(supplier[i], 0)] += contact[i]
    total, rivalry, squares = np.empty(n), np.empty(n), np.empty(width)
    for c in range(n):  # each row summed pairwise, as numpy sums along a row
        for k in range(width):
            squares[k] = contact_by_org[c, k] * contact_by_org[c, k]
        total[c] = pairwise_sum(contact_by_org[c])
        # the chance two buyers on the street are served by rival organisations
        both = total[c] * total[c]
        rivalry[c] = 1.0 - (pairwise_sum(squares) / both if both > 0.0 else 1.0)
    # a dealer who wins takes a share of its rivals' buyers (as a share of its own business: half the
    # rivalry, on average); an answer — its arrest — would cost it all of its own business
    weight, weight_by_community = np.empty(len(community)), np.zeros(n)
    for i in range(len(community)):
        gain = 0.5 * rivalry[community[i]]
        answered = certainty[supplier[i] if supplier[i] >= 0 else width - 1]
        escalating = gain / (gain + answered) if gain + answered > 0.0 else 0.0  # as an attack is chosen
        propensity = violence[i] * (1.0 + (record_violence if criminogenic_prison and has_record[i] else 0.0))
        weight[i] = propensity * escalating * contact[i]
        weight_by_community[community[i]] += weight[i]
    rate, lethality = np.empty(n), np.empty(n)
    for c in range(n):
        mean_propensity = weight_by_community[c] / total[c] if total[c] > 0.0 else 0.0
        rate[c] = dispute_rate * (sales[c] * rivalry[c]) / reference_sales * mean_propensity * control[c]
        armament = arms[owner[c] if owner[c] >= 0 else len(arms) - 1]
        firearms = civilian_firearms[c] if civilian_firearms[c] > armament else armament  # (numpy's maximum)
        lethality[c] = min(dispute_lethality * firearms, 1.0)
    return rate, lethality, weight, weight_by_community


@compiled
def dispute_involvement(community: np.ndarray, supplier: np.ndarray, weight: np.ndarray,
                        weight_by_community: np.ndarray, disputes: np.ndarray, uniforms: np.ndarray,
                        ids: np.ndarray, org_disputes: np.ndarray, violence_score: np.ndarray) -> np.ndarray:
    """Which dealers (by position among the active) are involved in this week's ``disputes`` by
    community: each with the chance its share of the community's ``weight`` gives (two dealers a
    dispute), against its ``uniforms`` draw. Their organisations' ``org_disputes`` and
    ``violence_score`` (by id, for the organisations ``ids`` alive) count them."""
    involved = np.zeros(len(community), np.bool_)
    by_supplier = np.zeros(len(org_disputes) + 1, np.int64)  # shifted by one: -1, none, first
    for i in range(len(community)):
        share = weight[i] / weight_by_community[community[i]] if weight[i] > 0.0 else 0.0
        if uniforms[i] < min(1.0, DEALERS_PER_DISPUTE * disputes[community[i]] * share):
            involved[i] = True
            by_supplier[supplier[i] + 1] += 1
    for org_id in ids:
        org_disputes[org_id] += by_supplier[org_id + 1]
        violence_score[org_id] += by_supplier[org_id + 1]
    return involved


@compiled
def borders_and_acts(links: np.ndarray, controller: np.ndarray, ids: np.ndarray, bound: int, attacks: np.ndarray,
                     disputes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`Violence.learn`'s evidence of the organisations ``ids`` (below ``bound``), rows and columns
    in their order: which border which (1: they hold the two ends of a link, rows 0 and 1 of ``links``,
    by ``controller``) and each one's violent acts (its ``attacks`` and its dealers' ``disputes``)."""
    row = np.full(bound + 1, -1, np.int64)  # the last entry: places nobody holds
    for k in range(len(ids)):
        row[ids[k]] = k
    bordering = np.zeros((len(ids), len(ids)))
    for link in range(links.shape[1]):
        a, c = row[controller[links[0, link]]], row[controller[links[1, link]]]
        if a >= 0 and c >= 0 and a != c:
            bordering[a, c] = bordering[c, a] = 1.0
    acts = np.empty(len(ids))
    for k in range(len(ids)):
        acts[k] = attacks[ids[k]] + disputes[ids[k]]
    return bordering, acts


@compiled
def values_per_person(supplier: np.ndarray, active: np.ndarray, ids: np.ndarray, strength: np.ndarray,
                      revenue_ma: np.ndarray, bound: int) -> np.ndarray:
    """:meth:`Violence.person_values`: by organisation id below ``bound`` (the last entry: none, 0), its
    revenue (``revenue_ma``, none below 0) over its people, the dealers it supplies (``supplier`` of
    the ``active`` dealer slots) and its members (``strength``, by place); for the organisations
    ``ids`` alive, 0 for the others."""
    people = np.zeros(bound + 1)
    for slot in active:
        if 0 <= supplier[slot] <= bound:
            people[supplier[slot]] += 1.0
    for org_id in ids:
        members = 0
        for place in range(strength.shape[1]):
            members += strength[org_id, place]
        people[org_id] += members
    values = np.zeros(bound + 1)
    for org_id in ids:
        revenue = revenue_ma[org_id] if revenue_ma[org_id] > 0.0 else 0.0  # (numpy's maximum: 0.0 for -0.0)
        if people[org_id] > 0.0:
            values[org_id] = revenue / people[org_id]
    return values


@compiled
def value_at_stake(value_ma: np.ndarray, stake: np.ndarray, community_place: np.ndarray,
                   street_sales: np.ndarray, memory: float) -> np.ndarray:
    """:meth:`Violence.update_value_at_stake`: the moving average ``value_ma`` moved ``memory`` of the way
    to this week's ``stake`` at each place (transit and farm sales), with the street sales of each
    community added at its place (``community_place``: distinct)."""
    week = stake.copy()
    for c in range(len(community_place)):
        week[community_place[c]] += street_sales[c]
    moved = np.empty(len(value_ma))
    for place in range(len(value_ma)):
        moved[place] = value_ma[place] + memory * (week[place] - value_ma[place])
    return moved


@compiled
def extortion_rates(owner: np.ndarray, extorting: np.ndarray, businesses: np.ndarray, state_presence: np.ndarray,
                    control: np.ndarray, background_extortion: float, presence_effect: float,
                    extortion_rate: float) -> np.ndarray:
    """Extortion events expected this week in each community (:meth:`Violence.extortion`): the
    businesses not shielded by the state's presence, at full intensity where the ``owner`` of its place
    has turned to extortion (``extorting``, by id), at the background intensity where it has not, none
    where nobody holds it (-1); times social ``control``."""
    rates = np.empty(len(owner))
    for c in range(len(owner)):
        intensity = 0.0 if owner[c] < 0 else 1.0 if extorting[owner[c]] else background_extortion
        exposed = businesses[c] * (1.0 - presence_effect * state_presence[c])
        rates[c] = extortion_rate * exposed * intensity * control[c]
    return rates


@compiled
def extortion_takes(owner: np.ndarray, events: np.ndarray, ids: np.ndarray, bound: int, take: float) -> np.ndarray:
    """USD each of the organisations ``ids`` (below ``bound``) takes this week: ``take`` per extortion
    event in the communities whose place it holds (``owner``, -1 nobody; ``events`` added in community
    order, as bincount adds)."""
    by_owner = np.zeros(bound + 1)  # shifted by one: the places nobody holds, -1, fall in the first entry
    for c in range(len(owner)):
        by_owner[owner[c] + 1] += events[c]
    takes = np.empty(len(ids))
    for k in range(len(ids)):
        takes[k] = by_owner[ids[k] + 1] * take
    return takes


@compiled
def vigilante_rates(trust: np.ndarray, extortion_ma: np.ndarray, vigilante_trust: float,
                    vigilante_extortion: float, vigilantism: float) -> np.ndarray:
    """Vigilante incidents expected this week in each community (:meth:`Violence.vigilantism`): the
    pressure of low trust (below ``vigilante_trust``) times that of heavy extortion (toward
    ``vigilante_extortion`` a week), each 0-1."""
    rates = np.empty(len(trust))
    for c in range(len(trust)):
        distrust, extorted = 1.0 - trust[c] / vigilante_trust, extortion_ma[c] / vigilante_extortion
        # (each between 0 and 1 as numpy's maximum, then minimum, bound it: 0.0 for -0.0)
        distrust = min(0.0 if distrust <= 0.0 else distrust, 1.0)
        extorted = min(0.0 if extorted <= 0.0 else extorted, 1.0)
        rates[c] = vigilantism * (distrust * extorted)
    return rates


@compiled
def fading_violence(violence_ma: np.ndarray, homicides: np.ndarray, ids: np.ndarray, violence_score: np.ndarray,
                    attacks: np.ndarray, attacks_ma: np.ndarray, disputes: np.ndarray, disputes_ma: np.ndarray,
                    memory: float) -> np.ndarray:
    """The end of :meth:`Violence.step`: the organisations' (``ids``) violence scores fade by the share
    ``memory``, and their attacks and disputes this week move their moving averages (written in place);
    returns the homicides' moving average by place moved toward this week's ``homicides``."""
    for org_id in ids:
        violence_score[org_id] *= 1 - memory
        attacks_ma[org_id] = attacks_ma[org_id] + memory * (attacks[org_id] - attacks_ma[org_id])
        disputes_ma[org_id] = disputes_ma[org_id] + memory * (disputes[org_id] - disputes_ma[org_id])
    moved = np.empty(len(violence_ma))
    for place in range(len(violence_ma)):
        moved[place] = violence_ma[place] + memory * (homicides[place] - violence_ma[place])
    return moved


def social_control(v: ViolenceParams, trust: np.ndarray) -> np.ndarray:
    """Violence multiplier from residents' willingness to report and intervene (collective
    efficacy): 1 at the reference trust, lower where trust is higher."""
    return np.exp(-v.social_control * (trust - v.reference_trust))
