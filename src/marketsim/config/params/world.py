"""The ``world`` parameters: size and attributes of the generated network of places."""

from __future__ import annotations

from marketsim.config.params.core import CALIBRATED, UNODC_HOMICIDE, Group, param


class WorldParams(Group):
    """Size and attributes of the generated network of places."""

    file: str = param("", unit="path", source="user input",
                      help="A GraphML or JSON world to load instead of generating one (empty: generate); "
                           "in a scenario file, a relative path is relative to that file's folder.")
    regions: int = param(3, unit="count", ge=2, le=4, help="Drug-producing source regions.",
                         source="Colombia, Peru and Bolivia, between which eradication displaced production "
                                "(MDLE seminar 2014)")
    places_per_region: int = param(3, unit="count", ge=1, le=8, plausible=(2, 5),
                                   help="Production places (growing areas) per region.",
                                   source="assumption")
    producers: int = param(3000, unit="households", ge=60, le=100_000, plausible=(2000, 4500),
                           help="Farming households, spread over the production places.",
                           source="assumption: sized for ~5,000 agents in the default world")
    land_per_producer_ha: float = param(0.5, unit="ha", ge=0.01, le=20,
                                        help="Mean land a household can plant with the drug crop.",
                                        source="UNODC Colombia Coca Survey: smallholder coca plots "
                                               "average well under 1 ha")
    routes: int = param(3, unit="count", ge=2, le=6, plausible=(2, 5),
                        help="Alternative trafficking corridors from the source regions to the border.",
                        source="assumption; trafficking routes 'change with controls by the governments' "
                               "(MDLE seminar 2014)")
    towns_per_route: int = param(3, unit="count", ge=1, le=8, plausible=(2, 5),
                                 help="Transit towns along each corridor: the length of the chain.",
                                 source="assumption; stylized fact 6 varies it")
    border_crossings: int = param(3, unit="count", ge=1, le=6, plausible=(2, 5),
                                  help="Crossing points into the consumer country.",
                                  source="assumption")
    neighbourhoods: int = param(16, unit="count", ge=12, le=64, plausible=(12, 24),
                                help="Neighbourhoods of the consumer city (a square-ish grid).",
                                source="assumption: enough neighbourhoods for rival territories and displacement")
    neighbourhood_population: int = param(150_000, unit="people", ge=1000, le=2_000_000, plausible=(100_000, 225_000),
                                          help="Mean residents per city neighbourhood.",
                                          source="assumption: a 2.4 million city")
    town_population: int = param(30_000, unit="people", ge=500, le=1_000_000, plausible=(15_000, 60_000),
                                 help="Mean residents per transit town.", source="assumption")
    deprivation: float = param(0.5, unit="0-1", ge=0, le=1, plausible=(0.3, 0.7),
                               help="Mean deprivation of places (poverty, youth unemployment).",
                               source="assumption; feeds the dealer labour pool (Prieto-Curiel et al. 2023)")
    firearms: float = param(0.65, unit="0-1", ge=0, le=1,
                            help="Firearm availability; scales the lethality of violence.",
                            source="two-thirds of homicides in the Americas are by firearm (" + UNODC_HOMICIDE + ")")
    state_presence: float = param(0.4, unit="0-1", ge=0, le=1, plausible=(0.2, 0.6),
                                  help="Mean state presence in transit towns and city neighbourhoods (production "
                                       "places have less).",
                                  source="assumption; MDLE seminar 2014 (Rio's pacification units); "
                                         "CICAD side event 2014")
    corruption: float = param(0.3, unit="0-1", ge=0, le=1, plausible=(0.1, 0.5),
                              help="Share of police officers who accept bribes at the start.",
                              source="assumption; Chatham House 2012 and IDPC 2016 Module 7 (session 7.3) describe "
                                     "pervasive police corruption")
    trust: float = param(0.5, unit="0-1", ge=0, le=1,
                         help="Trust in police that a place would have with no violence, mass arrests "
                              "or corruption; places start there and settle lower.",
                         source="Latinobarómetro: about 35-45% express confidence in police")
    corridor_detection: float = param(0.004, unit="probability/lot", ge=0, le=0.5, plausible=(0.001, 0.01),
                                      help="Chance a lot is caught on a corridor segment with no state presence and no "
                                           "interdiction effort.",
                                      source="assumption")
    presence_detection: float = param(0.01, unit="probability/lot", ge=0, le=0.5, plausible=(0.0, 0.03),
                                      help="Extra chance a lot is caught on a corridor segment per unit of state "
                                           "presence at its ends.",
                                      source="assumption")
    border_inspection: float = param(0.04, unit="probability/shipment", ge=0, le=0.5, plausible=(0.02, 0.08),
                                     help="Chance that a shipment is caught at a border crossing "
                                          "without any extra interdiction effort.",
                                     source=CALIBRATED + "seizures of roughly a fifth of flows "
                                            "(UNODC World Drug Report)")
