"""The ``police`` parameters: budget, productivity of each activity, intelligence, corruption."""

from __future__ import annotations

from marketsim.config.params.core import CALIBRATED, PRISON_LIST, Group, param


class PoliceParams(Group):
    """Police: budget, productivity of each activity, intelligence, corruption."""

    budget: float = param(1_500_000.0, unit="USD/week", ge=0, le=1e9, plausible=(1_000_000.0, 2_000_000.0),
                          help="Weekly police budget for drug-market work; the same in every preset "
                               "unless it says otherwise.",
                          source="assumption: about 1,000 officer-equivalents")
    officer_week_cost: float = param(1500.0, unit="USD/officer-week", ge=1, le=1e6, plausible=(1000.0, 2500.0),
                                     help="Cost of one officer-week including overheads (at least a dollar: "
                                          "less only makes the force infinite).",
                                     source="assumption")
    street_arrest_rate: float = param(0.08, unit="arrests/officer-week", ge=0, le=10, plausible=(0.05, 0.15),
                                      help="Dealer arrests per officer-week against fully visible dealers "
                                           "at trust 0.4.",
                                      source=CALIBRATED + "prison population 100-400/100k (" + PRISON_LIST + ")")
    user_arrest_rate: float = param(0.6, unit="arrests/officer-week", ge=0, le=20, plausible=(0.3, 1.2),
                                    help="Possession arrests per officer-week.",
                                    source="assumption")
    investigation_rate: float = param(0.004, unit="arrests/officer-week", ge=0, le=10, plausible=(0.002, 0.008),
                                      help="Members (lieutenants and soldiers) arrested per officer-week "
                                           "of investigation at trust 0.4.",
                                      source="assumption")
    hvt_rate: float = param(0.0004, unit="1/officer-week", ge=0, le=1, plausible=(0.0002, 0.0008),
                            help="Weekly chance of capturing a given leader per officer-week of "
                                 "high-value targeting, at trust 0.4.",
                            source="assumption; Mexico captured or killed 25 of 37 top targets in 2009-2012")
    interdiction_rate: float = param(0.0006, unit="probability/officer-week", ge=0, le=1, plausible=(0.0003, 0.0012),
                                     help="Extra chance of catching a lot on a route segment per officer-week "
                                          "deployed on it.",
                                     source=CALIBRATED + "seizures of about a fifth of flows")
    eradication_rate: float = param(0.02, unit="ha/officer-week", ge=0, le=100, plausible=(0.01, 0.04),
                                    help="Hectares of crop eradicated per officer-week (including the "
                                         "security and logistics an eradication team needs).",
                                    source="assumption; Colombia's manual eradication needs large "
                                           "protected teams")
    call_in_rate: float = param(0.1, unit="call-ins/officer-week", ge=0, le=10, plausible=(0.05, 0.2),
                                help="Dealers or members called in and warned per officer-week of "
                                     "focused deterrence.",
                                source="assumption; Kennedy 2011 (Operation Ceasefire call-ins)")
    community_trust_gain: float = param(0.015, unit="trust per officer-week/100k", ge=0, le=1,
                                        plausible=(0.005, 0.03),
                                        help="Rise in the trust a place supports per officer-week of "
                                             "community policing per week per 100k residents.",
                                        source="assumption; MDLE seminar 2014 (Rio's pacification units)")
    aml_seizure_rate: float = param(600.0, unit="USD/officer-week", ge=0, le=1e7, plausible=(200.0, 1500.0),
                                    help="Criminal revenue seized per officer-week of anti-money-laundering.",
                                    source="assumption; CICAD side event 2014: one jailed for money laundering per "
                                           "3,000 jailed for drug crimes")
    bribe_saturation: float = param(3000.0, unit="USD/week", gt=0, le=1e8, plausible=(1000.0, 10_000.0),
                                    help="Weekly bribe money at which an organisation buys off half of the "
                                         "corrupt officers acting against it.",
                                    source="assumption")
    clearance_rate: float = param(0.01, unit="cleared/officer-week", ge=0, le=10, plausible=(0.005, 0.02),
                                  help="Homicides cleared per officer-week of reactive investigation "
                                       "at trust 0.4.",
                                  source="assumption: Latin American clearance rates are low")
    confrontation_rate: float = param(0.01, unit="confrontations/officer-week", ge=0, le=10, plausible=(0.002, 0.03),
                                      help="Armed confrontations with organisations per officer-week of "
                                           "militarised operations.",
                                      source="assumption: militarised operations meet armed resistance (IDPC 2016 "
                                             "Module 7: Mexico's militarised strategy); no rate")
    max_arrest_hazard: float = param(0.9, unit="probability/week", gt=0, le=1, plausible=(0.5, 0.99),
                                     help="Highest weekly chance that one target is caught, however much effort is "
                                          "aimed at it.",
                                     source="assumption")
    tip_elasticity: float = param(0.5, unit="elasticity", ge=0, le=3, plausible=(0.25, 1.0),
                                  help="How police productivity in a community follows residents' reporting (tips), "
                                       "relative to reporting at the reference trust.",
                                  source="assumption; Tyler & Fagan 2008 (legitimacy and cooperation with police)")
    call_in_group_size: int = param(20, unit="people", ge=1, le=1000, plausible=(10, 40),
                                    help="Call-ins that reach one organisation's members.",
                                    source="assumption; Kennedy 2011 (Operation Ceasefire call-ins)")
    case_effort: float = param(3.0, unit="officer-weeks/dealer", gt=0, le=1000, plausible=(1.0, 8.0),
                               help="Officer-weeks to build the case against one open-air dealer before a market is "
                                    "closed (undercover buys, evidence shown at the call-in).",
                               source="assumption; MDLE seminar 2013 (High Point: intelligence shown to dealers as "
                                      "evidence likely to lead to their incarceration)")
    violence_threshold: float = param(1.0, unit="violent acts", ge=0, le=100, plausible=(0.5, 3.0),
                                      help="Recent violent acts (decaying) that make a dealer a target of call-ins.",
                                      source="assumption; Kennedy 2011")
    sanction_effort: float = param(20.0, unit="officer-weeks", gt=0, le=10_000, plausible=(5.0, 60.0),
                                   help="Officer-weeks one sanction response to a warned group's attack takes "
                                        "(arrests at the usual productivity, warrants, probation checks); a warned "
                                        "dealer's dispute is answered by arresting that dealer, at the usual cost "
                                        "of a street arrest.",
                                   source="assumption; Kennedy 2011 ('pulling levers'); Braga et al. 2001")
    deterrence_reserve: float = param(0.5, unit="responses/week", gt=0, le=100, plausible=(0.1, 2.0),
                                      help="Attack responses per week that focused deterrence keeps ready for each "
                                           "group it has put on notice, even one that has stopped.",
                                      source="assumption; Kleiman & Kilmer 2009 (a credible threat needs capacity "
                                             "kept in reserve)")
    corruption_adjustment: float = param(0.02, unit="1/week", ge=0, le=1, plausible=(0.005, 0.1),
                                         help="Weekly adjustment of the share of corrupt officers toward what the "
                                              "bribes on offer buy.",
                                         source="assumption")
    dismissal_weight: float = param(3.0, unit="ratio", ge=0, le=100, plausible=(1.0, 10.0),
                                    help="How much full anti-corruption effort raises the price at which an officer "
                                         "takes a bribe (the risk of being caught and dismissed).",
                                    source="assumption; CICAD side event 2014 (vetting and anti-corruption)")
    presence_gain: float = param(0.01, unit="presence per officer-week/100k", ge=0, le=1, plausible=(0.002, 0.03),
                                 help="State presence community policing builds in a transit town per officer-week "
                                      "per week per 100k residents.",
                                 source="assumption; MDLE seminar 2014 (Rio's pacification units)")
    presence_adjustment: float = param(0.02, unit="1/week", ge=0, le=1, plausible=(0.005, 0.1),
                                       help="Weekly adjustment of state presence toward what current policing builds.",
                                       source="assumption")
    max_presence: float = param(0.95, unit="0-1", ge=0, le=1, plausible=(0.8, 1.0),
                                help="Highest state presence community policing can build.", source="assumption")
    community_targeting: float = param(1.0, unit="per unit deprivation", ge=0, le=10, plausible=(0.0, 2.0),
                                       help="How much more community policing goes to deprived places (per unit "
                                            "deprivation above the mean).",
                                       source="assumption")
    clearance_memory: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.01, 0.2),
                                    help="Weekly adjustment of the clearance rate offenders know of.",
                                    source="assumption")
    reports_per_officer_week: float = param(2.0, unit="reports/officer-week", ge=0, le=1000, plausible=(0.5, 10.0),
                                            help="Residents' reports of violence one officer-week of reactive "
                                                 "policing can follow up.",
                                            source="assumption")
    militarised_kill_share: float = param(0.5, unit="probability", ge=0, le=1, plausible=(0.2, 0.8),
                                          help="Share of leaders taken by militarised units who are killed rather "
                                               "than captured.",
                                          source="assumption; IDPC 2016 Module 7 (Mexico's strategy gave priority "
                                                 "to killing traffickers)")
