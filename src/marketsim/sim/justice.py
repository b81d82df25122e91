"""Justice: sentencing, diversion, prison, release and re-offending.

Arrested people are diverted (alternatives to incarceration, decriminalised possession), given a
non-custodial sentence, or imprisoned for a sentence drawn around the mean for their offence
(times the policy's multiplier). Everyone convicted or diverted re-offends at the same individual
weekly hazard, raised after prison (prison is criminogenic: Cullen, Jonson & Nagin 2011) and
lowered after diversion to treatment (Mitchell et al. 2012). Each week's releases and diversions
are followed for three years, so that recidivism is measured as Pew (2011) measures it: the share
of a cohort back in prison within three years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from marketsim.sim.common import PER_100K, WEEKS_PER_YEAR, compiled, metric, once_per_value, pairwise_sum
from marketsim.sim.subsystem import Subsystem

if TYPE_CHECKING:
    from marketsim.model import DrugMarketModel

CATEGORIES = ("user", "dealer", "trafficker", "leader", "violent", "reoffence")
"""Offences the courts sentence: the arrests police make, and re-offending."""
HORIZON = 8192
"""Weeks of future releases kept (longer sentences are capped here)."""
FOLLOW_UP = 3 * WEEKS_PER_YEAR
"""Three years: the window in which re-imprisonment is counted (Pew 2011)."""
SENTENCE = {"user": "sentence_user", "dealer": "sentence_dealer", "trafficker": "sentence_trafficker",
            "leader": "sentence_leader", "violent": "sentence_violent", "reoffence": "sentence_dealer"}
"""The ``justice`` parameter giving each offence's mean sentence (re-offenders are sentenced as dealers)."""
CUSTODY = {"user": "custody_user", "dealer": "custody_dealer", "trafficker": "custody_trafficker",
           "leader": "custody_trafficker", "violent": "custody_violent", "reoffence": "custody_dealer"}
"""The ``justice`` parameter giving each offence's chance of custody."""
DIVERTED = {"user": "users", "dealer": "dealers", "reoffence": "dealers"}
"""The diversion programme's attribute giving each offence's chance of diversion (other offences: none)."""
PATHS = ("prison", "sentence", "diversion")
"""How a person left the courts: released from prison, a non-custodial sentence, diverted."""
CATEGORY_INDEX = {category: index for index, category in enumerate(CATEGORIES)}
"""Each offence's column of the release ring buffer and of the prison counts."""
REOFFENCE_STREAMS = {path: (f"reoffence_{path}", f"reoffence_diverted_{path}", f"reoffence_jailed_{path}")
                     for path in PATHS}
"""The random streams of each path's re-offending: who is arrested again, diverted, jailed."""
SENTENCING_STREAMS = {category: f"sentencing_{category}" for category in CATEGORIES if category != "reoffence"}
"""The random stream of each offence's sentencing (re-offenders' outcomes are drawn with their cohorts)."""


class Cohorts:
    """People who left the courts by one path, by weeks since they left (the last FOLLOW_UP weeks):
    how many started, how many are still at risk, how many were arrested again, how many went
    (back) to prison. The four counts are rows of a window onto a buffer twice as long: a week's
    ageing moves the window back one column instead of copying it (it is copied once in FOLLOW_UP
    weeks, when it reaches the buffer's start)."""

    def __init__(self) -> None:
        self.buffer = np.zeros((4, 2 * FOLLOW_UP))
        self.start = FOLLOW_UP  # the window's first column: the cohort that left this week
        self.view()

    def view(self) -> None:
        """Point ``counts`` and its four rows at the window."""
        self.counts = self.buffer[:, self.start:self.start + FOLLOW_UP]
        self.started, self.at_risk, self.rearrested, self.imprisoned = self.counts

    def settle(self, per_week: float, survival: np.ndarray) -> None:
        """The steady state: ``per_week`` people left each week, ``survival`` of them (by weeks since
        they left) not yet arrested again."""
        self.started[:] = per_week
        self.at_risk[:] = per_week * survival

    def reoffend(self, back: np.ndarray, rows: np.ndarray, jailed: np.ndarray) -> tuple[int, int]:
        """``back`` people of each cohort were arrested again this week, ``jailed[k]`` of cohort ``rows[k]``
        imprisoned (the others none). Returns how many were arrested again and how many imprisoned."""
        return _count_reoffences(self.at_risk, self.rearrested, self.imprisoned, back, rows, jailed)

    def age(self, arrivals: float) -> Followed:
        """A week passes: every cohort ages one week and ``arrivals`` start. Returns the cohort whose
        follow-up just ended."""
        ended = self.start + FOLLOW_UP - 1
        if self.start == 0:  # the window reached the buffer's start: copy it to the end
            self.buffer[:, FOLLOW_UP:] = self.buffer[:, :FOLLOW_UP]
            self.start = FOLLOW_UP
        self.start -= 1
        started, rearrested, imprisoned = _age(self.buffer, ended, self.start, arrivals)
        self.view()
        return Followed(started, rearrested, imprisoned)


@dataclass(frozen=True)
class Followed:
    """A cohort at the end of its three-year follow-up."""

    started: float = 0.0
    rearrested: float = 0.0
    imprisoned: float = 0.0


@compiled
def _age(buffer: np.ndarray, ended: int, start: int, arrivals: float) -> tuple[float, float, float]:
    """A week of the cohorts' buffer: the cohort in column ``ended`` (started, rearrested, imprisoned)
    is returned, and ``arrivals`` start in column ``start`` (all at risk, none back yet)."""
    started, rearrested, imprisoned = buffer[0, ended], buffer[2, ended], buffer[3, ended]
    buffer[0, start], buffer[1, start], buffer[2, start], buffer[3, start] = arrivals, arrivals, 0.0, 0.0
    return started, rearrested, imprisoned


@compiled
def _whole_people(at_risk: np.ndarray) -> tuple[np.ndarray, bool]:
    """The people at risk of each cohort rounded to whole people (``np.rint``, half to even), and
    whether there is anyone."""
    out = np.empty(len(at_risk), np.int64)
    anyone = False
    for i in range(len(at_risk)):
        out[i] = np.int64(np.rint(at_risk[i]))
        anyone = anyone or out[i] != 0
    return out, anyone


@compiled
def _positive(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the entries of ``counts`` above 0, and those entries, in order: the trials a
    sparse binomial draw is made for."""
    keep = 0
    for i in range(len(counts)):
        keep += counts[i] > 0
    positions, values = np.empty(keep, np.int64), np.empty(keep, np.int64)
    k = 0
    for i in range(len(counts)):
        if counts[i] > 0:
            positions[k] = i
            values[k] = counts[i]
            k += 1
    return positions, values


@compiled
def _count_reoffences(at_risk: np.ndarray, rearrested: np.ndarray, imprisoned: np.ndarray, back: np.ndarray,
                      rows: np.ndarray, jailed: np.ndarray) -> tuple[int, int]:
    """``back`` people of each cohort were arrested again, ``jailed[k]`` of cohort ``rows[k]`` imprisoned:
    the cohorts' counts are updated (at risk no lower than 0) and the totals returned."""
    back_total = 0
    for i in range(len(back)):
        left = at_risk[i] - back[i]
        at_risk[i] = 0.0 if left <= 0.0 else left  # (np.maximum(left, 0): a NaN stays, a -0.0 becomes 0.0)
        rearrested[i] += back[i]
        back_total += back[i]
    jailed_total = 0
    for k in range(len(rows)):
        imprisoned[rows[k]] += jailed[k]
        jailed_total += jailed[k]
    return back_total, jailed_total


@compiled
def _book_sentences(releases: np.ndarray, prison: np.ndarray, columns: np.ndarray, counts: np.ndarray,
                    scales: np.ndarray, variates: np.ndarray, week: int) -> None:
    """``counts[c]`` people imprisoned for the offence of column ``columns[c]``, one after another: each
    serves ``scales[c]`` × its standard gamma variate (in ``variates``, offence after offence) rounded to
    whole weeks (half to even, as np.round) and kept within 1 and HORIZON - 1; they are counted in
    ``prison`` and in the ring buffer ``releases`` at the week they leave."""
    k = 0
    for c in range(len(columns)):
        column = columns[c]
        for _ in range(counts[c]):
            weeks = min(max(np.rint(scales[c] * variates[k]), 1.0), HORIZON - 1.0)
            releases[(week + np.int64(weeks)) % HORIZON, column] += 1
            k += 1
        prison[column] += counts[c]


@compiled
def _release_due(releases: np.ndarray, prison: np.ndarray, row: int) -> int:
    """The people due for release in ring-buffer row ``row`` leave prison (the row is emptied):
    returns how many."""
    released = 0
    for column in range(releases.shape[1]):
        due = releases[row, column]
        releases[row, column] = 0
        prison[column] -= due
        released += due
    return released


@compiled
def _users_caught(caught_at_place: np.ndarray, place: np.ndarray, dependent: np.ndarray,
                  occasional: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Users arrested in each community (community ``c`` at ``place[c]``), each community's share of
    them, and the share of each community's users who are dependent (0 where none use). The shares
    are empty when nobody was arrested."""
    n = len(place)
    caught = np.empty(n, np.int64)
    total = 0
    for c in range(n):
        caught[c] = np.int64(caught_at_place[place[c]])
        total += caught[c]
    if total == 0:
        return caught, np.empty(0), np.empty(0)
    share, dependent_share = np.empty(n), np.zeros(n)
    for c in range(n):
        share[c] = caught[c] / total
        users = occasional[c] + dependent[c]
        if users > 0:
            dependent_share[c] = dependent[c] / users
    return caught, share, dependent_share


@compiled
def _jailed_users(drawn_dependent: np.ndarray, jailed: np.ndarray, dependent: np.ndarray,
                  occasional: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of the ``jailed`` users of each community, the dependent (``drawn_dependent``, at most the
    community's dependent users) and the occasional (the rest, at most its occasional users)."""
    n = len(jailed)
    jailed_dependent, jailed_occasional = np.empty(n, np.int64), np.empty(n, np.int64)
    for c in range(n):
        jailed_dependent[c] = min(drawn_dependent[c], dependent[c])
        jailed_occasional[c] = min(jailed[c] - jailed_dependent[c], occasional[c])
    return jailed_dependent, jailed_occasional


@compiled
def _tilted_shares(residents: np.ndarray, tilt: np.ndarray) -> np.ndarray:
    """Each community's share of ``residents × tilt`` (the total summed pairwise, as numpy sums)."""
    weights = np.empty(len(residents))
    for c in range(len(residents)):
        weights[c] = residents[c] * tilt[c]
    total = pairwise_sum(weights)
    for c in range(len(residents)):
        weights[c] /= total
    return weights


class JusticeSystem(Subsystem):
    """Courts and prisons: who is inside, when they leave, and who comes back."""

    name = "justice"
    needs = ("communities", "interventions")

    def __init__(self, model: DrugMarketModel):
        """Start with a prison population already serving sentences, and people recently released."""
        self.attach(model)
        j = model.p.justice
        self.releases = np.zeros((HORIZON, len(CATEGORIES)), dtype=np.int64)  # ring buffer of release weeks
        self.prison = np.zeros(len(CATEGORIES), dtype=np.int64)  # people inside, by offence
        self.cohorts = {path: Cohorts() for path in PATHS}
        self.leaving = dict.fromkeys(PATHS, 0.0)  # people leaving the courts by each path this week
        self.ended = {path: Followed() for path in PATHS}  # the cohort whose follow-up ended this week
        self.reoffenders = 0                        # re-arrested this week
        self.reoffenders_jailed = 0
        self.reoffenders_diverted = 0
        communities = model.communities
        total = round(j.initial_prison_rate * communities.population.sum() / PER_100K)
        mix = {"user": j.initial_users, "dealer": j.initial_dealers, "trafficker": j.initial_traffickers,
               "violent": j.initial_violent}
        mix["reoffence"] = max(1 - sum(mix.values()), 0.0)
        counts = self.draws.initial_offences.multinomial(total, np.array(list(mix.values())) / sum(mix.values()))
        released_per_week = 0.0
        for category, count in zip(mix, counts.tolist(), strict=True):
            mean = self.sentence_mean(category)
            # people part-way through their sentences: time left uniform, justice.initial_time_left on average
            remaining = self.draws.initial_sentences.uniform(0, 2 * j.initial_time_left * mean, size=count)
            slots = np.clip(np.round(remaining), 1, HORIZON - 1).astype(np.int64) % HORIZON
            np.add.at(self.releases[:, CATEGORIES.index(category)], slots, 1)
            self.prison[CATEGORIES.index(category)] += count
            released_per_week += count / mean
        survival = (1 - self.hazard("prison")) ** np.arange(FOLLOW_UP)
        prison = self.cohorts["prison"]
        prison.settle(released_per_week, survival)
        share = communities.population / communities.population.sum()
        communities.start_sentences(np.minimum(np.round(share * total).astype(np.int64), communities.non_users),
                                    np.round(share * prison.at_risk.sum() * j.initial_record_ratio).astype(np.int64))

    def hazard(self, path: str) -> float:
        """Weekly chance a person who left the courts by ``path`` is arrested again."""
        j, mechanisms = self.model.p.justice, self.model.p.mechanisms
        if path == "prison" and mechanisms.criminogenic_prison:
            return min(j.reoffend_base * (1 + j.prison_effect), 1.0)
        if path == "diversion" and mechanisms.treatment_diversion:
            return j.reoffend_base * (1 - j.treatment_effect)
        return j.reoffend_base

    def sentence_mean(self, category: str) -> float:
        """Mean weeks served for an offence, including the policy's multiplier."""
        multiplier = self.model.interventions.programme("sentencing").length
        return getattr(self.model.p.justice, SENTENCE[category]) * multiplier

    def outcome_chances(self, category: str) -> tuple[float, float]:
        """Chance an arrested person is diverted, and chance a person not diverted is imprisoned."""
        interventions = self.model.interventions
        custody = getattr(self.model.p.justice, CUSTODY[category]) * interventions.programme("sentencing").custody
        diverted = DIVERTED.get(category)
        return (getattr(interventions.programme("diversion"), diverted) if diverted else 0.0), min(1.0, custody)

    def admit(self, admitted: dict[str, int]) -> None:
        """Imprison ``admitted[category]`` people for each offence; their release weeks go into the ring
        buffer. The sentences are drawn in one call, offence after offence, as the standard gamma
        variates numpy's gamma(shape, scale) multiplies by its scale: the same numbers as one gamma
        call per offence, without the cost of passing an array of scales."""
        admitted = {category: count for category, count in admitted.items() if count > 0}
        if not admitted:
            return
        shape = self.model.p.justice.sentence_shape
        counts = np.array(list(admitted.values()), dtype=np.int64)
        scales = np.array([self.sentence_mean(category) / shape for category in admitted])
        variates = self.draws.sentences.standard_gamma(shape, size=int(counts.sum()))
        columns = np.array([CATEGORY_INDEX[category] for category in admitted], dtype=np.int64)
        _book_sentences(self.releases, self.prison, columns, counts, scales, variates, self.model.steps)

    @property
    def population(self) -> int:
        """People in prison."""
        return int(self.prison.sum())

    # -- weekly rules (placed in the step by marketsim.model.STAGES) ----------------------------------------
    def step(self) -> None:
        """Justice: releases, re-offending, sentencing of this week's arrests; then every
        cohort ages a week."""
        self.leaving = dict.fromkeys(PATHS, 0.0)
        self.release()
        self.reoffend()
        self.sentence()
        for path in PATHS:
            self.ended[path] = self.cohorts[path].age(self.leaving[path])

    def release(self) -> None:
        """People whose sentences end go home with a record."""
        model = self.model
        communities, week = model.communities, model.steps
        released = int(_release_due(self.releases, self.prison, week % HORIZON))
        self.leaving["prison"] += released
        inside = communities.prison.sum()
        if released and inside > 0:
            back = self.draws.release_home.multinomial(min(released, int(inside)), communities.prison / inside)
            communities.release(np.minimum(back, communities.prison))
        communities.expire_records(self.draws.record_expiry.binomial(communities.record, model.p.justice.record_expiry))

    def reoffend(self) -> None:
        """People released, sentenced or diverted in the past three years re-offend at their path's
        hazard; they are re-arrested and sentenced again, and their cohort counts whether they went
        (back) to prison."""
        rng = self.draws
        diverted_chance, jail_chance = self.outcome_chances("reoffence")
        self.reoffenders = self.reoffenders_jailed = self.reoffenders_diverted = 0
        for path, (arrests, diversions, jailings) in REOFFENCE_STREAMS.items():
            cohorts = self.cohorts[path]
            at_risk, anyone = _whole_people(cohorts.at_risk)
            if not anyone:  # nobody followed by this path (a draw of 0 trials uses no random numbers)
                continue
            back = getattr(rng, arrests).binomial(at_risk, self.hazard(path))
            # few cohorts have anyone back: the diversions and jailings are drawn only for those (a draw of
            # 0 trials uses no random numbers); without diversion nobody is diverted (a chance of 0 draws nothing)
            rows, tried = _positive(back)  # (the cohorts with anyone back, and how many)
            if diverted_chance > 0 and len(rows):
                diverted = getattr(rng, diversions).binomial(tried, diverted_chance)
                self.reoffenders_diverted += int(diverted.sum())
                kept, tried = _positive(tried - diverted)
                rows = rows[kept]
            jailed = getattr(rng, jailings).binomial(tried, jail_chance) if len(rows) else tried
            back_total, jailed_total = cohorts.reoffend(back, rows, jailed)
            self.reoffenders += int(back_total)
            self.reoffenders_jailed += int(jailed_total)
        self.model.log.record("reoffence", self.reoffenders)

    def sentence(self) -> None:
        """Divert, fine or imprison this week's arrestees (re-offenders' outcomes are drawn with
        their cohorts); the sentences of those imprisoned are drawn together at the end."""
        model = self.model
        log = model.log
        admitted = {}
        jailed_residents = []  # the prisoners of each offence but possession, in offence order
        for category in CATEGORIES:
            if category == "reoffence":
                arrested, diverted, jailed = self.reoffenders, self.reoffenders_diverted, self.reoffenders_jailed
            else:
                arrested = int(log.total("arrest", category))
                if arrested <= 0:
                    continue
                diverted_chance, jail_chance = self.outcome_chances(category)
                rng = getattr(self.draws, SENTENCING_STREAMS[category])
                # (without diversion none is diverted: a chance of 0 uses no random numbers)
                diverted = int(rng.binomial(arrested, diverted_chance)) if diverted_chance > 0 else 0
                jailed = int(rng.binomial(arrested - diverted, jail_chance))
            if arrested <= 0:
                continue
            log.record("diversion", diverted, detail=category)
            self.leaving["diversion"] += diverted
            self.leaving["sentence"] += arrested - diverted - jailed
            admitted[category] = jailed
            log.record("incarceration", jailed, detail=category)
            if category == "user":
                self.jail_users(jailed, diverted)
            elif jailed > 0:
                jailed_residents.append(jailed)
        self.move_to_prison(jailed_residents)
        self.admit(admitted)

    def jail_users(self, jailed: int, diverted: int) -> None:
        """Users leave their communities' user compartments for prison; diverted dependent users
        are referred to treatment."""
        model = self.model
        communities, rng = model.communities, self.draws
        caught, share, dependent_share = _users_caught(model.log.by_place("arrest", "user"), communities.place,
                                                       communities.dependent, communities.occasional)
        if len(share) == 0:
            return
        jailed_by = np.minimum(rng.jailed_users.multinomial(jailed, share), caught)
        communities.imprison_users(*_jailed_users(rng.jailed_dependent.binomial(jailed_by, dependent_share),
                                                  jailed_by, communities.dependent, communities.occasional))
        if diverted:
            referred = rng.referred_users.multinomial(diverted, share)
            communities.refer(rng.referred_dependent.binomial(referred, dependent_share))

    def move_to_prison(self, counts: list[int]) -> None:
        """People who were not counted as users leave their communities for prison, more often
        from deprived places: ``counts`` of each offence (each > 0), one offence after another (each
        drawn from the residents the previous ones left)."""
        if not counts:
            return
        communities, rng = self.model.communities, self.draws.jailed_residents
        tilt = self.deprivation_tilt(self.model.p.justice.deprivation_bias)
        for count in counts:
            non_users = communities.non_users
            communities.imprison(np.minimum(rng.multinomial(count, _tilted_shares(non_users, tilt)), non_users))

    @once_per_value
    def deprivation_tilt(self, bias: float) -> np.ndarray:
        """How much more often than at the mean community's deprivation a resident of each community is
        imprisoned at this ``justice.deprivation_bias`` (computed once per value: deprivation does not change)."""
        return np.maximum(1 + bias * self.model.communities.deprivation_gap, 0.0)

    # -- outputs ------------------------------------------------------------------------------------------------
    @metric("incarcerations", "people/week", "outcome", "Admissions to prison this week.", direction="lower")
    def incarcerations(self) -> int:
        return int(self.model.log.total("incarceration"))

    @metric("prison_population", "people", "outcome", "People in prison at the end of the week.", direction="lower")
    def prison_population(self) -> int:
        return self.population

    @metric("prison_rate", "per 100k", "outcome", "Prison population per 100,000 residents.", direction="lower")
    def prison_rate(self) -> float:
        return self.population / self.model.communities.residents * PER_100K

    @metric("reincarcerations", "people/week", "outcome",
            "Prison admissions of people released, sentenced or diverted within the past 3 years.", direction="lower")
    def reincarcerations(self) -> int:
        return int(self.model.log.total("incarceration", "reoffence"))

    def followed_up(self, paths: tuple[str, ...], outcome: str) -> float:
        """Share of the people who left the courts by ``paths`` three years ago who were
        ``rearrested`` or ``imprisoned`` within three years (NaN in the first three years and when
        nobody left that week)."""
        if self.model.steps <= FOLLOW_UP:
            return float("nan")
        ended = [self.ended[path] for path in paths]
        started = sum(e.started for e in ended)
        return sum(getattr(e, outcome) for e in ended) / started if started > 0 else float("nan")

    @metric("recidivism_3y", "share", "outcome",
            "Share of the people released from prison three years ago who were back in prison within three "
            "years (Pew 2011's measure); missing in the first three years and when nobody was released that week.",
            direction="lower", nullable=True)
    def recidivism_3y(self) -> float:
        return self.followed_up(("prison",), "imprisoned")

    @metric("reoffending_3y", "share", "outcome",
            "Share of everyone who left the courts three years ago (released from prison, sentenced in the "
            "community or diverted) who was arrested again within three years; missing in the first three years.",
            direction="lower", nullable=True)
    def reoffending_3y(self) -> float:
        return self.followed_up(PATHS, "rearrested")

    @metric("reoffending_3y_released", "share", "outcome",
            "Share of the people released from prison three years ago who were arrested again within three "
            "years; missing in the first three years.", direction="lower", nullable=True)
    def reoffending_3y_released(self) -> float:
        return self.followed_up(("prison",), "rearrested")

    @metric("reoffending_3y_diverted", "share", "outcome",
            "Share of the people diverted three years ago who were arrested again within three years; missing "
            "in the first three years and when nobody was diverted that week.", direction="lower", nullable=True)
    def reoffending_3y_diverted(self) -> float:
        return self.followed_up(("diversion",), "rearrested")

    @metric("diversions", "people/week", "outcome",
            "Arrested people given an alternative to prosecution or prison (treatment, fine, community sentence).")
    def diversions(self) -> int:
        return int(self.model.log.total("diversion"))

    @metric("incarceration_cost", "USD/week", "cost", "Prison population × weekly cost per prisoner.",
            direction="lower")
    def incarceration_cost(self) -> float:
        return self.population * self.model.p.justice.prison_cost_week
