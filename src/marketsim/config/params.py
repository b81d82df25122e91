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


def param(
    default: Any,
    *,
    unit: str,
    help: str,
    source: str,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
) -> Any:
    """Declare one parameter with its metadata (a pydantic Field)."""
    return Field(
        default,
        ge=ge,
        le=le,
        gt=gt,
        description=help,
        json_schema_extra={"unit": unit, "source": source},
    )


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
    places_per_region: int = param(3, unit="count", ge=1, le=8,
                                   help="Production places (growing areas) per region.",
                                   source="assumption")
    producers: int = param(3000, unit="households", ge=60, le=100_000,
                           help="Farming households, spread over the production places.",
                           source="assumption: sized for ~5,000 agents in the default world")
    land_per_producer_ha: float = param(0.5, unit="ha", gt=0, le=20,
                                        help="Mean land a household can plant with the drug crop.",
                                        source="UNODC Colombia Coca Survey: smallholder coca plots "
                                               "average well under 1 ha")
    routes: int = param(3, unit="count", ge=2, le=6,
                        help="Alternative trafficking corridors from the source regions to the border.",
                        source="assumption; trafficking routes 'change with controls by the governments' "
                               "(MDLE seminar 2014)")
    towns_per_route: int = param(3, unit="count", ge=1, le=8,
                                 help="Transit towns along each corridor: the length of the chain.",
                                 source="assumption; stylized fact 6 varies it")
    border_crossings: int = param(3, unit="count", ge=1, le=6,
                                  help="Crossing points into the consumer country.",
                                  source="assumption")
    neighbourhoods: int = param(16, unit="count", ge=12, le=64,
                                help="Neighbourhoods of the consumer city (a square-ish grid).",
                                source="assumption: enough neighbourhoods for rival territories and displacement")
    neighbourhood_population: int = param(150_000, unit="people", ge=1000, le=2_000_000,
                                          help="Mean residents per city neighbourhood.",
                                          source="assumption: a 2.4 million city")
    town_population: int = param(30_000, unit="people", ge=500, le=1_000_000,
                                 help="Mean residents per transit town.", source="assumption")
    deprivation: float = param(0.5, unit="0-1", ge=0, le=1,
                               help="Mean deprivation of places (poverty, youth unemployment).",
                               source="assumption; feeds the dealer labour pool (Prieto-Curiel et al. 2023)")
    firearms: float = param(0.65, unit="0-1", ge=0, le=1,
                            help="Firearm availability; scales the lethality of violence.",
                            source="two-thirds of homicides in the Americas are by firearm (" + UNODC_HOMICIDE + ")")
    state_presence: float = param(0.4, unit="0-1", ge=0, le=1,
                                  help="Mean state presence in production and transit places.",
                                  source="assumption; MDLE seminar 2014 (Rio's pacification units); "
                                         "CICAD side event 2014")
    corruption: float = param(0.3, unit="0-1", ge=0, le=1,
                              help="Share of police officers who accept bribes at the start.",
                              source="assumption; Chatham House 2012 and IDPC 2016 Module 7 (session 7.3) describe "
                                     "pervasive police corruption")
    trust: float = param(0.5, unit="0-1", ge=0, le=1,
                         help="Trust in police that a place would have with no violence, mass arrests "
                              "or corruption; places start there and settle lower.",
                         source="Latinobarómetro: about 35-45% express confidence in police")
    border_inspection: float = param(0.04, unit="probability/shipment", ge=0, le=0.5,
                                     help="Chance that a shipment is caught at a border crossing "
                                          "without any extra interdiction effort.",
                                     source=CALIBRATED + "seizures of roughly a fifth of flows "
                                            "(UNODC World Drug Report)")


class ProductionParams(Group):
    """Farming households: yields, crop choice, eradication response."""

    yield_kg_per_ha_year: float = param(7.0, unit="kg pure/ha/year", gt=0, le=50,
                                        help="Pure drug obtainable from one hectare of crop in a year.",
                                        source="UNODC Colombia Coca Survey: 6-8 kg cocaine HCl/ha/year")
    initial_drug_share: float = param(0.12, unit="share of land", ge=0, le=1,
                                      help="Share of household land under the drug crop at the start.",
                                      source=CALIBRATED + "a supply that matches baseline demand plus seizures")
    max_drug_share: float = param(0.8, unit="share of land", ge=0, le=1,
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
    crop_response: float = param(0.3, unit="1/relative income", ge=0, le=20,
                                 help="How strongly households move land toward the more profitable crop "
                                      "(the default gives a supply elasticity near 1).",
                                 source="assumption (logit choice, as in NarcoLogic's farmer model); "
                                        "coca supply elasticities of about 0.3-1 (Moreno-Sanchez et al. 2003)")
    crop_adjust_rate: float = param(0.02, unit="1/week", ge=0, le=1,
                                    help="Share of the gap to the preferred crop mix closed each week "
                                         "(planting takes months).",
                                    source="assumption: coca matures in 6-12 months")
    eradication_fear: float = param(6.0, unit="1/probability", ge=0, le=100,
                                    help="Weight households put on their perceived eradication risk.",
                                    source="assumption; eradication diverts production to other areas "
                                           "(MDLE seminar 2014)")
    eradication_memory: float = param(0.03, unit="1/week", ge=0, le=1,
                                      help="Weekly decay of perceived eradication risk.",
                                      source="assumption")
    relocation_prob: float = param(0.35, unit="probability", ge=0, le=1,
                                   help="Chance an eradicated household replants in another region "
                                        "(the balloon effect).",
                                   source="MDLE seminar 2014 (coca displaced from Colombia to Peru and Bolivia); "
                                          "Chatham House 2012 (the balloon effect)")
    regrowth_weeks: float = param(30.0, unit="weeks", gt=0, le=260,
                                  help="Weeks before an eradicated field is harvested again after replanting.",
                                  source="UNODC Colombia Coca Survey: coca bushes yield 6-12 months after planting")
    spoilage: float = param(0.01, unit="1/week", ge=0, le=0.5,
                            help="Share of unsold farm stock lost each week.", source="assumption")
    farm_price: float = param(800.0, unit="USD/kg pure", gt=0, le=1e6,
                              help="Initial farm-gate price.", source=PRICE_CHAIN)
    price_adjustment: float = param(0.015, unit="1/week", ge=0, le=1,
                                    help="Speed at which the farm-gate price moves to clear the market.",
                                    source="assumption")


class TraffickingParams(Group):
    """Trafficking organisations: purchases, routes, markups, succession, diversification."""

    organisations: int = param(6, unit="count", ge=1, le=30,
                               help="Trafficking organisations at the start.",
                               source="assumption; Mexico had 6-9 major DTOs around 2010")
    members_per_org: int = param(60, unit="people", ge=5, le=2000,
                                 help="Members per organisation at the start (1 leader, lieutenants, soldiers).",
                                 source="assumption")
    lieutenants: int = param(4, unit="people", ge=1, le=20,
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
                                help="Risk compensation: price rises by this times the share lost to "
                                     "seizures and arrests on a leg.",
                                source="Reuter & Kleiman 1986 risks-and-prices model; " + CAULKINS_REUTER)
    stock_cover_weeks: float = param(3.0, unit="weeks", gt=0, le=52,
                                     help="Weeks of expected sales an organisation keeps in the pipeline.",
                                     source="assumption")
    route_temperature: float = param(0.15, unit="share of route cost", gt=0, le=10,
                                     help="Spread of route choice: larger means shipments spread over "
                                          "more routes; smaller means the cheapest route takes almost all.",
                                     source="assumption (NarcoLogic: Magliocca et al. 2019)")
    risk_learning: float = param(0.4, unit="0-1", ge=0, le=1,
                                 help="How far one seizure on a route segment raises the learned risk of it.",
                                 source="NarcoLogic (Magliocca et al. 2019): routes adapt after seizures")
    risk_decay: float = param(0.05, unit="1/week", ge=0, le=1,
                              help="Weekly decay of learned interdiction risk.",
                              source="NarcoLogic (Magliocca et al. 2019)")
    lot_kg: float = param(10.0, unit="kg", gt=0, le=10_000,
                          help="Size of one shipment lot; interdiction catches whole lots.",
                          source="assumption")
    toll_rate: float = param(0.08, unit="share of value", ge=0, le=1,
                             help="Share of cargo value paid to the organisation controlling a transit "
                                  "place ('piso') by others passing through.",
                             source="assumption: the controller of a corridor charges others to use it")
    orderly_succession: float = param(0.45, unit="probability", ge=0, le=1,
                                      help="Chance that a lieutenant takes over after the leader is "
                                           "removed; otherwise the organisation splinters.",
                                      source="Phillips 2015; Calderón et al. 2015 (fragmentation after "
                                             "leader removal is common)")
    span_of_control: int = param(8, unit="places", ge=1, le=10_000,
                                 help="Places a leader can control directly; beyond it lieutenants run "
                                      "distant places and may break away.",
                                 source="assumption; Mexico's large cartels fragmented "
                                        "(IDPC 2016 Module 7; MDLE seminar 2013)")
    fission_rate: float = param(0.1, unit="1/week", ge=0, le=1,
                                help="Weekly chance of a split per span of control exceeded.",
                                source="assumption")
    entry_rate: float = param(0.002, unit="1/week", ge=0, le=1,
                              help="Weekly chance that a new local group forms in a thinly held town or "
                                   "neighbourhood (at mean deprivation; more where deprivation is higher).",
                              source="assumption; Prieto-Curiel et al. 2023 (groups recruit locally)")
    entry_size: int = param(10, unit="members", ge=2, le=1000,
                            help="Members of a newly formed local group.", source="assumption")
    splinters: int = param(2, unit="count", ge=2, le=4,
                           help="Groups an organisation splits into when succession fails.",
                           source="Phillips 2015")
    labour_share: float = param(0.45, unit="share of revenue", ge=0, le=1,
                                help="Share of revenue an organisation spends on members' wages; sets "
                                     "how many members it can keep.",
                                source="Levitt & Venkatesh 2000 (gang finances: wages a large share)")
    soldier_wage: float = param(400.0, unit="USD/week", ge=0, le=100_000,
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
    bribe_share: float = param(0.05, unit="share of revenue", ge=0, le=1,
                               help="Share of revenue an organisation offers in bribes to police.",
                               source="assumption; bribery of officials and police (Chatham House 2012; "
                                     "CICAD side event 2014)")


class RetailParams(Group):
    """Dealers: wholesale purchases, retail prices and purity, sales modes, replacement."""

    dealers_per_1000_users: float = param(30.0, unit="dealers/1000 users", gt=0, le=1000,
                                          help="Retail dealers per thousand users.",
                                          source="assumption; Caulkins 1997 (a dealer serves tens of customers)")
    retail_markup: float = param(4.5, unit="ratio", ge=1, le=20,
                                 help="Retail price per pure kg over the wholesale price after the border.",
                                 source=CAULKINS_REUTER + ": retail per pure gram 4-10× the kilo price")
    cover_weeks: float = param(2.0, unit="weeks", gt=0, le=26,
                               help="Weeks of sales a dealer keeps in stock.", source="assumption")
    purity: float = param(0.6, unit="share pure", gt=0, le=1,
                          help="Street purity when supply is normal.",
                          source="DEA STRIDE: US street cocaine purity around 60% in the 2000s")
    purity_response: float = param(0.6, unit="elasticity", ge=0, le=5,
                                   help="How much dealers cut purity when stock is short.",
                                   source="Degenhardt et al. 2005 (purity fell during the heroin drought)")
    open_air_share: float = param(0.45, unit="share of dealers", ge=0, le=1,
                                  help="Dealers selling in open-air street markets.",
                                  source="assumption; MDLE seminar 2013 (High Point's open-air markets)")
    indoor_share: float = param(0.35, unit="share of dealers", ge=0, le=1,
                                help="Dealers selling indoors (houses, bars).", source="assumption")
    online_share: float = param(0.05, unit="share of dealers", ge=0, le=1,
                                help="Dealers selling on the dark net with postal or courier delivery. "
                                     "The rest deliver by phone order.",
                                source="MDLE seminar 2014; Global Drug Survey: a few % buy on the dark net")
    open_air_visibility: float = param(1.0, unit="relative", ge=0, le=5,
                                       help="Exposure to street arrests of an open-air dealer.",
                                       source="assumption (reference)")
    indoor_visibility: float = param(0.35, unit="relative", ge=0, le=5,
                                     help="Exposure to street arrests of an indoor dealer.",
                                     source="assumption; MDLE seminar 2013 (indoor sales)")
    delivery_visibility: float = param(0.25, unit="relative", ge=0, le=5,
                                       help="Exposure to street arrests of a delivery dealer.",
                                       source="assumption; MDLE seminar 2013 (sales by delivery)")
    online_visibility: float = param(0.08, unit="relative", ge=0, le=5,
                                     help="Exposure to street arrests of an online vendor.",
                                     source="MDLE seminar 2014: dark-net markets disperse and adapt, which makes them "
                                            "hard to police")
    replacement_rate: float = param(0.5, unit="1/week", ge=0, le=1,
                                    help="Share of dealer vacancies filled per week at mean deprivation; "
                                         "scales with the local labour pool.",
                                    source="assumption: within weeks; low-level sellers 'can easily be replaced' "
                                           "(CICAD side event 2014)")
    vacancy_rivals: float = param(0.5, unit="probability", ge=0, le=1,
                                  help="Chance a vacancy left by an arrested dealer is filled by a rival "
                                       "organisation's recruit.",
                                  source="Werb et al. 2011: enforcement disrupts market equilibria")
    dealer_violence: float = param(0.5, unit="0-1", ge=0, le=1,
                                   help="Mean propensity of dealers to use violence in disputes "
                                        "(individuals vary around it).",
                                   source="assumption")


class DemandParams(Group):
    """Users: consumption, price response, initiation, cessation, treatment."""

    prevalence: float = param(0.02, unit="share of population", ge=0, le=0.5,
                              help="Past-year users at the start.",
                              source="UNODC World Drug Report: past-year cocaine use in the Americas 1-2%")
    dependent_share: float = param(0.25, unit="share of users", ge=0, le=1,
                                   help="Dependent users among users at the start.",
                                   source="assumption; about a quarter of past-year cocaine users "
                                          "are dependent (UNODC World Drug Report)")
    grams_occasional: float = param(0.15, unit="g pure/week", ge=0, le=100,
                                    help="Weekly consumption of an occasional user at the reference price.",
                                    source="assumption; Kilmer et al. 2014 (RAND What America's users spend)")
    grams_dependent: float = param(1.0, unit="g pure/week", ge=0, le=100,
                                   help="Weekly consumption of a dependent user at the reference price.",
                                   source="Kilmer et al. 2014: heavy users account for most consumption")
    elasticity: float = param(-0.5, unit="elasticity", ge=-3, le=0,
                              help="Price elasticity of demand.",
                              source="assumption within published estimates (Gallet 2014 meta-analysis); "
                                     "about −0.5 for cocaine (OAS 2013)")
    reference_price: float = param(110_000.0, unit="USD/kg pure", gt=0, le=1e7,
                                   help="Retail price at which users consume their reference amounts.",
                                   source=PRICE_CHAIN)
    initiation: float = param(0.00016, unit="1/week", ge=0, le=0.1,
                              help="Weekly chance a non-user starts, when supply is normal.",
                              source=CALIBRATED + "stable prevalence (initiation balances cessation)")
    cessation: float = param(0.01, unit="1/week", ge=0, le=1,
                             help="Weekly chance an occasional user stops.",
                             source="assumption: about 40% of past-year users stop within a year")
    progression: float = param(0.0012, unit="1/week", ge=0, le=1,
                               help="Weekly chance an occasional user becomes dependent.",
                               source="Wagner & Anthony 2002: ~5-6% of users dependent within 2 years")
    remission: float = param(0.002, unit="1/week", ge=0, le=1,
                             help="Weekly chance a dependent user stops without treatment.",
                             source="assumption")
    treatment_seeking: float = param(0.008, unit="1/week", ge=0, le=1,
                                     help="Weekly chance a dependent user seeks treatment when every place is "
                                          "free (scaled by the share of places free: waiting lists deter).",
                                     source="assumption: about a fifth of dependent users enter "
                                            "treatment each year (UNODC World Drug Report)")
    treatment_weeks: float = param(16.0, unit="weeks", gt=0, le=520,
                                   help="Mean length of a treatment episode.", source="assumption")
    treatment_success: float = param(0.4, unit="probability", ge=0, le=1,
                                     help="Chance a finished treatment episode ends in abstinence.",
                                     source="assumption; NIDA: relapse rates 40-60%")
    shortage_initiation: float = param(1.0, unit="elasticity", ge=0, le=10,
                                       help="How strongly initiation falls when supply is short.",
                                       source="Degenhardt et al. 2005 (fewer new users in the drought)")


class PoliceParams(Group):
    """Police: budget, productivity of each activity, intelligence, corruption."""

    budget: float = param(1_500_000.0, unit="USD/week", ge=0, le=1e9,
                          help="Weekly police budget for drug-market work; the same in every preset "
                               "unless it says otherwise.",
                          source="assumption: about 1,000 officer-equivalents")
    officer_week_cost: float = param(1500.0, unit="USD/officer-week", gt=0, le=1e6,
                                     help="Cost of one officer-week including overheads.",
                                     source="assumption")
    street_arrest_rate: float = param(0.08, unit="arrests/officer-week", ge=0, le=10,
                                      help="Dealer arrests per officer-week against fully visible dealers "
                                           "at trust 0.4.",
                                      source=CALIBRATED + "prison population 100-400/100k (" + PRISON_LIST + ")")
    user_arrest_rate: float = param(0.6, unit="arrests/officer-week", ge=0, le=20,
                                    help="Possession arrests per officer-week.",
                                    source="assumption")
    investigation_rate: float = param(0.004, unit="arrests/officer-week", ge=0, le=10,
                                      help="Members (lieutenants and soldiers) arrested per officer-week "
                                           "of investigation at trust 0.4.",
                                      source="assumption")
    hvt_rate: float = param(0.0004, unit="1/officer-week", ge=0, le=1,
                            help="Weekly chance of capturing a given leader per officer-week of "
                                 "high-value targeting, at trust 0.4.",
                            source="assumption; Mexico captured or killed 25 of 37 top targets in 2009-2012")
    interdiction_rate: float = param(0.0006, unit="probability/officer-week", ge=0, le=1,
                                     help="Extra chance of catching a lot on a route segment per officer-week "
                                          "deployed on it.",
                                     source=CALIBRATED + "seizures of about a fifth of flows")
    eradication_rate: float = param(0.02, unit="ha/officer-week", ge=0, le=100,
                                    help="Hectares of crop eradicated per officer-week (including the "
                                         "security and logistics an eradication team needs).",
                                    source="assumption; Colombia's manual eradication needs large "
                                           "protected teams")
    call_in_rate: float = param(0.1, unit="call-ins/officer-week", ge=0, le=10,
                                help="Dealers or members called in and warned per officer-week of "
                                     "focused deterrence.",
                                source="assumption; Kennedy 2011 (Operation Ceasefire call-ins)")
    sanction_rate: float = param(0.05, unit="arrests/officer-week", ge=0, le=10,
                                 help="Targeted arrests of violent, warned offenders per officer-week.",
                                 source="assumption; Kleiman & Kilmer 2009 (dynamic concentration)")
    community_trust_gain: float = param(0.015, unit="trust per officer-week/100k", ge=0, le=1,
                                        help="Rise in the trust a place supports per officer-week of "
                                             "community policing per week per 100k residents.",
                                        source="assumption; MDLE seminar 2014 (Rio's pacification units)")
    aml_seizure_rate: float = param(600.0, unit="USD/officer-week", ge=0, le=1e7,
                                    help="Criminal revenue seized per officer-week of anti-money-laundering.",
                                    source="assumption; CICAD side event 2014: one jailed for money laundering per "
                                           "3,000 jailed for drug crimes")
    bribe_saturation: float = param(3000.0, unit="USD/week", gt=0, le=1e8,
                                    help="Weekly bribe money at which an organisation buys off half of the "
                                         "corrupt officers acting against it.",
                                    source="assumption")
    clearance_rate: float = param(0.01, unit="cleared/officer-week", ge=0, le=10,
                                  help="Homicides cleared per officer-week of reactive investigation "
                                       "at trust 0.4.",
                                  source="assumption: Latin American clearance rates are low")
    confrontation_rate: float = param(0.01, unit="confrontations/officer-week", ge=0, le=10,
                                      help="Armed confrontations with organisations per officer-week of "
                                           "militarised operations.",
                                      source="IDPC 2016 Module 7 and MDLE seminar 2013 (Mexico's militarised strategy)")


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
    eradication_region: str = param("all", unit="region name or 'all'", source="assumption",
                                    help="Region whose crops are eradicated ('all' or a region name "
                                         "such as 'region_1').")
    interdiction_target: str = param("all", unit="'all', 'border' or a route name", source="assumption",
                                     help="Where interdiction is deployed: every segment, border crossings "
                                          "only, or one corridor such as 'route_1'.")
    militarisation: float = param(0.0, unit="0-1", ge=0, le=1,
                                  help="Militarised operations: more armed confrontations, and deadlier.",
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
                                 help="Focused deterrence also closes the open-air markets of called-in "
                                      "groups: their dealers move indoors or to delivery.")
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

    custody_user: float = param(0.15, unit="probability", ge=0, le=1,
                                help="Chance an arrested user is sent to prison.", source="assumption")
    custody_dealer: float = param(0.6, unit="probability", ge=0, le=1,
                                  help="Chance an arrested dealer is sent to prison.", source="assumption")
    custody_trafficker: float = param(0.85, unit="probability", ge=0, le=1,
                                      help="Chance an arrested organisation member is sent to prison.",
                                      source="assumption")
    custody_violent: float = param(0.9, unit="probability", ge=0, le=1,
                                   help="Chance a cleared homicide leads to prison.", source="assumption")
    sentence_user: float = param(26.0, unit="weeks", gt=0, le=2600, help="Mean time served by a user.",
                                 source="assumption")
    sentence_dealer: float = param(78.0, unit="weeks", gt=0, le=2600, help="Mean time served by a dealer.",
                                   source="assumption")
    sentence_trafficker: float = param(260.0, unit="weeks", gt=0, le=2600,
                                       help="Mean time served by an organisation member.",
                                       source="assumption")
    sentence_violent: float = param(520.0, unit="weeks", gt=0, le=2600,
                                    help="Mean time served for a homicide.", source="assumption")
    reoffend_after_prison: float = param(0.0045, unit="1/week", ge=0, le=1,
                                         help="Weekly chance that a person released from prison is "
                                              "re-incarcerated for a new offence.",
                                         source=CALIBRATED + "about half re-incarcerated within 3 years ("
                                         + PEW_2011 + ")")
    reoffend_after_alternative: float = param(0.0025, unit="1/week", ge=0, le=1,
                                              help="Same, after an alternative to prison.",
                                              source="Cullen, Jonson & Nagin 2011; Mitchell et al. 2012 "
                                                     "(drug courts lower recidivism)")
    prison_cost_week: float = param(250.0, unit="USD/prisoner-week", ge=0, le=1e5,
                                    help="Cost of one prisoner for one week.", source="assumption")
    initial_prison_rate: float = param(150.0, unit="per 100k", ge=0, le=2000,
                                       help="Prison population at the start.",
                                       source=CALIBRATED + "the baseline's own steady state, within the 98-376 "
                                              "per 100k of the " + PRISON_LIST)


class ViolenceParams(Group):
    """Territorial contests, succession fights, dealer disputes, confrontations, extortion."""

    contest_rate: float = param(0.45, unit="1/week", ge=0, le=1,
                                help="Weekly chance that two rival organisations fight over a place "
                                     "on their border, at reference value and full parity.",
                                source=CALIBRATED + "about 22 homicides per 100k per year (" + UNODC_HOMICIDE + ")")
    incidents_per_contest: float = param(3.0, unit="incidents", gt=0, le=100,
                                         help="Mean violent incidents in one week of a contest.",
                                         source="assumption")
    lethality: float = param(0.35, unit="deaths/incident", ge=0, le=5,
                             help="Deaths per violent incident with firearms fully available.",
                             source="assumption; firearms ≈ two-thirds of homicides "
                                    "(UNODC Global Study on Homicide 2013)")
    value_elasticity: float = param(0.8, unit="elasticity", ge=0, le=3,
                                    help="How strongly the chance of a contest rises with the place's "
                                         "drug value (profits bring violence).",
                                    source="Chatham House 2012 (the hourglass); IDPC 2016 Module 7 (higher profits, "
                                           "more violence); Castillo, Mejía & Restrepo 2020")
    reference_value: float = param(95_000.0, unit="USD/week", gt=0, le=1e12,
                                   help="Drug business at a place (flows, tolls, farm and retail sales) at which "
                                        "the contest rate equals contest_rate.",
                                   source=CALIBRATED + "the contest rate at the mean value of places in the baseline")
    reference_sales: float = param(1_400.0, unit="USD/week", gt=0, le=1e9,
                                   help="Weekly retail sales per dealer at which the dispute rate equals "
                                        "dispute_rate.",
                                   source=CALIBRATED + "the dispute rate at the baseline's mean sales per dealer")
    social_control: float = param(1.5, unit="per unit trust", ge=0, le=2,
                                  help="How much trust lowers contests and disputes in a community: residents who "
                                       "report and intervene (collective efficacy).",
                                  source="Sampson, Raudenbush & Earls 1997; "
                                         "MDLE seminar 2014 (Rio's pacification units)")
    impunity_elasticity: float = param(1.0, unit="elasticity", ge=0, le=5,
                                       help="Violence scales with impunity (the share of homicides left unsolved) "
                                            "to this power: certainty of punishment deters.",
                                       source="Nagin 2013 (certainty, not severity, deters); CICAD side event 2014 on "
                                              "impunity")
    parity_weight: float = param(1.0, unit="0-1", ge=0, le=1,
                                 help="How much rough parity between rivals raises the chance of a fight "
                                      "(hegemony lowers it).",
                                 source="IDPC 2016 Module 7 (balance of power; collusion); CICAD side event 2014 "
                                        "(consolidated territorial control with low homicide rates)")
    turmoil_weeks: float = param(26.0, unit="weeks", gt=0, le=520,
                                 help="How long the splinters of a split organisation fight over its inheritance.",
                                 source="Calderón et al. 2015: spike within 6 months")
    turmoil_multiplier: float = param(5.0, unit="ratio", ge=1, le=50,
                                      help="Contest rate multiplier between splinters during turmoil.",
                                      source=CALIBRATED + "+35-80% homicides after a leader removal "
                                             "(Calderón et al. 2015; Lindo & Padilla-Romo 2018)")
    dispute_rate: float = param(0.01, unit="1/week per open-air rival pair", ge=0, le=1,
                                help="Weekly chance of a violent dispute between two open-air dealers "
                                     "of rival organisations in the same neighbourhood.",
                                source="assumption; MDLE seminar 2013 (open-air markets drive street violence)")
    vacancy_violence: float = param(0.15, unit="disputes/rival recruit", ge=0, le=5,
                                    help="Violent disputes set off when a rival organisation's recruit moves "
                                         "onto a vacated street corner.",
                                    source="Werb et al. 2011 (enforcement disrupts market equilibria); "
                                           "Prieto-Curiel et al. 2023")
    dispute_lethality: float = param(0.2, unit="deaths/dispute", ge=0, le=5,
                                     help="Deaths per dealer dispute with firearms fully available.",
                                     source="assumption")
    confrontation_lethality: float = param(0.6, unit="deaths/confrontation", ge=0, le=10,
                                           help="Deaths per armed confrontation at full militarisation.",
                                           source="IDPC 2016 Module 7: Mexico's militarised operations; "
                                                  "Werb et al. 2011")
    extortion_rate: float = param(0.003, unit="1/week per business", ge=0, le=1,
                                  help="Weekly extortion attempts per exposed business by a diversifying "
                                       "organisation.",
                                  source="IDPC 2016 Module 7: extortion +100% in Mexico 2007-2010")
    businesses_per_1000: float = param(20.0, unit="per 1000 people", ge=0, le=1000,
                                       help="Small businesses exposed to extortion.", source="assumption")
    extortion_lethality: float = param(0.01, unit="deaths/extortion", ge=0, le=1,
                                       help="Deaths per extortion or kidnapping event.", source="assumption")
    vigilantism: float = param(0.02, unit="incidents/week", ge=0, le=10,
                               help="Vigilante incidents per week in a place with no trust and heavy "
                                    "extortion.", source="IDPC 2016 Module 7 (vigilante self-defence groups in Mexico)")
    background_homicides: float = param(2.0, unit="per 100k/year", ge=0, le=100,
                                        help="Homicides unrelated to drug markets.",
                                        source="assumption: Western European level "
                                               "(UNODC Global Study on Homicide 2013)")
    deterrence_effect: float = param(0.6, unit="0-1", ge=0, le=1,
                                     help="Fall in the violence of a warned offender when the threat is fully "
                                          "credible (sanction capacity covers every violator).",
                                     source="Braga et al. 2001 (Boston −63%); Kleiman & Kilmer 2009")
    service_uptake: float = param(0.15, unit="probability", ge=0, le=1,
                                  help="Chance a called-in dealer takes up the offer of services and leaves "
                                       "the trade.",
                                  source="assumption; Kennedy 2011")


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
    naloxone_coverage: float = param(0.05, unit="share of overdoses", ge=0, le=1,
                                     help="Share of overdoses witnessed by someone carrying naloxone.",
                                     source="assumption")
    naloxone_efficacy: float = param(0.8, unit="probability", ge=0, le=1,
                                     help="Chance naloxone reverses a witnessed fatal overdose.",
                                     source="WHO 2014 community management of opioid overdose")
    injecting_share: float = param(0.2, unit="share of dependent users", ge=0, le=1,
                                   help="Dependent users who inject.", source="assumption")
    sharing_infection: float = param(0.001, unit="1/week", ge=0, le=1,
                                     help="Weekly chance a person who injects without clean equipment is infected.",
                                     source="assumption: HCV incidence among people who inject of 10-30 per 100 "
                                            "person-years")
    syringe_coverage: float = param(0.1, unit="share of injectors", ge=0, le=1,
                                    help="Injectors reached by syringe programmes.", source="assumption")
    syringe_efficacy: float = param(0.6, unit="0-1", ge=0, le=1,
                                    help="Fall in infection risk for those reached.",
                                    source="WHO 2004; Aspinall et al. 2014 (~ -58% HIV)")
    treatment_capacity: float = param(60.0, unit="places per 100k", ge=0, le=5000,
                                      help="Treatment places.", source="assumption")
    trust_adjustment: float = param(0.02, unit="1/week", ge=0, le=1,
                                    help="Weekly share of the gap between trust and the level current "
                                         "conditions support that is closed.",
                                    source="assumption: trust follows conditions over months")
    trust_loss_violence: float = param(0.0025, unit="trust per homicide/100k/year", ge=0, le=1,
                                       help="Fall in the trust a place supports per homicide per 100k "
                                            "residents per year there.",
                                       source="assumption; CICAD side event 2014 (insecurity erodes trust in "
                                              "institutions)")
    trust_loss_arrests: float = param(0.004, unit="trust per arrest/10k/year", ge=0, le=1,
                                      help="Fall in supported trust per user or street arrest per 10k "
                                           "residents per year.",
                                      source="assumption; MDLE seminar 2013 (drug-market policing erodes police "
                                             "legitimacy)")
    trust_loss_corruption: float = param(0.1, unit="trust at full corruption", ge=0, le=1,
                                         help="Fall in supported trust when every officer is corrupt "
                                              "(scaled by the share who are, and by collusion).",
                                         source="assumption; Chatham House 2012; CICAD side event 2014 (corruption "
                                                "increases distrust)")
    weight_infection: float = param(0.25, unit="death-equivalents", ge=0, le=10,
                                    help="Weight of a new infection in the harm index.",
                                    source="assumption; GBD disability weights for HIV/HCV")
    weight_incarceration: float = param(0.05, unit="death-equivalents", ge=0, le=10,
                                        help="Weight of a prison admission in the harm index.",
                                        source="assumption")
    weight_extortion: float = param(0.01, unit="death-equivalents", ge=0, le=10,
                                    help="Weight of an extortion or kidnapping event in the harm index.",
                                    source="assumption")
    fear_adjustment: float = param(0.05, unit="1/week", ge=0, le=1,
                                   help="Weekly share of the gap between fear and what current violence "
                                        "and extortion justify that is closed.",
                                   source="assumption")


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
    kind: Literal["int", "float", "bool", "str"]
    unit: str
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool
    help: str
    source: str


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
                kind=field.annotation.__name__ if isinstance(field.annotation, type) else "str",
                unit=extra.get("unit", ""), minimum=lo, maximum=hi, exclusive_minimum=exclusive,
                help=field.description or "", source=extra.get("source", ""),
            ))
    return specs


SPECS: dict[str, ParamSpec] = {spec.path: spec for spec in parameter_specs()}
GROUPS: tuple[str, ...] = tuple(Params.model_fields)

