"""The ``production`` parameters: farming households' yields, crop choice, eradication response."""

from __future__ import annotations

from marketsim.config.params.core import CALIBRATED, PRICE_CHAIN, Group, lever, param


class ProductionParams(Group):
    """Farming households: yields, crop choice, eradication response."""

    yield_kg_per_ha_year: float = param(7.0, unit="kg pure/ha/year", gt=0, le=50,
                                        help="Pure drug obtainable from one hectare of crop in a year.",
                                        plausible=(6.0, 8.0),
                                        source="UNODC Colombia Coca Survey: 6-8 kg cocaine HCl/ha/year (the "
                                               "survey for 2005: 640 t from 86,000 ha, 7.4 kg/ha)")
    initial_drug_share: float = param(0.12, unit="share of land", ge=0, le=1, plausible=(0.08, 0.18),
                                      help="Share of household land under the drug crop at the start.",
                                      source=CALIBRATED + "a supply that matches baseline demand plus seizures")
    max_drug_share: float = param(0.8, unit="share of land", ge=0.01, le=1, plausible=(0.6, 0.95),
                                  help="Most land a household will put under the drug crop.",
                                  source="assumption: food crops are kept")
    alt_income_per_ha_year: float = param(1500.0, unit="USD/ha/year", ge=0, le=100_000, plausible=(750.0, 3000.0),
                                          help="Income from legal crops (alternative livelihood).",
                                          source="assumption: legal crops earn a fraction of coca per ha (UNODC "
                                                 "2005, alternative development evaluation); the figure is not "
                                                 "from it")
    alt_development: float = lever(0.0, unit="0-1", ge=0, le=1,
                                   help="Alternative-development support: raises legal crop income "
                                        "by up to 100% in supported regions.",
                                   source="MDLE seminar 2014 (alternative development; Bolivia's community-based "
                                          "approach); UNODC 2005")
    crop_response: float = param(0.3, unit="1/relative income", ge=0, le=20, plausible=(0.1, 0.45),
                                 help="How strongly households move land toward the more profitable crop "
                                      "(the default gives a supply elasticity near 1).",
                                 source="assumption (logit choice, as in NarcoLogic's farmer model); "
                                        "coca supply elasticities of about 0.3-1 (Moreno-Sanchez et al. 2003)")
    crop_adjust_rate: float = param(0.02, unit="1/week", ge=0, le=1, plausible=(0.01, 0.04),
                                    help="Share of the gap to the preferred crop mix closed each week "
                                         "(planting takes months).",
                                    source="assumption: coca matures in 6-12 months")
    eradication_fear: float = param(6.0, unit="1/probability", ge=0, le=100, plausible=(2.0, 12.0),
                                    help="Weight households put on their perceived eradication risk.",
                                    source="assumption; eradication diverts production to other areas "
                                           "(MDLE seminar 2014)")
    eradication_memory: float = param(0.03, unit="1/week", ge=0, le=1, plausible=(0.01, 0.1),
                                      help="Weekly decay of perceived eradication risk.",
                                      source="assumption")
    relocation_prob: float = param(0.35, unit="probability", ge=0, le=1, plausible=(0.15, 0.6),
                                   help="Chance an eradicated household replants in another region "
                                        "(the balloon effect).",
                                   source="assumption: eradicated growers replant elsewhere (MDLE seminar 2014: "
                                          "coca displaced from Colombia to Peru and Bolivia; Chatham House 2012: "
                                          "the balloon effect); neither gives a share")
    regrowth_weeks: float = param(30.0, unit="weeks", ge=1, le=260, plausible=(26.0, 52.0),
                                  help="Weeks before an eradicated field is harvested again after replanting.",
                                  source="UNODC Colombia Coca Survey: coca bushes yield 6-12 months after planting")
    spoilage: float = param(0.01, unit="1/week", ge=0, le=0.5, plausible=(0.0, 0.03),
                            help="Share of unsold farm stock lost each week.", source="assumption")
    farm_price: float = param(800.0, unit="USD/kg pure", ge=1, le=8000,
                              help="Initial farm-gate price: the first link of the price chain, whose other "
                                   "prices are multiples of it (held fixed: the calibrated values at stake are in "
                                   "these dollars; at most ten times the default, beyond which wages, bribes and "
                                   "the sizes of organisations, all in the same dollars, stop meaning anything).",
                              source=PRICE_CHAIN)
    price_adjustment: float = param(0.015, unit="1/week", ge=0, le=1, plausible=(0.005, 0.05),
                                    help="Speed at which the farm-gate price moves to clear the market.",
                                    source="assumption")
    relocation_memory: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.02, 0.3),
                                     help="Weekly fading of what households know about where eradication happened; "
                                          "relocating households move to the place with the least recent eradication.",
                                     source="assumption")
    price_signal_cap: float = param(1.0, unit="log ratio", gt=0, le=10, plausible=(0.5, 2.0),
                                    help="Largest log-ratio of purchase requests to farm stock the farm-gate price "
                                         "responds to in one week.",
                                    source="assumption (bounded price adjustment)")
    farm_price_band: float = param(10.0, unit="ratio", ge=1, le=1000, plausible=(5.0, 20.0),
                                   help="The farm-gate price stays between the initial price divided and "
                                        "multiplied by this.",
                                   source="assumption")
    land_spread: float = param(0.3, unit="log sd", ge=0, le=2, plausible=(0.1, 0.6),
                               help="Spread (lognormal sd) of a household's land around its place's mean.",
                               source="assumption; UNODC Colombia Coca Survey (plot sizes vary widely)")
    initial_share_concentration: float = param(8.0, unit="Beta a+b", ge=0.1, le=1000, plausible=(4.0, 20.0),
                                               help="How tightly households' starting drug-crop shares cluster "
                                                    "around the mean (a Beta distribution with this total weight).",
                                               source="assumption")
