"""The ``world`` parameters: size and attributes of the generated network of places.

The first block sets the world's size and the mean of each attribute; the second says how places
differ from those means and from each other, and what moving goods along a route costs
(marketsim.world.generate draws each place and route from them).
"""

from __future__ import annotations

from pydantic import model_validator

from marketsim.config.params.core import CALIBRATED, UNODC_HOMICIDE, Group, param

SPREAD = "assumption: places differ, by how much no source says"
"""The source of the spreads of place attributes between places."""
ROUTE_COST = ("assumption: transport and handling; a path's segments add up to about a tenth of the "
              "product's value on the corridors ($800 × 3 × 3.5 ≈ $8,400 per kg: UNODC World Drug Report 2010)")
"""The source of the route-segment costs, which set which routes organisations prefer."""


class WorldParams(Group):
    """Size and attributes of the generated network of places."""

    file: str = param("", unit="path", source="user input",
                      help="A GraphML or JSON world to load instead of generating one (empty: generate); "
                           "in a scenario file, a relative path is relative to that file's folder.")
    regions: int = param(3, unit="count", ge=2, le=4,
                         help="Drug-producing source regions (held fixed: the three countries between which "
                              "production moves).",
                         source="Colombia, Peru and Bolivia, between which eradication displaced production "
                                "(MDLE seminar 2014)")
    places_per_region: int = param(3, unit="count", ge=1, le=8, plausible=(2, 5),
                                   help="Production places (growing areas) per region.",
                                   source="assumption")
    producers: int = param(3000, unit="households", ge=60, le=100_000, plausible=(2000, 4500),
                           help="Farming households, spread over the production places.",
                           source="assumption: sized for ~5,000 agents in the default world")
    land_per_producer_ha: float = param(0.5, unit="ha", ge=0.01, le=20, plausible=(0.3, 1.5),
                                        help="Mean land a household can plant with the drug crop.",
                                        source="assumption: smallholdings; the UNODC Colombia Coca Survey for "
                                               "2005 counts 86,000 ha of coca grown by 68,600 households, about "
                                               "1.25 ha each")
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
    firearms: float = param(0.65, unit="0-1", ge=0, le=1, plausible=(0.4, 0.85),
                            help="Firearm availability; scales the lethality of violence.",
                            source="assumption: an index, not a share; set at the share of homicides in the "
                                   "Americas committed with firearms, two-thirds (" + UNODC_HOMICIDE + ")")
    state_presence: float = param(0.4, unit="0-1", ge=0, le=1, plausible=(0.2, 0.6),
                                  help="Mean state presence in transit towns and city neighbourhoods (production "
                                       "places have less).",
                                  source="assumption; MDLE seminar 2014 (Rio's pacification units); "
                                         "CICAD side event 2014")
    corruption: float = param(0.3, unit="0-1", ge=0, le=1, plausible=(0.1, 0.5),
                              help="Share of police officers who accept bribes at the start.",
                              source="assumption; Chatham House 2012 and IDPC 2016 Module 7 (session 7.3) describe "
                                     "pervasive police corruption")
    trust: float = param(0.5, unit="0-1", ge=0, le=1, plausible=(0.4, 0.65),
                         help="Trust in police that a place would have with no violence, mass arrests "
                              "or corruption; places start there and settle lower.",
                         source="assumption: the baseline then settles near 0.36, within the 35-45% of Latin "
                                "Americans said to express confidence in police (Latinobarómetro; the figure was "
                                "not found in the text searched)")
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

    # -- how places and routes differ (read by marketsim.world.generate) --------------------------------------
    production_presence: float = param(0.6, unit="ratio", ge=0, le=2, plausible=(0.3, 1.0),
                                       help="Mean state presence in growing areas, as a share of "
                                            "world.state_presence (remote areas have less).",
                                       source="assumption: organised crime thrives where the state is absent "
                                              "(Chatham House 2012); no figure")
    production_presence_spread: float = param(0.1, unit="0-1", ge=0, le=0.5, plausible=(0.05, 0.2),
                                              help="Standard deviation of state presence between growing areas.",
                                              source=SPREAD)
    presence_spread: float = param(0.12, unit="0-1", ge=0, le=0.5, plausible=(0.06, 0.2),
                                   help="Standard deviation of state presence between transit towns and "
                                        "between neighbourhoods.",
                                   source=SPREAD)
    corruption_spread: float = param(0.1, unit="0-1", ge=0, le=0.5, plausible=(0.05, 0.15),
                                     help="Standard deviation of corruption between transit towns and between "
                                          "border crossings.",
                                     source=SPREAD)
    firearms_spread: float = param(0.08, unit="0-1", ge=0, le=0.5, plausible=(0.04, 0.16),
                                   help="Standard deviation of firearm availability between transit towns and "
                                        "between neighbourhoods.",
                                   source=SPREAD)
    inspection_spread: float = param(0.25, unit="share of the mean", ge=0, le=2, plausible=(0.1, 0.5),
                                     help="Standard deviation of border inspection between crossings, as a share "
                                          "of world.border_inspection.",
                                     source=SPREAD)
    transit_deprivation: float = param(0.1, unit="0-1", ge=-0.5, le=0.5, plausible=(0.0, 0.2),
                                       help="How much more deprived transit towns are than world.deprivation.",
                                       source="assumption: trafficking corridors run through poor towns "
                                              "(the range includes none)")
    deprivation_spread: float = param(0.1, unit="0-1", ge=0, le=0.5, plausible=(0.05, 0.2),
                                      help="Standard deviation of deprivation between transit towns.",
                                      source=SPREAD)
    deprivation_concentration: float = param(2.0, unit="beta shape", gt=0, le=100, plausible=(1.0, 6.0),
                                             help="Shape a of the symmetric Beta(a, a) that spreads neighbourhoods' "
                                                  "deprivation from 0 to twice world.deprivation (1: evenly; "
                                                  "larger: closer to the mean).",
                                             source="assumption: a city with affluent and very deprived "
                                                    "neighbourhoods; from uniform (1) to bunched (6)")
    transit_trust: float = param(-0.05, unit="0-1", ge=-0.5, le=0.5, plausible=(-0.15, 0.05),
                                 help="Trust in police in transit towns relative to world.trust.",
                                 source="assumption: a little less trust where trafficking organisations pass "
                                        "(the range includes more)")
    trust_spread: float = param(0.06, unit="0-1", ge=0, le=0.5, plausible=(0.03, 0.12),
                                help="Standard deviation of trust in police between transit towns.",
                                source=SPREAD)
    trust_gradient: float = param(0.2, unit="per unit deprivation", ge=0, le=2, plausible=(0.0, 0.4),
                                  help="How much lower trust in police is in a neighbourhood per unit deprivation "
                                       "above the middle of the scale (0.5).",
                                  source="assumption: residents of deprived neighbourhoods trust police less; "
                                         "the range includes no difference")
    neighbourhood_trust_spread: float = param(0.04, unit="0-1", ge=0, le=0.5, plausible=(0.02, 0.08),
                                              help="Standard deviation of trust in police between neighbourhoods "
                                                   "of equal deprivation.",
                                              source=SPREAD)
    user_gradient: float = param(0.8, unit="per unit deprivation", ge=0, le=2, plausible=(0.2, 1.4),
                                 help="How much more drug use a neighbourhood has per unit deprivation: its user "
                                      "index is 1 + this × (deprivation − 0.5), relative to the city's mean.",
                                 source="assumption: drug use, dependent use above all, concentrates in deprived "
                                        "neighbourhoods; from 1.2 times (0.2) to more than 5 times (1.4) as much "
                                        "in the most deprived as in the least")
    size_spread: float = param(0.4, unit="share of the mean", ge=0, le=0.95, plausible=(0.2, 0.6),
                               help="Places' size varies uniformly within ± this share of its mean: the land of "
                                    "growing areas and the residents of towns and neighbourhoods.",
                               source=SPREAD)
    alt_income_spread: float = param(0.2, unit="share of the mean", ge=0, le=0.95, plausible=(0.1, 0.4),
                                     help="Legal crops' income varies between growing areas uniformly within ± "
                                          "this share of production.alt_income_per_ha_year.",
                                     source=SPREAD)
    segment_cost_corridor: float = param(250.0, unit="USD/kg", ge=0, le=100_000, plausible=(125.0, 500.0),
                                         help="Cost of moving a kg between neighbouring towns of a corridor.",
                                         source=ROUTE_COST)
    segment_cost_across: float = param(300.0, unit="USD/kg", ge=0, le=100_000, plausible=(150.0, 600.0),
                                       help="Cost of moving a kg across from one corridor to the next "
                                            "(the cross-links between their middle towns).",
                                       source=ROUTE_COST)
    segment_cost_from_region: float = param(200.0, unit="USD/kg", ge=0, le=100_000, plausible=(100.0, 400.0),
                                            help="Cost of moving a kg from a region's first growing area to the "
                                                 "first town of a corridor.",
                                            source=ROUTE_COST)
    segment_cost_to_border: float = param(150.0, unit="USD/kg", ge=0, le=100_000, plausible=(75.0, 300.0),
                                          help="Cost of moving a kg from the last town of a corridor to a border "
                                               "crossing.",
                                          source=ROUTE_COST)
    segment_cost_jitter: float = param(0.3, unit="share of the mean", ge=0, le=0.95, plausible=(0.1, 0.5),
                                       help="Each route segment's cost (and length) varies uniformly within ± "
                                            "this share of its kind's.",
                                       source=SPREAD)
    segment_capacity: float = param(60.0, unit="kg/week", gt=0, le=1e6, plausible=(30.0, 120.0),
                                    help="Mean weekly flow a route segment carries before congestion doubles "
                                         "its cost (trafficking.congestion_exponent).",
                                    source="assumption: well above the baseline's flows (about 5 kg/week a "
                                           "segment, which congestion makes under 5% dearer), so routes congest "
                                           "only where flows concentrate")
    segment_capacity_spread: float = param(20.0, unit="kg/week", ge=0, le=1e6, plausible=(10.0, 30.0),
                                           help="Route segments' capacity varies uniformly within ± this of "
                                                "world.segment_capacity.",
                                           source=SPREAD)

    @model_validator(mode="after")
    def _capacities_stay_positive(self) -> WorldParams:
        if self.segment_capacity_spread >= self.segment_capacity:
            raise ValueError(f"segment_capacity_spread ({self.segment_capacity_spread:g}) must be below "
                             f"segment_capacity ({self.segment_capacity:g}): a route segment's capacity is "
                             "drawn within ± the spread and must stay above 0")
        return self
