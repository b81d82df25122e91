"""The ``retail`` parameters: dealers' wholesale purchases, retail prices and purity, sales modes, replacement."""

from __future__ import annotations

from marketsim.config.params.core import CAULKINS_REUTER, Group, param


class RetailParams(Group):
    """Dealers: wholesale purchases, retail prices and purity, sales modes, replacement."""

    dealers_per_1000_users: float = param(30.0, unit="dealers/1000 users", gt=0, le=1000, plausible=(15.0, 60.0),
                                          help="Retail dealers per thousand users.",
                                          source="assumption; Caulkins 1997 (a dealer serves tens of customers)")
    retail_markup: float = param(4.5, unit="ratio", ge=1, le=20, plausible=(4.0, 7.0),
                                 help="Retail price per pure kg over the wholesale price after the border.",
                                 source="assumption: retail per pure gram several times the kilo price (4-10× "
                                        "attributed to " + CAULKINS_REUTER + ", not found in the text searched; "
                                        "the UNODC World Drug Report 2010 price chain gives 5-8×)")
    cover_weeks: float = param(2.0, unit="weeks", gt=0, le=26, plausible=(1.0, 4.0),
                               help="Weeks of sales a dealer keeps in stock.", source="assumption")
    purity: float = param(0.6, unit="share pure", ge=0.01, le=1, plausible=(0.45, 0.75),
                          help="Street purity when supply is normal.",
                          source="DEA STRIDE: US street cocaine purity around 60% in the 2000s")
    purity_response: float = param(0.6, unit="elasticity", ge=0, le=5, plausible=(0.3, 1.0),
                                   help="How much dealers cut purity when stock is short.",
                                   source="assumption: dealers cut purity when supply is short (Degenhardt et al. "
                                          "2005: purity fell during the heroin drought); no elasticity there")
    open_air_share: float = param(0.45, unit="share of dealers", ge=0, le=1, plausible=(0.35, 0.55),
                                  help="Dealers selling in open-air street markets.",
                                  source="assumption; MDLE seminar 2013 (High Point's open-air markets)")
    indoor_share: float = param(0.35, unit="share of dealers", ge=0, le=1, plausible=(0.25, 0.4),
                                help="Dealers selling indoors (houses, bars).", source="assumption")
    online_share: float = param(0.05, unit="share of dealers", ge=0, le=1, plausible=(0.02, 0.1),
                                help="Dealers selling on the dark net with postal or courier delivery. "
                                     "The rest deliver by phone order.",
                                source="assumption: as many sellers as buyers online; MDLE seminar 2014; Global "
                                       "Drug Survey: 4.5% of respondents in one year's survey and 6.7% in the next "
                                       "bought on the dark net in the past year")
    open_air_visibility: float = param(1.0, unit="relative", ge=0, le=5,
                                       help="Exposure to street arrests of an open-air dealer.",
                                       source="assumption (reference)")
    indoor_visibility: float = param(0.35, unit="relative", ge=0, le=5, plausible=(0.2, 0.5),
                                     help="Exposure to street arrests of an indoor dealer.",
                                     source="assumption; MDLE seminar 2013 (indoor sales)")
    delivery_visibility: float = param(0.25, unit="relative", ge=0, le=5, plausible=(0.1, 0.4),
                                       help="Exposure to street arrests of a delivery dealer.",
                                       source="assumption; MDLE seminar 2013 (sales by delivery)")
    online_visibility: float = param(0.08, unit="relative", ge=0, le=5, plausible=(0.02, 0.2),
                                     help="Exposure to street arrests of an online vendor.",
                                     source="assumption: dark-net markets disperse and adapt, which makes them hard "
                                            "to police (MDLE seminar 2014); no figure")
    replacement_rate: float = param(0.5, unit="1/week", ge=0, le=1, plausible=(0.25, 0.8),
                                    help="Share of dealer vacancies filled per week at mean deprivation; "
                                         "scales with the local labour pool.",
                                    source="assumption: within weeks; low-level sellers 'can easily be replaced' "
                                           "(CICAD side event 2014)")
    vacancy_rivals: float = param(0.5, unit="probability", ge=0, le=1, plausible=(0.25, 0.75),
                                  help="Chance a vacancy left by an arrested dealer is filled by a rival "
                                       "organisation's recruit.",
                                  source="assumption: enforcement disrupts market equilibria (Werb et al. 2011, a "
                                         "review with no such probability); an even chance")
    dealer_violence: float = param(0.5, unit="0-1", ge=0, le=1, plausible=(0.3, 0.7),
                                   help="Mean propensity of dealers to use violence in disputes "
                                        "(individuals vary around it).",
                                   source="assumption")
    quit_rate: float = param(0.01, unit="1/week", ge=0, le=1, plausible=(0.005, 0.03),
                             help="Weekly chance a dealer leaves the trade of their own accord.",
                             source="assumption; street dealing careers last months to a few years "
                                    "(Levitt & Venkatesh 2000)")
    stock_adjustment: float = param(0.5, unit="1/week", ge=0, le=1, plausible=(0.2, 1.0),
                                    help="Share of the gap to target stock a dealer refills each week on top of sales.",
                                    source="assumption")
    loyalty_switch: float = param(0.03, unit="1/week", ge=0, le=1, plausible=(0.01, 0.1),
                                  help="Weekly chance a dealer supplied by a rival switches to the organisation "
                                       "controlling their turf.",
                                  source="assumption")
    sales_adjustment: float = param(0.2, unit="1/week", ge=0, le=1, plausible=(0.05, 0.5),
                                    help="Weekly adjustment of the sales dealers and organisations expect.",
                                    source="assumption")
    risk_memory: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.02, 0.3),
                               help="Weekly adjustment of the arrest risk dealers expect (and price in).",
                               source="assumption")
    violence_spread: float = param(0.2, unit="0-1", ge=0, le=1, plausible=(0.1, 0.3),
                                   help="Spread (sd) of individual dealers' propensity to use violence.",
                                   source="assumption")
    record_overrepresentation: float = param(30.0, unit="ratio", ge=0, le=1000, plausible=(10.0, 50.0),
                                             help="How much more likely a new dealer is to have a criminal record "
                                                  "than a resident of the same place.",
                                             source="assumption; a record shuts people out of legal work "
                                                    "(Pager 2003)")
    initial_rival_share: float = param(0.25, unit="share of dealers", ge=0, le=1, plausible=(0.1, 0.4),
                                       help="Share of the starting dealers of a neighbourhood supplied by a "
                                            "neighbouring rival rather than its controller.",
                                       source="assumption")
    scarcity_elasticity: float = param(0.25, unit="elasticity", ge=0, le=5, plausible=(0.1, 0.5),
                                       help="How a dealer's price rises as their stock falls below target cover.",
                                       source="assumption")
    scarcity_floor: float = param(0.8, unit="ratio", gt=0, le=1, plausible=(0.6, 0.95),
                                  help="Lowest scarcity factor on a dealer's price.", source="assumption")
    scarcity_cap: float = param(1.6, unit="ratio", ge=1, le=20, plausible=(1.2, 3.0),
                                help="Highest scarcity factor on a dealer's price.", source="assumption")
    min_stock_ratio: float = param(0.2, unit="ratio", gt=0, le=1, plausible=(0.1, 0.5),
                                   help="Stock relative to target below which dealers cut purity no further.",
                                   source="assumption")
    max_stock_ratio: float = param(1.2, unit="ratio", ge=1, le=10, plausible=(1.0, 2.0),
                                   help="Stock relative to target above which dealers raise purity no further.",
                                   source="assumption")
    min_purity: float = param(0.05, unit="share pure", gt=0, le=1, plausible=(0.02, 0.2),
                              help="Lowest street purity dealers sell.", source="assumption")
    max_purity: float = param(0.95, unit="share pure", gt=0, le=1, plausible=(0.8, 1.0),
                              help="Highest street purity dealers sell.", source="assumption")
    risk_premium: float = param(1.5, unit="ratio per arrest/year", ge=0, le=20, plausible=(0.5, 3.0),
                                help="Risk compensation at retail: a dealer's price rises by this times the arrests "
                                     "a dealer can expect in a year.",
                                source="Reuter & Kleiman 1986 risks-and-prices model; " + CAULKINS_REUTER)
    risk_cap: float = param(1.0, unit="arrests/dealer-year", gt=0, le=52, plausible=(0.5, 2.0),
                            help="Expected arrests per dealer-year at which dealers' risk premium stops rising.",
                            source="assumption; " + CAULKINS_REUTER)
    move_rate: float = param(0.05, unit="1/week per arrest/year", ge=0, le=1, plausible=(0.01, 0.2),
                             help="Displacement: a street dealer's weekly chance of moving to a neighbouring "
                                  "neighbourhood that its own organisation holds is this times the expected "
                                  "arrests per year it would avoid there (capped at 1).",
                             source="assumption; Weisburd et al. 2006 (displacement is limited: sellers stay near "
                                    "their customers and their group's turf); Wood et al. 2004")
    switch_rate: float = param(0.05, unit="1/week per arrest/year", ge=0, le=1, plausible=(0.01, 0.2),
                               help="Displacement: an open-air dealer's weekly chance of moving indoors or to "
                                    "delivery is this times how far its neighbourhood's expected arrests per year "
                                    "exceed the city's (capped at 1).",
                               source="assumption; Eck 1993 and Weisburd et al. 2006 (tactical displacement); MDLE "
                                      "seminar 2013 (High Point: sellers went indoors)")
    closure_adjustment: float = param(0.3, unit="1/week", ge=0, le=1, plausible=(0.1, 0.6),
                                      help="Weekly chance an open-air dealer in a closed market moves indoors or to "
                                           "delivery.",
                                      source="assumption; MDLE seminar 2013 (High Point: markets closed within weeks)")
    open_air_contact: float = param(1.0, unit="relative", ge=0, le=5,
                                    help="Face-to-face contact with rival dealers on shared street territory of an "
                                         "open-air dealer (the reference for the other modes).",
                                    source="reference")
    indoor_contact: float = param(0.2, unit="relative", ge=0, le=5, plausible=(0.05, 0.5),
                                  help="Contact with rival dealers on shared street territory of an indoor dealer, "
                                       "relative to open-air.",
                                  source="assumption; MDLE seminar 2013 (indoor sales are less harmful per unit of "
                                         "use than open-air markets)")
    delivery_contact: float = param(0.15, unit="relative", ge=0, le=5, plausible=(0.05, 0.4),
                                    help="Contact with rival dealers on shared street territory of a delivery dealer, "
                                         "relative to open-air (online sellers have none: no street territory).",
                                    source="assumption; MDLE seminar 2013 (sales by delivery); IDPC 2016 Module 7 "
                                           "(online sales limit face-to-face interactions)")
