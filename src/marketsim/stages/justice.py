"""Stage 6 — justice: sentencing, diversion, prison, release and re-offending.

Arrested people are diverted (alternatives to incarceration, decriminalised possession),
given a non-custodial sentence, or imprisoned for a sentence drawn around the mean for their
offence (times the policy's multiplier). Released people re-offend at a weekly hazard that is
higher after prison than after an alternative (prison is criminogenic: Cullen, Jonson & Nagin
2011); their re-incarcerations are tracked for three years.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from marketsim.stages.common import ewma

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

CATEGORIES = ("user", "dealer", "trafficker", "leader", "violent", "reoffence")
HORIZON = 8192      # weeks of future releases kept (longer sentences are capped here)
RECORD_WEEKS = 156  # three years: the window in which re-incarceration is counted
SENTENCE_SHAPE = 2.0  # gamma shape of sentence lengths (spread around the mean)
INITIAL_MIX = {"user": 0.15, "dealer": 0.35, "trafficker": 0.1, "violent": 0.2, "reoffence": 0.2}
"""Composition of the starting prison population (assumption: about half drug offences)."""


class JusticeSystem:
    """Courts and prisons: who is inside, when they leave, and who comes back."""

    def __init__(self, model: DrugMarketModel):
        self.model = model
        self.releases = np.zeros((HORIZON, len(CATEGORIES)), dtype=np.int64)
        self.prison = np.zeros(len(CATEGORIES), dtype=np.int64)
        self.after_prison = np.zeros(RECORD_WEEKS)       # released k weeks ago, not back inside
        self.after_alternative = np.zeros(RECORD_WEEKS)  # sentenced to an alternative k weeks ago
        self.hazard = model.p.justice.reoffend_after_prison
        self._fill_initial_prison()

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

    def _fill_initial_prison(self) -> None:
        """Start with a prison population already serving sentences, and recent releases."""
        model = self.model
        table = model.communities
        total = round(model.p.justice.initial_prison_rate * table.population.sum() / 1e5)
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
        share = table.population / table.population.sum()
        table.prison = np.round(share * total).astype(np.int64)
        table.record = np.round(share * self.after_prison.sum() * 3).astype(np.int64)
        table.non_users -= table.prison


def run(model: DrugMarketModel) -> None:
    """Run the justice stage for one week."""
    release(model)
    reoffend(model)
    sentence(model)


def release(model: DrugMarketModel) -> None:
    """People whose sentences end go home with a record."""
    justice, table, week = model.justice, model.communities, model.steps
    due = justice.releases[week % HORIZON].copy()
    justice.releases[week % HORIZON] = 0
    justice.prison -= due
    released = int(due.sum())
    justice.after_prison = np.roll(justice.after_prison, 1)
    justice.after_alternative = np.roll(justice.after_alternative, 1)
    justice.after_prison[0] = released
    justice.after_alternative[0] = 0
    if released and table.prison.sum() > 0:
        back = model.rng.multinomial(min(released, int(table.prison.sum())), table.prison / table.prison.sum())
        back = np.minimum(back, table.prison)
        table.prison -= back
        table.non_users += back
        table.record += back
    table.record -= model.rng.binomial(table.record, 0.002)  # records age out, people move away


def reoffend(model: DrugMarketModel) -> None:
    """People released or sentenced in the past three years re-offend at a weekly hazard; they are
    re-arrested and go back through sentencing."""
    j, justice, rng = model.p.justice, model.justice, model.rng
    back_prison = rng.binomial(np.round(justice.after_prison).astype(np.int64), j.reoffend_after_prison)
    back_alt = rng.binomial(np.round(justice.after_alternative).astype(np.int64), j.reoffend_after_alternative)
    justice.after_prison = np.maximum(justice.after_prison - back_prison, 0)
    justice.after_alternative = np.maximum(justice.after_alternative - back_alt, 0)
    count = int(back_prison.sum() + back_alt.sum())
    at_risk = justice.after_prison.sum() + justice.after_alternative.sum()
    justice.hazard = ewma(justice.hazard, count / max(at_risk, 1.0), 0.05)
    model.tally.arrested["reoffence"] += count


def sentence(model: DrugMarketModel) -> None:
    """Divert, fine or imprison this week's arrestees."""
    j, policy, tally, rng, justice = model.p.justice, model.p.policy, model.tally, model.rng, model.justice
    custody = {"user": j.custody_user, "dealer": j.custody_dealer, "trafficker": j.custody_trafficker,
               "leader": j.custody_trafficker, "violent": j.custody_violent, "reoffence": j.custody_dealer}
    diversion = {"user": policy.user_diversion, "dealer": policy.dealer_diversion,
                 "reoffence": policy.dealer_diversion}
    for category, arrested in tally.arrested.items():
        if arrested <= 0:
            continue
        diverted = rng.binomial(arrested, diversion.get(category, 0.0))
        chance = min(1.0, custody[category] * policy.custody_multiplier)
        jailed = rng.binomial(arrested - diverted, chance)
        alternative = arrested - jailed
        tally.diversions += int(diverted)
        justice.after_alternative[0] += alternative
        justice.admit(category, int(jailed))
        tally.incarcerations += int(jailed)
        if category == "reoffence":
            tally.reincarcerations += int(jailed)
        if category == "user":
            jail_users(model, int(jailed), int(diverted))
        else:
            move_to_prison(model, int(jailed))


def jail_users(model: DrugMarketModel, jailed: int, diverted: int) -> None:
    """Users leave their communities' user compartments for prison; diverted dependent users
    are referred to treatment."""
    table, rng = model.communities, model.rng
    caught = model.tally.user_arrests_by_community
    if caught is None or caught.sum() == 0:
        return
    share = caught / caught.sum()
    jailed_by = np.minimum(rng.multinomial(jailed, share), caught)
    dependent_share = np.divide(table.dependent, table.users, out=np.zeros(len(share)), where=table.users > 0)
    dependent = np.minimum(rng.binomial(jailed_by, dependent_share), table.dependent)
    occasional = np.minimum(jailed_by - dependent, table.occasional)
    table.dependent -= dependent
    table.occasional -= occasional
    table.prison += dependent + occasional
    if diverted:
        referred = rng.multinomial(diverted, share)
        table.referrals += rng.binomial(referred, dependent_share)


def move_to_prison(model: DrugMarketModel, count: int) -> None:
    """People who were not counted as users leave their communities for prison."""
    if count <= 0:
        return
    table = model.communities
    weights = table.non_users * (0.5 + table.deprivation)
    moved = np.minimum(model.rng.multinomial(count, weights / weights.sum()), table.non_users)
    table.non_users -= moved
    table.prison += moved
