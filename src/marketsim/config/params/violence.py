"""The ``violence`` parameters: territorial contests, succession fights, dealer disputes, confrontations, extortion."""

from __future__ import annotations

from marketsim.config.params.core import CALIBRATED, UNODC_HOMICIDE, Group, param


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
    value_elasticity: float = param(0.8, unit="elasticity", ge=0, le=3, plausible=(0.4, 1.2),
                                    help="How strongly the chance of a contest rises with the place's "
                                         "drug value (profits bring violence).",
                                    source="assumption: profits bring violence (Chatham House 2012, the hourglass; "
                                           "IDPC 2016 Module 7; Castillo, Mejía & Restrepo 2020: scarcity that "
                                           "raises prices and revenue raises violence); none gives an elasticity")
    reference_value: float = param(95_000.0, unit="USD/week", ge=1, le=1e12, plausible=(60_000.0, 150_000.0),
                                   help="Drug business at a place (flows, tolls, farm and retail sales) at which "
                                        "the contest rate equals contest_rate.",
                                   source=CALIBRATED + "the contest rate at the mean value of places in the baseline")
    reference_sales: float = param(1_400.0, unit="USD/week", ge=1, le=1e9, plausible=(900.0, 2200.0),
                                   help="Weekly retail sales per dealer at which the dispute rate equals "
                                        "dispute_rate.",
                                   source=CALIBRATED + "the dispute rate at the baseline's mean sales per dealer")
    social_control: float = param(1.5, unit="per unit trust", ge=0, le=2, plausible=(0.5, 2.0),
                                  help="How much trust lowers contests and disputes in a community: residents who "
                                       "report and intervene (collective efficacy).",
                                  source="assumption: collective efficacy lowers violence (Sampson, Raudenbush & "
                                         "Earls 1997, who measure it otherwise than trust in police; MDLE seminar "
                                         "2014, Rio's pacification units); no figure in these units")
    parity_weight: float = param(1.0, unit="0-1", ge=0, le=1, plausible=(0.5, 1.0),
                                 help="How much rough parity between rivals raises the chance of a fight "
                                      "(hegemony lowers it).",
                                 source="assumption: a balance of power fights, a hegemon does not (IDPC 2016 "
                                        "Module 7; CICAD side event 2014: consolidated territorial control with low "
                                        "homicide rates); no figure")
    turmoil_weeks: float = param(26.0, unit="weeks", gt=0, le=520, plausible=(13.0, 52.0),
                                 help="How long the splinters of a split organisation fight over its inheritance.",
                                 source="Calderón et al. 2015: spike within 6 months")
    dispute_rate: float = param(0.013, unit="1/week per open-air rival pair", ge=0, le=1, plausible=(0.006, 0.02),
                                help="Weekly chance of a violent dispute between two open-air dealers "
                                     "of rival organisations in the same neighbourhood.",
                                source=CALIBRATED + "about 22 homicides per 100k per year, with contest_rate (about "
                                       "as many dispute as contest homicides); MDLE seminar 2013 (open-air markets "
                                       "drive street violence)")
    vacancy_violence: float = param(0.15, unit="disputes/rival recruit", ge=0, le=5, plausible=(0.05, 0.3),
                                    help="Violent disputes set off when a rival organisation's recruit moves "
                                         "onto a vacated street corner.",
                                    source="assumption: enforcement disrupts market equilibria (Werb et al. 2011; "
                                           "Prieto-Curiel et al. 2023); no figure")
    dispute_lethality: float = param(0.2, unit="deaths/dispute", ge=0, le=5, plausible=(0.1, 0.35),
                                     help="Deaths per dealer dispute with firearms fully available.",
                                     source="assumption")
    extortion_rate: float = param(0.003, unit="1/week per business", ge=0, le=1, plausible=(0.001, 0.006),
                                  help="Weekly extortion attempts per exposed business by a diversifying "
                                       "organisation.",
                                  source="assumption: about one attempt per business every six years; IDPC 2016 "
                                         "Module 7 gives a growth (extortion +100% in Mexico 2007-2010), not a rate")
    businesses_per_1000: float = param(20.0, unit="per 1000 people", ge=0, le=1000, plausible=(10.0, 40.0),
                                       help="Small businesses exposed to extortion.", source="assumption")
    extortion_lethality: float = param(0.01, unit="deaths/extortion", ge=0, le=1, plausible=(0.003, 0.03),
                                       help="Deaths per extortion or kidnapping event.", source="assumption")
    vigilantism: float = param(0.02, unit="incidents/week", ge=0, le=10, plausible=(0.005, 0.05),
                               help="Vigilante incidents per week in a place with no trust and heavy "
                                    "extortion.",
                               source="assumption: vigilante self-defence groups arise (IDPC 2016 Module 7, Mexico); "
                                      "no rate")
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
