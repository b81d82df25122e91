"""The ``trafficking`` parameters: organisations' purchases, routes, markups, succession, diversification."""

from __future__ import annotations

from marketsim.config.params.core import CAULKINS_REUTER, PRICE_CHAIN, Group, param


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
    corridor_markup: float = param(3.5, unit="ratio", ge=1, le=20, plausible=(3.0, 4.0),
                                   help="Price at the border over the export price (smuggling labour, transport).",
                                   source=PRICE_CHAIN + ": about $9,500 on the near side of the border (half the "
                                          "wholesale price after it), 4.0 times $2,400; 3.5 is lower")
    border_markup: float = param(2.0, unit="ratio", ge=1, le=10,
                                 help="Wholesale price after the border over the price before it.",
                                 source="Chatham House 2012: a kilo of cocaine doubles in value crossing the "
                                        "Mexico–US border")
    risk_premium: float = param(1.5, unit="ratio per unit risk", ge=0, le=20, plausible=(0.5, 3.0),
                                help="Risk compensation at wholesale: an organisation's price rises by this times "
                                     "the share of its shipments, members and revenue it recently lost to "
                                     "enforcement each week.",
                                source="assumption: prices carry the risks sellers bear (Reuter & Kleiman 1986 "
                                       "risks-and-prices model; " + CAULKINS_REUTER + "); neither gives this ratio")
    stock_cover_weeks: float = param(3.0, unit="weeks", gt=0, le=52, plausible=(1.5, 6.0),
                                     help="Weeks of expected sales an organisation keeps in the pipeline.",
                                     source="assumption")
    route_temperature: float = param(0.15, unit="share of route cost", gt=0, le=10, plausible=(0.05, 0.4),
                                     help="Spread of route choice: larger means shipments spread over "
                                          "more routes; smaller means the cheapest route takes almost all.",
                                     source="assumption (NarcoLogic: Magliocca et al. 2019)")
    risk_learning: float = param(0.4, unit="0-1", ge=0, le=1, plausible=(0.2, 0.7),
                                 help="How far one seizure on a route segment raises the learned risk of it.",
                                 source="assumption: routes adapt after seizures (NarcoLogic: Magliocca et al. "
                                        "2019); the paper gives no rate in these units")
    risk_decay: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.02, 0.1),
                              help="Weekly decay of learned interdiction risk.",
                              source="assumption: learned risk fades (NarcoLogic: Magliocca et al. 2019); the "
                                     "paper gives no rate in these units")
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
    splinters: int = param(2, unit="count", ge=2, le=4, plausible=(2, 3),
                           help="Groups an organisation splits into when succession fails.",
                           source="assumption: an organisation whose succession fails fragments (Phillips 2015); "
                                  "into how many groups no source says")
    labour_share: float = param(0.45, unit="share of revenue", ge=0, le=1, plausible=(0.3, 0.6),
                                help="Share of revenue an organisation spends on members' wages; sets "
                                     "how many members it can keep.",
                                source="assumption: wages are a large part of a gang's spending (Levitt & "
                                       "Venkatesh 2000); 0.45 was not found in the text searched")
    soldier_wage: float = param(400.0, unit="USD/week", ge=50, le=100_000, plausible=(200.0, 800.0),
                                help="Weekly cost of one member.",
                                source="assumption: several times the local minimum wage")
    recruitment: float = param(0.02, unit="1/week", ge=0, le=1, plausible=(0.01, 0.05),
                               help="Weekly recruitment as a share of the gap between the members "
                                    "an organisation can pay for and those it has.",
                               source="assumption: cartels recruit to replace losses (Prieto-Curiel et al. 2023: "
                                      "350-370 recruits a week for 160,000-185,000 members); they estimate no "
                                      "rate of closing a gap")
    diversification: float = param(0.75, unit="ratio", ge=0, le=1, plausible=(0.5, 0.9),
                                   help="Revenue below this share of its 6-month average pushes an "
                                        "organisation into extortion and kidnapping.",
                                   source="assumption: organisations losing drug revenue turn to extortion and "
                                          "kidnapping (IDPC 2016 Module 7: in Mexico 2007-2010 kidnapping +188%, "
                                          "extortion +100%); the threshold is not in it")
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
