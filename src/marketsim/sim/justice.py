"""Justice: sentencing, diversion, prison, release and re-offending (stage 6).

Arrested people are diverted (alternatives to incarceration, decriminalised possession),
given a non-custodial sentence, or imprisoned for a sentence drawn around the mean for their
offence (times the policy's multiplier). Released people re-offend at a weekly hazard that is
higher after prison than after an alternative (prison is criminogenic: Cullen, Jonson & Nagin
2011); their re-incarcerations are tracked for three years.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_100K, ewma, metric

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

CATEGORIES = ("user", "dealer", "trafficker", "leader", "violent", "reoffence")
"""Offences the courts sentence: the arrests police make, and re-offending."""
HORIZON = 8192      # weeks of future releases kept (longer sentences are capped here)
RECORD_WEEKS = 156  # three years: the window in which re-incarceration is counted
SENTENCE_SHAPE = 2.0  # gamma shape of sentence lengths (spread around the mean)
INITIAL_MIX = {"user": 0.15, "dealer": 0.35, "trafficker": 0.1, "violent": 0.2, "reoffence": 0.2}
"""Composition of the starting prison population (assumption: about half drug offences)."""


class JusticeSystem:
    """Courts and prisons: who is inside, when they leave, and who comes back."""

    def __init__(self, model: DrugMarketModel):
        """Start with a prison population already serving sentences, and recent releases."""
        self.model = model
        self.releases = np.zeros((HORIZON, len(CATEGORIES)), dtype=np.int64)  # ring buffer of release weeks
        self.prison = np.zeros(len(CATEGORIES), dtype=np.int64)  # people inside, by offence
        self.after_prison = np.zeros(RECORD_WEEKS)       # released k weeks ago, not back inside
        self.after_alternative = np.zeros(RECORD_WEEKS)  # sentenced to an alternative k weeks ago
        self.hazard = model.p.justice.reoffend_after_prison  # re-offending hazard, moving average
        self.reoffenders = 0                             # re-arrested this week
        communities = model.communities
        total = round(model.p.justice.initial_prison_rate * communities.population.sum() / PER_100K)
        counts = model.rng.multinomial(total, list(INITIAL_MIX.values()))
        released_per_week = 0.0
        for category, count in zip(INITIAL_MIX, counts.tolist(), strict=True):
            mean = self.sentence_mean(category)
            # people part-way through their sentences: uniform remaining time
            remaining = model.rng.uniform(0, 2 * mean, size=count)
            slots = np.clip(np.round(remaining), 1, HORIZON - 1).astype(np.int64) % HORIZON
            np.add.at(self.releases[:, CATEGORIES.index(category)], slots, 1)
            self.prison[CATEGORIES.index(category)] += count
            released_per_week += count / mean
        self.after_prison = released_per_week * (1 - self.hazard) ** np.arange(RECORD_WEEKS)
        share = communities.population / communities.population.sum()
        communities.prison = np.round(share * total).astype(np.int64)
        communities.record = np.round(share * self.after_prison.sum() * 3).astype(np.int64)
        communities.non_users -= communities.prison

    def sentence_mean(self, category: str) -> float:
        """Mean weeks served for an offence, including the policy's multiplier."""
        j, multiplier = self.model.p.justice, self.model.p.policy.sentence_multiplier
        base = {"user": j.sentence_user, "dealer": j.sentence_dealer, "trafficker": j.sentence_trafficker,
                "leader": 2 * j.sentence_trafficker, "violent": j.sentence_violent,
                "reoffence": j.sentence_dealer}[category]
        return base * multiplier

    def admit(self, category: str, count: int) -> None:
        """Imprison ``count`` people; their release weeks go into the ring buffer."""
        if count <= 0:
            return
        mean = self.sentence_mean(category)
        weeks = self.model.rng.gamma(SENTENCE_SHAPE, mean / SENTENCE_SHAPE, size=count)
        weeks = np.clip(np.round(weeks), 1, HORIZON - 1).astype(np.int64)
        slots = (self.model.steps + weeks) % HORIZON
        np.add.at(self.releases[:, CATEGORIES.index(category)], slots, 1)
        self.prison[CATEGORIES.index(category)] += count

    @property
    def population(self) -> int:
        """People in prison."""
        return int(self.prison.sum())

    # -- the weekly rule: stage 6, justice ---------------------------------------------------------------
    def step(self) -> None:
        """Stage 6 — justice: releases, re-offending, then sentencing of this week's arrests."""
        self.release()
        self.reoffend()
        self.sentence()

    def release(self) -> None:
        """People whose sentences end go home with a record."""
        model = self.model
        communities, week = model.communities, model.steps
        due = self.releases[week % HORIZON].copy()
        self.releases[week % HORIZON] = 0
        self.prison -= due
        released = int(due.sum())
        self.after_prison = np.roll(self.after_prison, 1)
        self.after_alternative = np.roll(self.after_alternative, 1)
        self.after_prison[0] = released
        self.after_alternative[0] = 0
        if released and communities.prison.sum() > 0:
            back = model.rng.multinomial(min(released, int(communities.prison.sum())),
                                         communities.prison / communities.prison.sum())
            back = np.minimum(back, communities.prison)
            communities.prison -= back
            communities.non_users += back
            communities.record += back
        communities.record -= model.rng.binomial(communities.record, 0.002)  # records age out, people move away

    def reoffend(self) -> None:
        """People released or sentenced in the past three years re-offend at a weekly hazard; they are
        re-arrested and go back through sentencing."""
        j, rng = self.model.p.justice, self.model.rng
        back_prison = rng.binomial(np.round(self.after_prison).astype(np.int64), j.reoffend_after_prison)
        back_alt = rng.binomial(np.round(self.after_alternative).astype(np.int64), j.reoffend_after_alternative)
        self.after_prison = np.maximum(self.after_prison - back_prison, 0)
        self.after_alternative = np.maximum(self.after_alternative - back_alt, 0)
        self.reoffenders = int(back_prison.sum() + back_alt.sum())
        at_risk = self.after_prison.sum() + self.after_alternative.sum()
        self.hazard = ewma(self.hazard, self.reoffenders / max(at_risk, 1.0), 0.05)
        self.model.log.record("reoffence", self.reoffenders)

    def sentence(self) -> None:
        """Divert, fine or imprison this week's arrestees."""
        model = self.model
        j, policy, rng, log = model.p.justice, model.p.policy, model.rng, model.log
        custody = {"user": j.custody_user, "dealer": j.custody_dealer, "trafficker": j.custody_trafficker,
                   "leader": j.custody_trafficker, "violent": j.custody_violent, "reoffence": j.custody_dealer}
        diversion = {"user": policy.user_diversion, "dealer": policy.dealer_diversion,
                     "reoffence": policy.dealer_diversion}
        for category in CATEGORIES:
            arrested = self.reoffenders if category == "reoffence" else int(log.total("arrest", category))
            if arrested <= 0:
                continue
            diverted = rng.binomial(arrested, diversion.get(category, 0.0))
            chance = min(1.0, custody[category] * policy.custody_multiplier)
            jailed = rng.binomial(arrested - diverted, chance)
            alternative = arrested - jailed
            log.record("diversion", int(diverted), detail=category)
            self.after_alternative[0] += alternative
            self.admit(category, int(jailed))
            log.record("incarceration", int(jailed), detail=category)
            if category == "user":
                self.jail_users(int(jailed), int(diverted))
            else:
                self.move_to_prison(int(jailed))

    def jail_users(self, jailed: int, diverted: int) -> None:
        """Users leave their communities' user compartments for prison; diverted dependent users
        are referred to treatment."""
        model = self.model
        communities, rng = model.communities, model.rng
        caught = model.log.by_place("arrest", "user")[communities.place].astype(np.int64)
        if caught.sum() == 0:
            return
        share = caught / caught.sum()
        jailed_by = np.minimum(rng.multinomial(jailed, share), caught)
        users = communities.users
        dependent_share = np.divide(communities.dependent, users, out=np.zeros(len(share)), where=users > 0)
        dependent = np.minimum(rng.binomial(jailed_by, dependent_share), communities.dependent)
        occasional = np.minimum(jailed_by - dependent, communities.occasional)
        communities.dependent -= dependent
        communities.occasional -= occasional
        communities.prison += dependent + occasional
        if diverted:
            referred = rng.multinomial(diverted, share)
            communities.referrals += rng.binomial(referred, dependent_share)

    def move_to_prison(self, count: int) -> None:
        """People who were not counted as users leave their communities for prison."""
        if count <= 0:
            return
        communities = self.model.communities
        weights = communities.non_users * (0.5 + communities.deprivation)
        moved = np.minimum(self.model.rng.multinomial(count, weights / weights.sum()), communities.non_users)
        communities.non_users -= moved
        communities.prison += moved

    # -- outputs ------------------------------------------------------------------------------------------------
    @metric("incarcerations", "people/week", "outcome", "Admissions to prison this week.")
    def incarcerations(self) -> int:
        return int(self.model.log.total("incarceration"))

    @metric("prison_population", "people", "outcome", "People in prison at the end of the week.")
    def prison_population(self) -> int:
        return self.population

    @metric("prison_rate", "per 100k", "outcome", "Prison population per 100,000 residents.")
    def prison_rate(self) -> float:
        return self.population / float(self.model.communities.population.sum()) * PER_100K

    @metric("reincarcerations", "people/week", "outcome",
            "Prison admissions of people released or sentenced within the past 3 years.")
    def reincarcerations(self) -> int:
        return int(self.model.log.total("incarceration", "reoffence"))

    @metric("recidivism_3y", "share", "outcome",
            "Share of people released or sentenced who would re-offend within 3 years at this week's "
            "re-offending hazard (1 − (1 − h)^156).")
    def recidivism_3y(self) -> float:
        return 1 - (1 - self.hazard) ** RECORD_WEEKS

    @metric("diversions", "people/week", "outcome",
            "Arrested people given an alternative to prosecution or prison (treatment, fine, community sentence).")
    def diversions(self) -> int:
        return int(self.model.log.total("diversion"))

    @metric("incarceration_cost", "USD/week", "cost", "Prison population × weekly cost per prisoner.")
    def incarceration_cost(self) -> float:
        return self.population * self.model.p.justice.prison_cost_week
