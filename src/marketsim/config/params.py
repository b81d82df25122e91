"""Every model parameter, declared once: default, unit, bounds, source and help.

The declarations below are the single source for validation (pydantic), the
command-line reference (`marketsim params`), the dashboard sliders and the
parameter table in the docs. Parameters are grouped by the part of the model
that reads them; a dotted path such as ``policy.hvt_share`` names one.

Sources are cited in each parameter's metadata, by author and year or by the short
form of a source document (e.g. "MDLE seminar 2013"); docs/references.md gives every
work in full. "calibrated" means the value was chosen so the baseline reproduces a
stated target (the target and its source are named); "assumption" means no published
figure was found and the value is a modelling choice to be explored in sweeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Shared source strings, so each citation is spelled once.
UNODC_HOMICIDE = "UNODC Global Study on Homicide 2013, via the IDPC 2016 Module 7 handout"
PRISON_LIST = "World Prison Population List 2013, via the IDPC 2016 Module 7 handout"
PRICE_CHAIN = ("UNODC World Drug Report 2010 price chain "
               "(farm $800, export $2,400, wholesale $19,000, retail ≥ $100,000)")
CAULKINS_REUTER = "Caulkins & Reuter 1998"
PEW_2011 = "Pew 2011 (almost half re-incarcerated within 3 years)"
CALIBRATED = "calibrated: chosen so the baseline reproduces "

TARGETABLE = ("street", "user", "investigation", "hvt", "interdiction", "eradication", "deterrence", "community")
"""The budgeted activities that can be aimed at places (``policy.targets``); anti-money-laundering
follows money, not places."""


def param(
    default: Any,
    *,
    unit: str,
    help: str,
    source: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    plausible: tuple[float, float] | None = None,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare one parameter with its metadata (a pydantic Field).

    ``plausible`` is the range a value could reasonably take given what is known (from the
    source where there is one): the space robustness analyses explore. ``choices`` lists the
    allowed values of a text parameter.
    """
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if plausible is not None:
        low, high = plausible
        if not low <= default <= high:
            raise ValueError(f"default {default!r} outside its plausible range {plausible}")
        extra["plausible"] = [low, high]
    if choices is not None:
        extra["choices"] = list(choices)
    return Field(default, ge=ge, le=le, gt=gt, description=help, json_schema_extra=extra)


class Group(BaseModel):
    """A group of parameters: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class WorldParams(Group):
    """Size and attributes of the generated network of places."""

    file: str = param("", unit="path", source="user input",
                      help="A GraphML or JSON world to load instead of generating one (empty: generate).")
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


class ProductionParams(Group):
    """Farming households: yields, crop choice, eradication response."""

    yield_kg_per_ha_year: float = param(7.0, unit="kg pure/ha/year", gt=0, le=50,
                                        help="Pure drug obtainable from one hectare of crop in a year.",
                                        source="UNODC Colombia Coca Survey: 6-8 kg cocaine HCl/ha/year")
    initial_drug_share: float = param(0.12, unit="share of land", ge=0, le=1, plausible=(0.08, 0.18),
                                      help="Share of household land under the drug crop at the start.",
                                      source=CALIBRATED + "a supply that matches baseline demand plus seizures")
    max_drug_share: float = param(0.8, unit="share of land", ge=0.01, le=1, plausible=(0.6, 0.95),
                                  help="Most land a household will put under the drug crop.",
                                  source="assumption: food crops are kept")
    alt_income_per_ha_year: float = param(1500.0, unit="USD/ha/year", ge=0, le=100_000,
                                          help="Income from legal crops (alternative livelihood).",
                                          source="UNODC 2005 (alternative development evaluation): legal crops "
                                                 "earn a fraction of coca per ha")
    alt_development: float = param(0.0, unit="0-1", ge=0, le=1,
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
    relocation_prob: float = param(0.35, unit="probability", ge=0, le=1,
                                   help="Chance an eradicated household replants in another region "
                                        "(the balloon effect).",
                                   source="MDLE seminar 2014 (coca displaced from Colombia to Peru and Bolivia); "
                                          "Chatham House 2012 (the balloon effect)")
    regrowth_weeks: float = param(30.0, unit="weeks", ge=1, le=260,
                                  help="Weeks before an eradicated field is harvested again after replanting.",
                                  source="UNODC Colombia Coca Survey: coca bushes yield 6-12 months after planting")
    spoilage: float = param(0.01, unit="1/week", ge=0, le=0.5, plausible=(0.0, 0.03),
                            help="Share of unsold farm stock lost each week.", source="assumption")
    farm_price: float = param(800.0, unit="USD/kg pure", ge=1, le=1e6,
                              help="Initial farm-gate price.", source=PRICE_CHAIN)
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


class TraffickingParams(Group):
    """Trafficking organisations: purchases, routes, markups, succession, diversification."""

    organisations: int = param(6, unit="count", ge=1, le=30, plausible=(4, 9),
                               help="Trafficking organisations at the start.",
                               source="assumption; Mexico had 6-9 major DTOs around 2010")
    members_per_org: int = param(60, unit="people", ge=5, le=2000, plausible=(30, 120),
                                 help="Members per organisation at the start (1 leader, lieutenants, soldiers).",
                                 source="assumption")
    lieutenants: int = param(4, unit="people", ge=1, le=20, plausible=(2, 8),
                             help="Lieutenants per organisation: candidates for succession.",
                             source="assumption")
    export_markup: float = param(3.0, unit="ratio", ge=1, le=20,
                                 help="Export price over farm-gate price (processing, local transport).",
                                 source=PRICE_CHAIN + ": $800 → $2,400")
    corridor_markup: float = param(3.5, unit="ratio", ge=1, le=20,
                                   help="Price at the border over the export price (smuggling labour, transport).",
                                   source=PRICE_CHAIN + ": about $9,500 on the near side of the border")
    border_markup: float = param(2.0, unit="ratio", ge=1, le=10,
                                 help="Wholesale price after the border over the price before it.",
                                 source="Chatham House 2012: a kilo of cocaine doubles in value crossing the "
                                        "Mexico–US border")
    risk_premium: float = param(1.5, unit="ratio per unit risk", ge=0, le=20,
                                help="Risk compensation at wholesale: an organisation's price rises by this times "
                                     "the share of its shipments, members and revenue it recently lost to "
                                     "enforcement each week.",
                                source="Reuter & Kleiman 1986 risks-and-prices model; " + CAULKINS_REUTER)
    stock_cover_weeks: float = param(3.0, unit="weeks", gt=0, le=52, plausible=(1.5, 6.0),
                                     help="Weeks of expected sales an organisation keeps in the pipeline.",
                                     source="assumption")
    route_temperature: float = param(0.15, unit="share of route cost", gt=0, le=10, plausible=(0.05, 0.4),
                                     help="Spread of route choice: larger means shipments spread over "
                                          "more routes; smaller means the cheapest route takes almost all.",
                                     source="assumption (NarcoLogic: Magliocca et al. 2019)")
    risk_learning: float = param(0.4, unit="0-1", ge=0, le=1,
                                 help="How far one seizure on a route segment raises the learned risk of it.",
                                 source="NarcoLogic (Magliocca et al. 2019): routes adapt after seizures")
    risk_decay: float = param(0.05, unit="1/week", ge=0, le=1,
                              help="Weekly decay of learned interdiction risk.",
                              source="NarcoLogic (Magliocca et al. 2019)")
    lot_kg: float = param(10.0, unit="kg", ge=0.1, le=10_000, plausible=(5.0, 25.0),
                          help="Size of one shipment lot; interdiction catches whole lots.",
                          source="assumption")
    toll_rate: float = param(0.08, unit="share of value", ge=0, le=1, plausible=(0.03, 0.15),
                             help="Share of cargo value paid to the organisation controlling a transit "
                                  "place ('piso') by others passing through.",
                             source="assumption: the controller of a corridor charges others to use it")
    span_of_control: int = param(8, unit="places", ge=1, le=10_000, plausible=(4, 16),
                                 help="Places a leader can control directly; beyond it lieutenants run "
                                      "distant places and may break away.",
                                 source="assumption; Mexico's large cartels fragmented "
                                        "(IDPC 2016 Module 7; MDLE seminar 2013)")
    fission_rate: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.03, 0.3),
                                help="Weekly chance of a split per span of control exceeded.",
                                source="assumption")
    entry_rate: float = param(0.002, unit="1/week", ge=0, le=1, plausible=(0.0005, 0.005),
                              help="Weekly chance that a new local group forms in a thinly held town or "
                                   "neighbourhood (at mean deprivation; more where deprivation is higher).",
                              source="assumption; Prieto-Curiel et al. 2023 (groups recruit locally)")
    entry_size: int = param(10, unit="members", ge=2, le=1000, plausible=(5, 20),
                            help="Members of a newly formed local group.", source="assumption")
    splinters: int = param(2, unit="count", ge=2, le=4,
                           help="Groups an organisation splits into when succession fails.",
                           source="Phillips 2015")
    labour_share: float = param(0.45, unit="share of revenue", ge=0, le=1,
                                help="Share of revenue an organisation spends on members' wages; sets "
                                     "how many members it can keep.",
                                source="Levitt & Venkatesh 2000 (gang finances: wages a large share)")
    soldier_wage: float = param(400.0, unit="USD/week", ge=50, le=100_000, plausible=(200.0, 800.0),
                                help="Weekly cost of one member.",
                                source="assumption: several times the local minimum wage")
    recruitment: float = param(0.02, unit="1/week", ge=0, le=1,
                               help="Weekly recruitment as a share of the gap between the members "
                                    "an organisation can pay for and those it has.",
                               source="Prieto-Curiel et al. 2023, Science: cartels recruit to replace losses")
    diversification: float = param(0.75, unit="ratio", ge=0, le=1,
                                   help="Revenue below this share of its 6-month average pushes an "
                                        "organisation into extortion and kidnapping.",
                                   source="IDPC 2016 Module 7: Mexico 2007-2010 kidnapping +188%, extortion +100%")
    bribe_share: float = param(0.05, unit="share of revenue", ge=0, le=1, plausible=(0.02, 0.1),
                               help="Share of revenue an organisation offers in bribes to police.",
                               source="assumption; bribery of officials and police (Chatham House 2012; "
                                     "CICAD side event 2014)")
    succession_dominance: float = param(0.5, unit="share of members", ge=0, le=1, plausible=(0.35, 0.8),
                                        help="When the leader is removed, the lieutenant whose faction holds at least "
                                             "this share of the members takes over unopposed; otherwise the factions "
                                             "split and fight over the inheritance.",
                                        source="assumption; Phillips 2015 and Calderón et al. 2015 (fragmentation "
                                               "after leader removal)")
    splinter_minimum: int = param(2, unit="members", ge=1, le=100, plausible=(1, 5),
                                  help="Members a splinter faction takes along when none are stationed in its places.",
                                  source="assumption")
    pipeline_adjustment: float = param(0.25, unit="1/week", ge=0, le=1, plausible=(0.1, 0.5),
                                       help="Share of the gap to the target pipeline ordered each week on top of "
                                            "expected sales (partial adjustment avoids the bullwhip effect).",
                                       source="assumption; order-up-to rule with partial adjustment (Sterman 2000)")
    revenue_memory: float = param(26.0, unit="weeks", ge=1, le=520, plausible=(13.0, 52.0),
                                  help="Weeks over which an organisation averages its revenue.",
                                  source="assumption")
    loss_memory: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.02, 0.3),
                               help="Weekly adjustment of an organisation's sense of the share of shipments and "
                                    "revenue it loses to enforcement (which its prices and bribes respond to).",
                               source="assumption")
    flow_memory: float = param(0.2, unit="1/week", ge=0, le=1, plausible=(0.05, 0.5),
                               help="Weekly adjustment of the traffic shippers expect on each route segment.",
                               source="assumption")
    congestion_exponent: float = param(2.0, unit="exponent", ge=0, le=10, plausible=(1.0, 4.0),
                                       help="Transport cost on a segment rises by (flow / capacity) to this power.",
                                       source="assumption (a congestion function of the BPR type)")
    scarcity_elasticity: float = param(0.3, unit="elasticity", ge=0, le=5, plausible=(0.1, 0.6),
                                       help="How the wholesale price rises as an organisation's pipeline falls "
                                            "below its target cover.",
                                       source="assumption; prices rose in supply shortages (Degenhardt et al. 2005)")
    scarcity_floor: float = param(0.7, unit="ratio", gt=0, le=1, plausible=(0.5, 0.9),
                                  help="Lowest scarcity factor on the wholesale price (when pipelines overflow).",
                                  source="assumption")
    scarcity_cap: float = param(2.0, unit="ratio", ge=1, le=20, plausible=(1.5, 4.0),
                                help="Highest scarcity factor on the wholesale price.", source="assumption")
    initial_cash_weeks: float = param(4.0, unit="weeks of revenue", ge=0, le=520, plausible=(1.0, 12.0),
                                      help="Cash reserves of an organisation at the start.", source="assumption")
    shedding_threshold: float = param(0.25, unit="share of affordable members", ge=0, le=10,
                                      plausible=(0.1, 0.5),
                                      help="An organisation whose members exceed what it can pay by more than this "
                                           "share lets soldiers go.",
                                      source="assumption")
    shedding_rate: float = param(0.01, unit="1/week", ge=0, le=1, plausible=(0.005, 0.05),
                                 help="Weekly chance each soldier leaves an organisation that cannot pay its members.",
                                 source="assumption")
    thin_presence: int = param(1, unit="members", ge=0, le=100, plausible=(0, 3),
                               help="A place held with at most this many members stationed is thinly held: a new "
                                    "local group can form there.",
                               source="assumption")
    racket_price: float = param(0.1, unit="share of revenue", ge=0, le=1, plausible=(0.02, 0.3),
                                help="Share of its revenue the protected organisation pays for the full protection "
                                     "of a collusive arrangement (scaled by the arrangement's strength).",
                                source="assumption; Snyder & Durán-Martínez 2009 (state-sponsored protection "
                                       "rackets)")
    bribe_risk_share: float = param(0.2, unit="share of losses", ge=0, le=1, plausible=(0.0, 0.5),
                                    help="Share of its recent losses to enforcement (seized drugs and money) an "
                                         "organisation adds to its bribes, to buy protection against more.",
                                    source="assumption; Chatham House 2012 (corruption buys protection)")
    arming_rate: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.01, 0.2),
                               help="Weekly adjustment of an organisation's armament toward what the armed threats "
                                    "it faces call for (the arms race).",
                               source="assumption; IDPC 2016 Module 7 (over 250,000 guns smuggled from the USA to "
                                      "Mexico each year)")
    arming_response: float = param(1.0, unit="per confrontation/week", ge=0, le=100, plausible=(0.2, 5.0),
                                   help="How strongly armed confrontations with the state push an organisation to arm: "
                                        "armament rises toward full as 1 − exp(−this × confrontations per week).",
                                   source="assumption")


class RetailParams(Group):
    """Dealers: wholesale purchases, retail prices and purity, sales modes, replacement."""

    dealers_per_1000_users: float = param(30.0, unit="dealers/1000 users", gt=0, le=1000, plausible=(15.0, 60.0),
                                          help="Retail dealers per thousand users.",
                                          source="assumption; Caulkins 1997 (a dealer serves tens of customers)")
    retail_markup: float = param(4.5, unit="ratio", ge=1, le=20,
                                 help="Retail price per pure kg over the wholesale price after the border.",
                                 source=CAULKINS_REUTER + ": retail per pure gram 4-10× the kilo price")
    cover_weeks: float = param(2.0, unit="weeks", gt=0, le=26, plausible=(1.0, 4.0),
                               help="Weeks of sales a dealer keeps in stock.", source="assumption")
    purity: float = param(0.6, unit="share pure", ge=0.01, le=1,
                          help="Street purity when supply is normal.",
                          source="DEA STRIDE: US street cocaine purity around 60% in the 2000s")
    purity_response: float = param(0.6, unit="elasticity", ge=0, le=5,
                                   help="How much dealers cut purity when stock is short.",
                                   source="Degenhardt et al. 2005 (purity fell during the heroin drought)")
    open_air_share: float = param(0.45, unit="share of dealers", ge=0, le=1, plausible=(0.35, 0.55),
                                  help="Dealers selling in open-air street markets.",
                                  source="assumption; MDLE seminar 2013 (High Point's open-air markets)")
    indoor_share: float = param(0.35, unit="share of dealers", ge=0, le=1, plausible=(0.25, 0.4),
                                help="Dealers selling indoors (houses, bars).", source="assumption")
    online_share: float = param(0.05, unit="share of dealers", ge=0, le=1,
                                help="Dealers selling on the dark net with postal or courier delivery. "
                                     "The rest deliver by phone order.",
                                source="MDLE seminar 2014; Global Drug Survey: a few % buy on the dark net")
    open_air_visibility: float = param(1.0, unit="relative", ge=0, le=5,
                                       help="Exposure to street arrests of an open-air dealer.",
                                       source="assumption (reference)")
    indoor_visibility: float = param(0.35, unit="relative", ge=0, le=5, plausible=(0.2, 0.5),
                                     help="Exposure to street arrests of an indoor dealer.",
                                     source="assumption; MDLE seminar 2013 (indoor sales)")
    delivery_visibility: float = param(0.25, unit="relative", ge=0, le=5, plausible=(0.1, 0.4),
                                       help="Exposure to street arrests of a delivery dealer.",
                                       source="assumption; MDLE seminar 2013 (sales by delivery)")
    online_visibility: float = param(0.08, unit="relative", ge=0, le=5,
                                     help="Exposure to street arrests of an online vendor.",
                                     source="MDLE seminar 2014: dark-net markets disperse and adapt, which makes them "
                                            "hard to police")
    replacement_rate: float = param(0.5, unit="1/week", ge=0, le=1, plausible=(0.25, 0.8),
                                    help="Share of dealer vacancies filled per week at mean deprivation; "
                                         "scales with the local labour pool.",
                                    source="assumption: within weeks; low-level sellers 'can easily be replaced' "
                                           "(CICAD side event 2014)")
    vacancy_rivals: float = param(0.5, unit="probability", ge=0, le=1,
                                  help="Chance a vacancy left by an arrested dealer is filled by a rival "
                                       "organisation's recruit.",
                                  source="Werb et al. 2011: enforcement disrupts market equilibria")
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


class DemandParams(Group):
    """Users: consumption, price response, initiation, cessation, treatment."""

    prevalence: float = param(0.02, unit="share of population", ge=0, le=0.5,
                              help="Past-year users at the start.",
                              source="UNODC World Drug Report: past-year cocaine use in the Americas 1-2%")
    dependent_share: float = param(0.25, unit="share of users", ge=0, le=1, plausible=(0.15, 0.35),
                                   help="Dependent users among users at the start.",
                                   source="assumption; about a quarter of past-year cocaine users "
                                          "are dependent (UNODC World Drug Report)")
    grams_occasional: float = param(0.15, unit="g pure/week", ge=0, le=100, plausible=(0.075, 0.3),
                                    help="Weekly consumption of an occasional user at the reference price.",
                                    source="assumption; Kilmer et al. 2014 (RAND What America's users spend)")
    grams_dependent: float = param(1.0, unit="g pure/week", ge=0, le=100,
                                   help="Weekly consumption of a dependent user at the reference price.",
                                   source="Kilmer et al. 2014: heavy users account for most consumption")
    elasticity: float = param(-0.5, unit="elasticity", ge=-3, le=0, plausible=(-1.0, -0.25),
                              help="Price elasticity of demand.",
                              source="assumption within published estimates (Gallet 2014 meta-analysis); "
                                     "about −0.5 for cocaine (OAS 2013)")
    reference_price: float = param(110_000.0, unit="USD/kg pure", gt=0, le=1e7,
                                   help="Retail price at which users consume their reference amounts.",
                                   source=PRICE_CHAIN)
    initiation: float = param(0.00016, unit="1/week", ge=0, le=0.1, plausible=(0.0001, 0.00025),
                              help="Weekly chance a non-user starts, when supply is normal.",
                              source=CALIBRATED + "stable prevalence (initiation balances cessation)")
    cessation: float = param(0.01, unit="1/week", ge=0, le=1, plausible=(0.005, 0.018),
                             help="Weekly chance an occasional user stops.",
                             source="assumption: about 40% of past-year users stop within a year")
    progression: float = param(0.0012, unit="1/week", ge=0, le=1,
                               help="Weekly chance an occasional user becomes dependent.",
                               source="Wagner & Anthony 2002: ~5-6% of users dependent within 2 years")
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
    shortage_initiation: float = param(1.0, unit="elasticity", ge=0, le=10,
                                       help="How strongly initiation falls when supply is short.",
                                       source="Degenhardt et al. 2005 (fewer new users in the drought)")
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


class PoliceParams(Group):
    """Police: budget, productivity of each activity, intelligence, corruption."""

    budget: float = param(1_500_000.0, unit="USD/week", ge=0, le=1e9, plausible=(1_000_000.0, 2_000_000.0),
                          help="Weekly police budget for drug-market work; the same in every preset "
                               "unless it says otherwise.",
                          source="assumption: about 1,000 officer-equivalents")
    officer_week_cost: float = param(1500.0, unit="USD/officer-week", gt=0, le=1e6, plausible=(1000.0, 2500.0),
                                     help="Cost of one officer-week including overheads.",
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
                                      source="IDPC 2016 Module 7 and MDLE seminar 2013 (Mexico's militarised strategy)")
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


class PolicyParams(Group):
    """The policy levers: how the police budget is split, and laws and services."""

    street_share: float = param(0.3, unit="share of budget", ge=0, le=1,
                                help="Budget on street-level arrests of dealers.", source="assumption")
    user_share: float = param(0.1, unit="share of budget", ge=0, le=1,
                              help="Budget on arrests of users for possession.", source="assumption")
    investigation_share: float = param(0.15, unit="share of budget", ge=0, le=1,
                                       help="Budget on investigations of organisation members.",
                                       source="assumption")
    hvt_share: float = param(0.05, unit="share of budget", ge=0, le=1,
                             help="Budget on high-value targeting of leaders (kingpin strategy).",
                             source="assumption")
    interdiction_share: float = param(0.15, unit="share of budget", ge=0, le=1,
                                      help="Budget on interdiction of routes and borders.", source="assumption")
    eradication_share: float = param(0.05, unit="share of budget", ge=0, le=1,
                                     help="Budget on eradication of crops.", source="assumption")
    deterrence_share: float = param(0.0, unit="share of budget", ge=0, le=1,
                                    help="Budget on focused deterrence: call-ins, services and sanctions "
                                         "concentrated on whoever keeps using violence.",
                                    source="Kennedy 2011; Braga et al. 2018")
    community_share: float = param(0.05, unit="share of budget", ge=0, le=1,
                                   help="Budget on community policing and state presence.",
                                   source="assumption")
    aml_share: float = param(0.0, unit="share of budget", ge=0, le=1,
                             help="Budget on anti-money-laundering.", source="assumption")
    targets: dict[str, tuple[str, ...]] = param(
        {}, unit="activity → places", source="user input; Weisburd et al. 2006 and Braga et al. 2019 (hot-spot "
                                              "policing)",
        help="Where each budgeted activity is aimed: a table from activity (" + ", ".join(TARGETABLE)
        + ") to places — place names, place kinds (production, transit, border, urban), region or corridor names, "
          "or 'most_violent:N' (the N places with the most homicides in the year before the targets take effect). "
          "The activity's whole effort goes there; activities not listed work everywhere.")
    militarisation: float = param(0.0, unit="0-1", ge=0, le=1,
                                  help="Share of front-line operations done by militarised units, whose encounters "
                                       "with armed members are fought out (and who kill more of the leaders they "
                                       "take).",
                                  source="IDPC 2016 Module 7: Mexico 2006-2012")
    sentence_multiplier: float = param(1.0, unit="ratio", ge=0.1, le=5,
                                       help="Multiplier on every sentence length (zero tolerance uses > 1).",
                                       source="MDLE seminar 2013: Ciudad Juárez")
    custody_multiplier: float = param(1.0, unit="ratio", ge=0, le=5,
                                      help="Multiplier on the chance that a conviction leads to prison "
                                           "(capped at 1).",
                                      source="assumption")
    user_diversion: float = param(0.0, unit="share", ge=0, le=1,
                                  help="Share of arrested users diverted to treatment or a fine instead "
                                       "of prosecution.",
                                  source="IDPC 2016 Module 7; Portugal 2001 (Hughes & Stevens 2010)")
    dealer_diversion: float = param(0.0, unit="share", ge=0, le=1,
                                    help="Share of low-level dealers given an alternative to prison.",
                                    source="IDPC 2016 Module 7: alternatives to incarceration")
    decriminalise_possession: bool = param(False, unit="yes/no", source="IDPC 2016 Module 7; Portugal 2001 "
                                                                        "(Hughes & Stevens 2010)",
                                           help="Possession is an administrative matter: no arrests "
                                                "of users, referrals to services instead.")
    close_open_air: bool = param(True, unit="yes/no", source="MDLE seminar 2013 (High Point drug market intervention)",
                                 help="Focused deterrence also builds cases against the dealers of the most "
                                      "violent open-air markets, one market at a time, and closes them: their "
                                      "dealers move indoors or to delivery.")
    harm_reduction_policing: bool = param(False, unit="yes/no", source="MDLE seminar 2013; Wood et al. 2004",
                                          help="No arrests around harm-reduction services: users keep "
                                               "using them.")
    collusion: float = param(0.0, unit="0-1", ge=0, le=1,
                             help="Strength of a corrupt arrangement between police and the dominant "
                                  "organisation: it is spared and its rivals are hit.",
                             source="IDPC 2016 Module 7 (Japan's Yakuza)")
    anti_corruption: float = param(0.0, unit="0-1", ge=0, le=1,
                                   help="Anti-corruption effort: lowers the share of officers who take bribes.",
                                   source="CICAD side event 2014")
    legal_share: float = param(0.0, unit="share of demand", ge=0, le=1,
                               help="Share of demand supplied by a legal, taxed, regulated market.",
                               source="Chatham House 2012 and IDPC 2016 Module 7 (the legal regulation debate)")
    legal_price_ratio: float = param(0.6, unit="ratio", gt=0, le=5,
                                     help="Legal retail price as a share of the illicit reference price.",
                                     source="assumption")

    deterrence_allocation: str = param("ranked", unit="ranked or uniform", choices=("ranked", "uniform"),
                                       help="How focused deterrence spends its sanction capacity: on the most "
                                            "violent group first, then the next (ranked: Kleiman's dynamic "
                                            "concentration), or spread over every violent group (uniform).",
                                       source="Kleiman & Kilmer 2009")
    @model_validator(mode="after")
    def _budget_fits(self) -> PolicyParams:
        total = sum(getattr(self, name) for name in BUDGET_SHARES)
        if total > 1 + 1e-9:
            raise ValueError(
                f"policy budget shares add up to {total:.3g}, more than 1 "
                f"({', '.join(BUDGET_SHARES)}); what is left over goes to reactive policing"
            )
        return self


BUDGET_SHARES = (
    "street_share", "user_share", "investigation_share", "hvt_share", "interdiction_share",
    "eradication_share", "deterrence_share", "community_share", "aml_share",
)


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
    sentence_shape: float = param(2.0, unit="gamma shape", gt=0, le=100, plausible=(1.0, 5.0),
                                  help="Shape of the gamma distribution of sentence lengths (larger: less spread).",
                                  source="assumption")
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


class ViolenceParams(Group):
    """Territorial contests, succession fights, dealer disputes, confrontations, extortion."""

    contest_rate: float = param(0.58, unit="1/week", ge=0, le=1, plausible=(0.3, 0.9),
                                help="Weekly chance that two rival organisations fight over a place "
                                     "on their border, at reference value and full parity.",
                                source=CALIBRATED + "about 22 homicides per 100k per year (" + UNODC_HOMICIDE + ")")
    incidents_per_contest: float = param(3.0, unit="incidents", gt=0, le=100, plausible=(1.5, 5.0),
                                         help="Mean violent incidents in one week of a contest.",
                                         source="assumption")
    lethality: float = param(0.35, unit="deaths/incident", ge=0, le=5, plausible=(0.2, 0.5),
                             help="Deaths per violent incident with firearms fully available.",
                             source="assumption; firearms ≈ two-thirds of homicides "
                                    "(UNODC Global Study on Homicide 2013)")
    value_elasticity: float = param(0.8, unit="elasticity", ge=0, le=3,
                                    help="How strongly the chance of a contest rises with the place's "
                                         "drug value (profits bring violence).",
                                    source="Chatham House 2012 (the hourglass); IDPC 2016 Module 7 (higher profits, "
                                           "more violence); Castillo, Mejía & Restrepo 2020")
    reference_value: float = param(95_000.0, unit="USD/week", ge=1, le=1e12, plausible=(60_000.0, 150_000.0),
                                   help="Drug business at a place (flows, tolls, farm and retail sales) at which "
                                        "the contest rate equals contest_rate.",
                                   source=CALIBRATED + "the contest rate at the mean value of places in the baseline")
    reference_sales: float = param(1_400.0, unit="USD/week", ge=1, le=1e9, plausible=(900.0, 2200.0),
                                   help="Weekly retail sales per dealer at which the dispute rate equals "
                                        "dispute_rate.",
                                   source=CALIBRATED + "the dispute rate at the baseline's mean sales per dealer")
    social_control: float = param(1.5, unit="per unit trust", ge=0, le=2,
                                  help="How much trust lowers contests and disputes in a community: residents who "
                                       "report and intervene (collective efficacy).",
                                  source="Sampson, Raudenbush & Earls 1997; "
                                         "MDLE seminar 2014 (Rio's pacification units)")
    parity_weight: float = param(1.0, unit="0-1", ge=0, le=1,
                                 help="How much rough parity between rivals raises the chance of a fight "
                                      "(hegemony lowers it).",
                                 source="IDPC 2016 Module 7 (balance of power; collusion); CICAD side event 2014 "
                                        "(consolidated territorial control with low homicide rates)")
    turmoil_weeks: float = param(26.0, unit="weeks", gt=0, le=520, plausible=(13.0, 52.0),
                                 help="How long the splinters of a split organisation fight over its inheritance.",
                                 source="Calderón et al. 2015: spike within 6 months")
    dispute_rate: float = param(0.013, unit="1/week per open-air rival pair", ge=0, le=1, plausible=(0.006, 0.02),
                                help="Weekly chance of a violent dispute between two open-air dealers "
                                     "of rival organisations in the same neighbourhood.",
                                source=CALIBRATED + "about 22 homicides per 100k per year, with contest_rate (about "
                                       "as many dispute as contest homicides); MDLE seminar 2013 (open-air markets "
                                       "drive street violence)")
    vacancy_violence: float = param(0.15, unit="disputes/rival recruit", ge=0, le=5,
                                    help="Violent disputes set off when a rival organisation's recruit moves "
                                         "onto a vacated street corner.",
                                    source="Werb et al. 2011 (enforcement disrupts market equilibria); "
                                           "Prieto-Curiel et al. 2023")
    dispute_lethality: float = param(0.2, unit="deaths/dispute", ge=0, le=5, plausible=(0.1, 0.35),
                                     help="Deaths per dealer dispute with firearms fully available.",
                                     source="assumption")
    extortion_rate: float = param(0.003, unit="1/week per business", ge=0, le=1,
                                  help="Weekly extortion attempts per exposed business by a diversifying "
                                       "organisation.",
                                  source="IDPC 2016 Module 7: extortion +100% in Mexico 2007-2010")
    businesses_per_1000: float = param(20.0, unit="per 1000 people", ge=0, le=1000, plausible=(10.0, 40.0),
                                       help="Small businesses exposed to extortion.", source="assumption")
    extortion_lethality: float = param(0.01, unit="deaths/extortion", ge=0, le=1, plausible=(0.003, 0.03),
                                       help="Deaths per extortion or kidnapping event.", source="assumption")
    vigilantism: float = param(0.02, unit="incidents/week", ge=0, le=10,
                               help="Vigilante incidents per week in a place with no trust and heavy "
                                    "extortion.", source="IDPC 2016 Module 7 (vigilante self-defence groups in Mexico)")
    background_homicides: float = param(2.0, unit="per 100k/year", ge=0, le=100, plausible=(1.0, 5.0),
                                        help="Homicides unrelated to drug markets.",
                                        source="assumption: Western European level "
                                               "(UNODC Global Study on Homicide 2013)")
    service_uptake: float = param(0.15, unit="probability", ge=0, le=1, plausible=(0.05, 0.3),
                                  help="Chance a called-in dealer takes up the offer of services and leaves "
                                       "the trade.",
                                  source="assumption; Kennedy 2011")
    sanction_weight: float = param(2.0, unit="ratio", ge=0, le=50, plausible=(0.5, 5.0),
                                   help="What a certain, swift sanction costs a group relative to what a violent act "
                                        "gains it: violence falls as exp(−this × the certainty of a sanction).",
                                   source="assumption; Nagin 2013 (certainty, not severity, deters); Kleiman & Kilmer "
                                          "2009")
    delay_discount: float = param(0.5, unit="ratio", ge=0, le=1, plausible=(0.2, 1.0),
                                  help="Weight of a slow sanction (a homicide cleared through the courts) against a "
                                       "swift one (a focused-deterrence response).",
                                  source="assumption; Kleiman & Kilmer 2009 (swift and certain)")
    reference_trust: float = param(0.4, unit="0-1", ge=0, le=1, plausible=(0.3, 0.5),
                                   help="Trust at which contest and dispute rates, and police productivity, take "
                                        "their stated values (about the baseline's level).",
                                   source="Latinobarómetro: about 35-45% express confidence in police")
    presence_effect: float = param(0.5, unit="0-1", ge=0, le=1, plausible=(0.2, 0.8),
                                   help="Fall in contests and extortion at full state presence.",
                                   source="assumption; MDLE seminar 2014 (Rio's pacification units)")
    vacant_takeover: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.02, 0.3),
                                   help="Weekly chance a neighbouring organisation occupies a place nobody defends.",
                                   source="assumption")
    takeover_incidents: float = param(1.0, unit="incidents", ge=0, le=100, plausible=(0.5, 2.0),
                                      help="Mean violent incidents when an organisation takes a rival's unguarded "
                                           "place.",
                                      source="assumption")
    attack_success: float = param(0.5, unit="probability", ge=0, le=1, plausible=(0.3, 0.8),
                                  help="Chance an attack takes the place against no resistance (scaled by the "
                                       "attacker's share of local strength).",
                                  source="assumption")
    max_contest_chance: float = param(0.95, unit="probability/week", gt=0, le=1, plausible=(0.8, 1.0),
                                      help="Highest weekly chance of a contest over one border, however tempting.",
                                      source="assumption")
    garrison_share: float = param(0.5, unit="share of attackers", gt=0, le=1, plausible=(0.25, 0.75),
                                  help="Share of the attackers at the origin who move into a place they take.",
                                  source="assumption")
    defender_losses: float = param(0.5, unit="share of deaths", ge=0, le=1, plausible=(0.3, 0.7),
                                   help="Share of the deaths in a contest among the defending organisation's members.",
                                   source="assumption")
    attacker_losses: float = param(0.25, unit="share of deaths", ge=0, le=1, plausible=(0.1, 0.5),
                                   help="Share of the deaths in a contest among the attacking organisation's members.",
                                   source="assumption")
    defender_blame: float = param(0.5, unit="ratio", ge=0, le=1, plausible=(0.25, 1.0),
                                  help="How much of a contest's violence counts against the defender (the attacker "
                                       "counts fully) when police rank groups by violence.",
                                  source="assumption")
    violence_memory: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.05, 0.3),
                                   help="Weekly fading of the recent violence of a dealer, an organisation or a place.",
                                   source="assumption")
    value_memory: float = param(0.1, unit="1/week", ge=0, le=1, plausible=(0.02, 0.3),
                                help="Weekly adjustment of the drug value organisations see at stake in each place.",
                                source="assumption")
    record_violence: float = param(0.6, unit="relative", ge=0, le=5, plausible=(0.0, 1.5),
                                   help="Extra propensity to violence of dealers who have been in prison.",
                                   source="assumption; Bayer, Hjalmarsson & Pozen 2009 (criminal capital in "
                                          "correctional facilities)")
    unit_lethality: float = param(0.3, unit="deaths/confrontation", ge=0, le=10, plausible=(0.1, 0.6),
                                  help="Deaths per armed confrontation from the militarised unit's fire.",
                                  source="assumption; IDPC 2016 Module 7 (Mexico's militarised strategy)")
    member_lethality: float = param(0.6, unit="deaths/confrontation", ge=0, le=10, plausible=(0.2, 1.0),
                                    help="Deaths per armed confrontation from a fully armed organisation's fire "
                                         "(scaled by its armament).",
                                    source="assumption; Werb et al. 2011")
    extortion_take: float = param(2000.0, unit="USD/event", ge=0, le=1e7, plausible=(500.0, 10_000.0),
                                  help="What an organisation gains from one extortion or kidnapping event.",
                                  source="assumption")
    background_extortion: float = param(0.1, unit="ratio", ge=0, le=1, plausible=(0.0, 0.3),
                                        help="Extortion by organisations that are not diversifying, relative to those "
                                             "that are.",
                                        source="assumption")
    vigilante_lethality: float = param(0.3, unit="deaths/incident", ge=0, le=1, plausible=(0.1, 0.5),
                                       help="Deaths per vigilante incident.", source="assumption")
    vigilante_trust: float = param(0.3, unit="0-1", ge=0, le=1, plausible=(0.2, 0.4),
                                   help="Trust in police below which residents facing extortion take up arms (more "
                                        "the lower it is).",
                                   source="assumption; IDPC 2016 Module 7 (autodefensas in Michoacán)")
    vigilante_extortion: float = param(5.0, unit="events/week", gt=0, le=1000, plausible=(2.0, 10.0),
                                       help="Extortion events per week in a place at which vigilante pressure is full.",
                                       source="assumption")


class HarmParams(Group):
    """Overdoses, infections, harm-reduction services, trust and fear."""

    overdose_rate: float = param(0.00025, unit="1/week per dependent user", ge=0, le=0.1,
                                 help="Weekly chance of a fatal overdose for a dependent user at normal purity.",
                                 source="Degenhardt et al. 2011: crude mortality of dependent users ~1-2%/year, "
                                        "overdose a large share")
    purity_swing: float = param(2.0, unit="elasticity", ge=0, le=10,
                                help="How overdose risk rises when purity is above its recent average.",
                                source="Darke et al. 1999; Degenhardt et al. 2005")
    disruption_risk: float = param(1.5, unit="ratio", ge=0, le=20,
                                   help="Extra overdose risk per unit share of local dealers removed this week "
                                        "(users switch to unknown supply).",
                                   source="Ray et al. 2023 (seizures followed by overdose spikes)")
    naloxone_coverage: float = param(0.05, unit="share of overdoses", ge=0, le=1, plausible=(0.0, 0.15),
                                     help="Share of overdoses witnessed by someone carrying naloxone.",
                                     source="assumption")
    naloxone_efficacy: float = param(0.8, unit="probability", ge=0, le=1,
                                     help="Chance naloxone reverses a witnessed fatal overdose.",
                                     source="WHO 2014 community management of opioid overdose")
    injecting_share: float = param(0.2, unit="share of dependent users", ge=0, le=1, plausible=(0.1, 0.35),
                                   help="Dependent users who inject.", source="assumption")
    sharing_infection: float = param(0.001, unit="1/week", ge=0, le=1, plausible=(0.0005, 0.005),
                                     help="Weekly chance a person who injects without clean equipment is infected.",
                                     source="assumption: HCV incidence among people who inject of 10-30 per 100 "
                                            "person-years")
    syringe_coverage: float = param(0.1, unit="share of injectors", ge=0, le=1, plausible=(0.05, 0.25),
                                    help="Injectors reached by syringe programmes.", source="assumption")
    syringe_efficacy: float = param(0.6, unit="0-1", ge=0, le=1,
                                    help="Fall in infection risk for those reached.",
                                    source="WHO 2004; Aspinall et al. 2014 (~ -58% HIV)")
    treatment_capacity: float = param(60.0, unit="places per 100k", ge=0, le=5000, plausible=(30.0, 100.0),
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


def mechanism(help: str, source: str) -> Any:
    """Declare a mechanism switch: on by default; off makes the mechanism neutral (for ablation)."""
    return param(True, unit="on/off", help=help, source=source)


class MechanismParams(Group):
    """Switches for each mechanism a stylized fact rests on. Off makes the mechanism neutral, so
    that ablation can show the fact's effect comes from it (docs/validation.md)."""

    crop_choice: bool = mechanism("Households move land toward the more profitable crop, net of perceived "
                                  "eradication risk (off: crop shares stay where they start).",
                                  "Moreno-Sanchez et al. 2003; NarcoLogic (Magliocca et al. 2019)")
    relocation: bool = mechanism("Eradicated households replant in another region (off: they stay).",
                                 "MDLE seminar 2014; Chatham House 2012 (the balloon effect)")
    replacement: bool = mechanism("Dealer vacancies are filled from the local labour pool (off: they stay empty).",
                                  "CICAD side event 2014; Prieto-Curiel et al. 2023")
    risk_prices: bool = mechanism("Each tier's price carries a premium for the risk of seizure and arrest borne "
                                  "there (off: prices carry the markups only).",
                                  "Reuter & Kleiman 1986; " + CAULKINS_REUTER)
    deterrence: bool = mechanism("Violence falls with the certainty of a sanction (off: certainty changes nothing).",
                                 "Nagin 2013; Kleiman & Kilmer 2009")
    value_motive: bool = mechanism("Contests rise with the drug value at stake in a place, disputes with dealers' "
                                   "sales (off: every place is worth the reference value).",
                                   "Chatham House 2012 and IDPC 2016 Module 7 (profits and violence); Castillo, "
                                   "Mejía & Restrepo 2020")
    hegemony: bool = mechanism("Rough parity between rivals' local strength makes contests likelier; a dominant "
                               "organisation is rarely challenged (off: parity changes nothing).",
                               "IDPC 2016 Module 7 (the balance of power)")
    succession_contests: bool = mechanism("After a leader's removal, balanced factions split and fight over the "
                                          "inheritance (off: the strongest lieutenant always takes over).",
                                          "Phillips 2015; Calderón et al. 2015")
    protection_racket: bool = mechanism("Under collusion, police spare the protected organisation and spend the "
                                        "officer-weeks spared answering violence by or against it, which it pays for "
                                        "(off: no organisation is protected and none pays).",
                                        "Snyder & Durán-Martínez 2009; IDPC 2016 Module 7 (the Yakuza)")
    bribery: bool = mechanism("Organisations' bribes corrupt officers and buy off enforcement (off: no officer "
                              "takes a bribe).",
                              "Chatham House 2012; CICAD side event 2014")
    arms_race: bool = mechanism("Organisations confronted by armed units arm themselves, raising the lethality of "
                                "all their violence (off: armament stays at its start).",
                                "IDPC 2016 Module 7; Werb et al. 2011")
    armed_confrontations: bool = mechanism("Encounters between militarised units and armed members are fought out "
                                           "(off: militarised units arrest without a fight).",
                                           "IDPC 2016 Module 7 (Mexico's militarised strategy); Werb et al. 2011")
    vacancy_violence: bool = mechanism("A rival organisation's recruit on a vacated corner is challenged (off: "
                                       "replacements are peaceful).",
                                       "Werb et al. 2011; Prieto-Curiel et al. 2023")
    criminogenic_prison: bool = mechanism("Prison raises people's re-offending and the violence of dealers who have "
                                          "been inside (off: prison changes neither).",
                                          "Cullen, Jonson & Nagin 2011; Bayer, Hjalmarsson & Pozen 2009")
    procedural_justice: bool = mechanism("Trust follows residents' encounters with police: contacts, arrests, "
                                         "answered reports (off: trust stays where it starts).",
                                         "Tyler & Fagan 2008; Skogan 2006")
    reporting: bool = mechanism("Residents' reports help police clear homicides and find offenders (off: "
                                "productivity ignores reporting).",
                                "Tyler & Fagan 2008")
    street_territory: bool = mechanism("Disputes need rivals on shared street territory and online sales hold no "
                                       "territory (off: every sales mode has open-air contact and territorial value).",
                                       "IDPC 2016 Module 7; MDLE seminar 2014")
    displacement: bool = mechanism("Dealers move away from local arrest risk (to a neighbouring place of their "
                                   "organisation, or indoors) and buyers seek what their neighbourhood cannot "
                                   "supply next door (off: dealers and buyers stay put).",
                                   "Weisburd et al. 2006; Bowers et al. 2011")
    service_access: bool = mechanism("Arrest risk near services keeps people who inject away from syringe "
                                     "programmes (off: attendance ignores arrests).",
                                     "Wood et al. 2004")
    risk_compensation: bool = mechanism("Users' initiation and progression respond to the overdose deaths they see "
                                        "(off: use ignores risk).",
                                        "Doleac & Mukherjee 2022")
    tolerance: bool = mechanism("Overdose risk follows intake against tolerance and purity against what users "
                                "expect (off: every user faces the base risk).",
                                "Darke et al. 1999; Degenhardt et al. 2005")
    treatment_access: bool = mechanism("Treatment places limit who can enter treatment, and waiting lists deter "
                                       "seeking it (off: everyone who seeks treatment gets a place).",
                                       "UNODC World Drug Report (treatment coverage)")
    naloxone_reversal: bool = mechanism("Naloxone carried by witnesses reverses overdoses (off: it does not).",
                                        "WHO 2014 (community management of opioid overdose)")
    clean_equipment: bool = mechanism("Syringe programmes lower infection per injection among those they reach "
                                      "(off: they do not).",
                                      "Aspinall et al. 2014")
    treatment_diversion: bool = mechanism("Diversion to treatment lowers re-offending (off: it does not).",
                                          "Mitchell, Wilson, Eggers & MacKenzie 2012")


class Params(BaseModel):
    """All parameters of one scenario, grouped by the part of the model that reads them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    world: WorldParams = WorldParams()
    production: ProductionParams = ProductionParams()
    trafficking: TraffickingParams = TraffickingParams()
    retail: RetailParams = RetailParams()
    demand: DemandParams = DemandParams()
    police: PoliceParams = PoliceParams()
    policy: PolicyParams = PolicyParams()
    justice: JusticeParams = JusticeParams()
    violence: ViolenceParams = ViolenceParams()
    harm: HarmParams = HarmParams()
    mechanisms: MechanismParams = MechanismParams()

    @model_validator(mode="after")
    def _sales_modes_fit(self) -> Params:
        r = self.retail
        total = r.open_air_share + r.indoor_share + r.online_share
        if total > 1 + 1e-9:
            raise ValueError(
                f"retail open_air_share + indoor_share + online_share add up to {total:.3g}, "
                "more than 1; the rest are delivery dealers"
            )
        return self


@dataclass(frozen=True)
class ParamSpec:
    """One parameter's metadata, flattened for the CLI, the dashboard and the docs."""

    path: str
    group: str
    name: str
    default: Any
    kind: Literal["int", "float", "bool", "str", "table"]
    unit: str
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool
    help: str
    source: str
    plausible: tuple[float, float] | None = None
    choices: tuple[str, ...] | None = None


def _bounds(field: Any) -> tuple[float | None, float | None, bool]:
    lo = hi = None
    exclusive = False
    for item in field.metadata:
        if getattr(item, "ge", None) is not None:
            lo = item.ge
        if getattr(item, "gt", None) is not None:
            lo, exclusive = item.gt, True
        if getattr(item, "le", None) is not None:
            hi = item.le
    return lo, hi, exclusive


def parameter_specs() -> list[ParamSpec]:
    """Every parameter with its metadata, in declaration order."""
    specs = []
    for group, group_field in Params.model_fields.items():
        group_model = group_field.annotation
        for name, field in group_model.model_fields.items():
            lo, hi, exclusive = _bounds(field)
            extra = field.json_schema_extra or {}
            specs.append(ParamSpec(
                path=f"{group}.{name}", group=group, name=name, default=field.default,
                kind=field.annotation.__name__ if isinstance(field.annotation, type) else "table",
                unit=extra.get("unit", ""), minimum=lo, maximum=hi, exclusive_minimum=exclusive,
                help=field.description or "", source=extra.get("source", ""),
                plausible=tuple(extra["plausible"]) if "plausible" in extra else None,
                choices=tuple(extra["choices"]) if "choices" in extra else None,
            ))
    return specs


SPECS: dict[str, ParamSpec] = {spec.path: spec for spec in parameter_specs()}
GROUPS: tuple[str, ...] = tuple(Params.model_fields)

