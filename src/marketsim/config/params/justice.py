"""The ``justice`` parameters: sentencing, prison, release and re-offending."""

from __future__ import annotations

from pydantic import model_validator

from marketsim.config.params.core import CALIBRATED, PEW_2011, PRISON_LIST, Group, param


class JusticeParams(Group):
    """Sentencing, prison, release and re-offending."""

    custody_user: float = param(0.15, unit="probability", ge=0, le=1, plausible=(0.05, 0.3),
                                help="Chance an arrested user is sent to prison.", source="assumption")
    custody_dealer: float = param(0.6, unit="probability", ge=0, le=1, plausible=(0.4, 0.8),
                                  help="Chance an arrested dealer is sent to prison.", source="assumption")
    custody_trafficker: float = param(0.85, unit="probability", ge=0, le=1, plausible=(0.7, 0.95),
                                      help="Chance an arrested organisation member is sent to prison.",
                                      source="assumption")
    custody_violent: float = param(0.9, unit="probability", ge=0, le=1, plausible=(0.75, 1.0),
                                   help="Chance a cleared homicide leads to prison.", source="assumption")
    sentence_user: float = param(26.0, unit="weeks", ge=1, le=2600, help="Mean time served by a user.",
                                 plausible=(13.0, 52.0),
                                 source="assumption")
    sentence_dealer: float = param(78.0, unit="weeks", ge=1, le=2600, help="Mean time served by a dealer.",
                                   plausible=(52.0, 156.0),
                                   source="assumption")
    sentence_trafficker: float = param(260.0, unit="weeks", ge=1, le=2600, plausible=(156.0, 520.0),
                                       help="Mean time served by an organisation member.",
                                       source="assumption")
    sentence_leader: float = param(520.0, unit="weeks", ge=1, le=2600, plausible=(260.0, 1040.0),
                                   help="Mean time served by a captured leader.",
                                   source="assumption: leaders are sentenced for the organisation's crimes")
    sentence_violent: float = param(520.0, unit="weeks", ge=1, le=2600, plausible=(260.0, 1040.0),
                                    help="Mean time served for a homicide.", source="assumption")
    prison_cost_week: float = param(250.0, unit="USD/prisoner-week", ge=0, le=1e5, plausible=(100.0, 500.0),
                                    help="Cost of one prisoner for one week.", source="assumption")
    initial_prison_rate: float = param(150.0, unit="per 100k", ge=0, le=2000, plausible=(100.0, 300.0),
                                       help="Prison population at the start.",
                                       source=CALIBRATED + "the baseline's own steady state, within the 98-376 "
                                              "per 100k of the " + PRISON_LIST)
    reoffend_base: float = param(0.0055, unit="1/week", ge=0, le=0.1, plausible=(0.003, 0.009),
                                 help="Weekly chance that a person with a recent conviction is arrested again, before "
                                      "any effect of prison or treatment.",
                                 source=CALIBRATED + "about half of people released re-imprisoned within three years "
                                        "(" + PEW_2011 + ")")
    prison_effect: float = param(0.15, unit="relative", ge=0, le=3, plausible=(0.0, 0.3),
                                 help="How much prison raises a person's chance of re-offending (prison as a school "
                                      "of crime, and records that close legal work).",
                                 source="Cullen, Jonson & Nagin 2011 and Nagin, Cullen & Jonson 2009 (custodial "
                                        "sanctions have null to criminogenic effects)")
    treatment_effect: float = param(0.25, unit="relative", ge=0, le=1, plausible=(0.1, 0.4),
                                    help="How much diversion to treatment lowers a person's chance of re-offending.",
                                    source="Mitchell, Wilson, Eggers & MacKenzie 2012 (drug courts reduce "
                                           "recidivism)")
    sentence_shape: float = param(2.0, unit="gamma shape", ge=0.1, le=100, plausible=(1.0, 5.0),
                                  help="Shape of the gamma distribution of sentence lengths (larger: less spread; "
                                       "at least 0.1, a spread of three times the mean: less overflows the "
                                       "gamma's scale).",
                                  source="assumption")
    initial_time_left: float = param(1.0, unit="share of the mean sentence", gt=0, le=2, plausible=(0.6, 1.0),
                                     help="Mean time people in prison at the start have left to serve, as a share of "
                                          "their offence's mean sentence (times left are uniform from 0 to twice it).",
                                     source="assumption: the mean sentence; in a prison at its steady state with "
                                            "gamma sentences of shape k (justice.sentence_shape) it would be "
                                            "(1 + 1/k)/2 of it: 0.6 at k = 5, 0.75 at 2, 1 at 1")
    initial_users: float = param(0.15, unit="share of prisoners", ge=0, le=1, plausible=(0.05, 0.3),
                                 help="Share of the starting prison population held for possession.",
                                 source="assumption: about half of prisoners held for drug offences")
    initial_dealers: float = param(0.35, unit="share of prisoners", ge=0, le=1, plausible=(0.2, 0.5),
                                   help="Share of the starting prison population held for dealing.",
                                   source="assumption")
    initial_traffickers: float = param(0.1, unit="share of prisoners", ge=0, le=1, plausible=(0.05, 0.2),
                                       help="Share of the starting prison population held for trafficking.",
                                       source="assumption")
    initial_violent: float = param(0.2, unit="share of prisoners", ge=0, le=1, plausible=(0.1, 0.3),
                                   help="Share of the starting prison population held for homicide (the rest are "
                                        "held for re-offending).",
                                   source="assumption")
    initial_record_ratio: float = param(3.0, unit="ratio", ge=0, le=100, plausible=(1.0, 6.0),
                                        help="Residents with a criminal record at the start, per person released in "
                                             "the previous three years.",
                                        source="assumption")
    record_expiry: float = param(0.002, unit="1/week", ge=0, le=1, plausible=(0.0005, 0.005),
                                 help="Weekly chance a criminal record stops counting (it is spent, or the person "
                                      "moves away).",
                                 source="assumption")
    deprivation_bias: float = param(1.0, unit="per unit deprivation", ge=0, le=10, plausible=(0.5, 2.0),
                                    help="How much more often people from deprived places are imprisoned (per unit "
                                         "deprivation above the mean).",
                                    source="assumption")

    @model_validator(mode="after")
    def _initial_shares_fit(self) -> JusticeParams:
        total = self.initial_users + self.initial_dealers + self.initial_traffickers + self.initial_violent
        if total > 1 + 1e-9:
            raise ValueError(f"justice initial_users + initial_dealers + initial_traffickers + initial_violent add up "
                             f"to {total:.3g}, more than 1; the rest are held for re-offending")
        return self
