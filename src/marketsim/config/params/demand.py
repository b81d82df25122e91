"""The ``demand`` parameters: users' consumption, price response, initiation, cessation, treatment."""

from __future__ import annotations

from marketsim.config.params.core import CALIBRATED, PRICE_CHAIN, Group, param


class DemandParams(Group):
    """Users: consumption, price response, initiation, cessation, treatment."""

    prevalence: float = param(0.02, unit="share of population", ge=0, le=0.5, plausible=(0.01, 0.025),
                              help="Past-year users at the start.",
                              source="UNODC World Drug Report: past-year cocaine use in the Americas 1-2%")
    dependent_share: float = param(0.25, unit="share of users", ge=0, le=1, plausible=(0.15, 0.35),
                                   help="Dependent users among users at the start.",
                                   source="assumption; about a quarter of past-year cocaine users "
                                          "are dependent (UNODC World Drug Report)")
    grams_occasional: float = param(0.15, unit="g pure/week", ge=0, le=100, plausible=(0.075, 0.3),
                                    help="Weekly consumption of an occasional user at the reference price.",
                                    source="assumption; Kilmer et al. 2014 (RAND What America's users spend)")
    grams_dependent: float = param(1.0, unit="g pure/week", ge=0, le=100, plausible=(0.5, 2.0),
                                   help="Weekly consumption of a dependent user at the reference price.",
                                   source="assumption: heavy users account for most consumption (Kilmer et al. "
                                          "2014); the grams are not from the text searched")
    elasticity: float = param(-0.5, unit="elasticity", ge=-3, le=0, plausible=(-1.0, -0.25),
                              help="Price elasticity of demand.",
                              source="assumption within published estimates (Gallet 2014 meta-analysis); "
                                     "about −0.5 for cocaine (OAS 2013)")
    reference_price: float = param(110_000.0, unit="USD/kg pure", gt=0, le=1e7, plausible=(100_000.0, 150_000.0),
                                   help="Retail price at which users consume their reference amounts.",
                                   source=PRICE_CHAIN + "; retail $100,000-150,000")
    initiation: float = param(0.00016, unit="1/week", ge=0, le=0.1, plausible=(0.0001, 0.00025),
                              help="Weekly chance a non-user starts, when supply is normal.",
                              source=CALIBRATED + "stable prevalence (initiation balances cessation)")
    cessation: float = param(0.01, unit="1/week", ge=0, le=1, plausible=(0.005, 0.018),
                             help="Weekly chance an occasional user stops.",
                             source="assumption: about 40% of past-year users stop within a year")
    progression: float = param(0.0012, unit="1/week", ge=0, le=1, plausible=(0.0008, 0.002),
                               help="Weekly chance an occasional user becomes dependent.",
                               source="Wagner & Anthony 2002: 5-6% of cocaine users dependent in their first year "
                                      "of use, 15-16% within ten years; with demand.cessation at 0.01 a week, "
                                      "0.0012 gives 4.7% in the first year")
    remission: float = param(0.002, unit="1/week", ge=0, le=1, plausible=(0.001, 0.005),
                             help="Weekly chance a dependent user stops without treatment.",
                             source="assumption")
    treatment_seeking: float = param(0.008, unit="1/week", ge=0, le=1, plausible=(0.004, 0.016),
                                     help="Weekly chance a dependent user seeks treatment when every place is "
                                          "free (scaled by the share of places free: waiting lists deter).",
                                     source="assumption: about a fifth of dependent users enter "
                                            "treatment each year (UNODC World Drug Report)")
    treatment_weeks: float = param(16.0, unit="weeks", ge=1, le=520, plausible=(8.0, 26.0),
                                   help="Mean length of a treatment episode.", source="assumption")
    treatment_success: float = param(0.4, unit="probability", ge=0, le=1, plausible=(0.3, 0.6),
                                     help="Chance a finished treatment episode ends in abstinence.",
                                     source="assumption; NIDA: relapse rates 40-60%")
    shortage_initiation: float = param(1.0, unit="elasticity", ge=0, le=10, plausible=(0.5, 2.0),
                                       help="How strongly initiation falls when supply is short.",
                                       source="assumption: fewer people start when supply is short (Degenhardt et "
                                              "al. 2005: fewer new users in the drought); no elasticity there")
    deprivation_effect: float = param(1.0, unit="per unit deprivation", ge=0, le=10, plausible=(0.5, 2.0),
                                      help="Initiation rises by this share per unit of deprivation above the mean.",
                                      source="assumption; drug problems concentrate in deprived places (UNODC World "
                                             "Drug Report)")
    availability_range: float = param(5.0, unit="ratio", ge=1, le=100, plausible=(2.0, 10.0),
                                      help="The price effect on initiation and progression stays between 1/this and "
                                           "this.",
                                      source="assumption")
    initial_open_share: float = param(0.5, unit="share of places", ge=0, le=1, plausible=(0.2, 0.8),
                                      help="Share of treatment places free at the start.", source="assumption")
    risk_aversion: float = param(0.2, unit="elasticity", ge=0, le=3, plausible=(0.0, 0.6),
                                 help="How strongly initiation and progression fall as the overdose deaths users see "
                                      "rise (elasticity; 0: use does not respond to risk).",
                                 source="assumption; Doleac & Mukherjee 2022 (naloxone access and opioid use) and "
                                        "studies finding no such effect")
    risk_memory: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.01, 0.2),
                               help="Weekly adjustment of the overdose risk users perceive toward the deaths they see.",
                               source="assumption")
    travel_share: float = param(0.5, unit="share", ge=0, le=1, plausible=(0.2, 0.8),
                                help="Displacement of buyers: share of the demand their own neighbourhood cannot "
                                     "serve that users seek from dealers in neighbouring neighbourhoods.",
                                source="assumption; Wood et al. 2004 (a crackdown moved the market a few blocks); "
                                       "Weisburd et al. 2006")
