"""The ``harm`` parameters: overdoses, infections, harm-reduction services, trust and fear."""

from __future__ import annotations

from marketsim.config.params.core import Group, lever, param


class HarmParams(Group):
    """Overdoses, infections, harm-reduction services, trust and fear."""

    overdose_rate: float = param(0.00025, unit="1/week per dependent user", ge=0, le=0.1,
                                 plausible=(0.00012, 0.00035),
                                 help="Weekly chance of a fatal overdose for a dependent user at normal purity.",
                                 source="Degenhardt et al. 2011: all-cause crude mortality of dependent opioid "
                                        "users 2.09 per 100 person-years, overdose the most common cause; 1.3% a "
                                        "year takes overdose as about 60% of it (an assumption)")
    purity_swing: float = param(2.0, unit="elasticity", ge=0, le=10, plausible=(1.0, 3.0),
                                help="How overdose risk rises when purity is above its recent average.",
                                source="assumption: overdoses follow swings in purity (Darke et al. 1999; "
                                       "Degenhardt et al. 2005); no elasticity there")
    disruption_risk: float = param(1.5, unit="ratio", ge=0, le=20, plausible=(0.5, 3.0),
                                   help="Extra overdose risk per unit share of local dealers removed this week "
                                        "(users switch to unknown supply).",
                                   source="assumption: seizures are followed by overdose spikes (Ray et al. 2023: "
                                          "twice the expected fatal overdoses within 7 days and 500 m of an opioid "
                                          "seizure); the share of dealers removed is not measured there")
    naloxone_coverage: float = lever(0.05, unit="share of overdoses", ge=0, le=1,
                                     help="Share of overdoses witnessed by someone carrying naloxone.",
                                     source="assumption")
    drug_checking_coverage: float = lever(0.0, unit="share of users", ge=0, le=1,
                                          help="Share of users who have their drugs checked (drug-checking "
                                               "services) before they use them.",
                                          source="assumption")
    drug_checking_response: float = param(0.43, unit="share", ge=0, le=1, plausible=(0.16, 0.87),
                                          help="Share of users whose drugs were checked who act on the result "
                                               "(dose for the purity found, or do not use).",
                                          source="Maghsoudi et al. 2022 (systematic review of drug checking "
                                                 "services): 43% of people who inject drugs in a US study "
                                                 "changed their behaviour; 16-87% across settings")
    naloxone_efficacy: float = param(0.8, unit="probability", ge=0, le=1, plausible=(0.6, 0.95),
                                     help="Chance naloxone reverses a witnessed fatal overdose.",
                                     source="assumption: WHO 2014 (community management of opioid overdose) "
                                            "recommends naloxone for witnesses but gives no share reversed")
    injecting_share: float = param(0.2, unit="share of dependent users", ge=0, le=1, plausible=(0.1, 0.35),
                                   help="Dependent users who inject.", source="assumption")
    sharing_infection: float = param(0.001, unit="1/week", ge=0, le=1, plausible=(0.0005, 0.005),
                                     help="Weekly chance a person who injects without clean equipment is infected.",
                                     source="assumption: HCV incidence among people who inject of 10-30 per 100 "
                                            "person-years")
    syringe_coverage: float = lever(0.1, unit="share of injectors", ge=0, le=1,
                                    help="Injectors reached by syringe programmes.", source="assumption")
    syringe_efficacy: float = param(0.6, unit="0-1", ge=0, le=1, plausible=(0.2, 0.78),
                                    help="Fall in infection risk for those reached.",
                                    source="Aspinall et al. 2014: HIV transmission 0.42 times as likely (95% CI "
                                           "0.22-0.81) in the six better studies, 0.66 (0.43-1.01) in all; WHO 2004")
    treatment_capacity: float = lever(60.0, unit="places per 100k", ge=0, le=5000,
                                      help="Treatment places.", source="assumption")
    trust_adjustment: float = param(0.02, unit="1/week", ge=0, le=1, plausible=(0.01, 0.05),
                                    help="Weekly share of the gap between trust and the level current "
                                         "conditions support that is closed.",
                                    source="assumption: trust follows conditions over months")
    trust_loss_violence: float = param(0.0025, unit="trust per homicide/100k/year", ge=0, le=1,
                                       plausible=(0.001, 0.005),
                                       help="Fall in the trust a place supports per homicide per 100k "
                                            "residents per year there.",
                                       source="assumption; CICAD side event 2014 (insecurity erodes trust in "
                                              "institutions)")
    trust_loss_arrests: float = param(0.004, unit="trust per arrest/10k/year", ge=0, le=1, plausible=(0.002, 0.008),
                                      help="Fall in supported trust per user or street arrest per 10k "
                                           "residents per year.",
                                      source="assumption; MDLE seminar 2013 (drug-market policing erodes police "
                                             "legitimacy)")
    trust_loss_corruption: float = param(0.1, unit="trust at full corruption", ge=0, le=1, plausible=(0.05, 0.2),
                                         help="Fall in supported trust when every officer is corrupt "
                                              "(scaled by the share who are, and by collusion).",
                                         source="assumption; Chatham House 2012; CICAD side event 2014 (corruption "
                                                "increases distrust)")
    weight_infection: float = param(0.25, unit="death-equivalents", ge=0, le=10, plausible=(0.1, 0.5),
                                    help="Weight of a new infection in the harm index.",
                                    source="assumption; GBD disability weights for HIV/HCV")
    weight_incarceration: float = param(0.05, unit="death-equivalents", ge=0, le=10, plausible=(0.01, 0.1),
                                        help="Weight of a prison admission in the harm index.",
                                        source="assumption")
    weight_extortion: float = param(0.01, unit="death-equivalents", ge=0, le=10, plausible=(0.005, 0.03),
                                    help="Weight of an extortion or kidnapping event in the harm index.",
                                    source="assumption")
    fear_adjustment: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.02, 0.1),
                                   help="Weekly share of the gap between fear and what current violence "
                                        "and extortion justify that is closed.",
                                   source="assumption")
    occasional_risk: float = param(0.1, unit="ratio", ge=0, le=1, plausible=(0.05, 0.3),
                                   help="Overdose risk of an occasional user relative to a dependent one.",
                                   source="assumption; Degenhardt et al. 2011 (mortality concentrates among "
                                          "dependent users)")
    purity_learning: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.03, 0.3),
                                   help="Weekly adjustment of the purity users expect (and dose for) toward what "
                                        "they get.",
                                   source="assumption; Darke et al. 1999 (unexpected purity and overdose)")
    tolerance_adaptation: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.01, 0.2),
                                        help="Weekly adjustment of users' tolerance toward their recent intake.",
                                        source="assumption; lost tolerance raises overdose risk after abstinence "
                                               "(Darke et al. 1999)")
    tolerance_elasticity: float = param(1.0, unit="elasticity", ge=0, le=10, plausible=(0.5, 2.0),
                                        help="How overdose risk rises with intake relative to tolerance.",
                                        source="assumption")
    experience_memory: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.01, 0.2),
                                     help="Weekly adjustment of the violence and arrests residents have in mind "
                                          "(which their trust and fear follow).",
                                     source="assumption")
    fear_homicide_rate: float = param(100.0, unit="per 100k/year", gt=0, le=10_000, plausible=(50.0, 200.0),
                                      help="Homicide rate at which residents' fear is full.", source="assumption")
    fear_per_extortion: float = param(5.0, unit="per event/week per 1000", ge=0, le=1000, plausible=(1.0, 10.0),
                                      help="Fear from one weekly extortion event per 1,000 residents.",
                                      source="assumption")
    initial_prevalence: float = param(0.3, unit="share of injectors", ge=0, le=1, plausible=(0.1, 0.6),
                                      help="Share of people who inject living with HIV or HCV at the start.",
                                      source="Degenhardt et al. 2017 (HCV antibody prevalence among people who inject "
                                             "around half in many regions)")
    arrest_avoidance: float = param(3.0, unit="per arrest risk/year", ge=0, le=100, plausible=(1.0, 6.0),
                                    help="Fall in the share of people who inject using syringe programmes per unit of "
                                         "their yearly chance of arrest near services.",
                                    source="assumption; Wood et al. 2004 (police crackdowns displace people who inject "
                                           "from services)")
    reporting_base: float = param(0.2, unit="probability", ge=0, le=1, plausible=(0.1, 0.3),
                                  help="Chance residents report a violent incident they witness when they do not "
                                       "trust police at all.",
                                  source="assumption; Tyler & Fagan 2008")
    reporting_slope: float = param(0.6, unit="probability per unit trust", ge=0, le=1, plausible=(0.3, 0.8),
                                   help="Rise in the chance of reporting a violent incident per unit of trust.",
                                   source="assumption; Tyler & Fagan 2008 (legitimacy and cooperation with police)")
    response_trust_gain: float = param(0.1, unit="trust", ge=0, le=1, plausible=(0.0, 0.2),
                                       help="Trust a place supports when every report is followed up, against none.",
                                       source="assumption; Skogan 2006 (how police answer calls shapes trust)")
