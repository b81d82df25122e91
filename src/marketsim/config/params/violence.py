"""The ``violence`` parameters: territorial contests, succession fights, dealer disputes, confrontations, extortion."""

from __future__ import annotations

from marketsim.config.params.core import CALIBRATED, UNODC_HOMICIDE, Group, param


class ViolenceParams(Group):
    """Territorial contests, succession fights, dealer disputes, confrontations, extortion."""

    contest_rate: float = param(0.29, unit="1/week", ge=0, le=1, plausible=(0.15, 0.5),
                                help="Weekly chance that an organisation attacks a rival's place on their border "
                                     "when the attack is worth it at no cost (gain / (gain + expected cost) = 1).",
                                source=CALIBRATED + "about 22 homicides per 100k per year (" + UNODC_HOMICIDE + "), "
                                       "with about as many dispute as contest homicides (fitted with dispute_rate)")
    incidents_per_contest: float = param(3.0, unit="incidents", gt=0, le=100, plausible=(1.5, 5.0),
                                         help="Mean violent incidents in one week of a contest.",
                                         source="assumption")
    lethality: float = param(0.35, unit="deaths/incident", ge=0, le=5, plausible=(0.2, 0.5),
                             help="Deaths per violent incident with firearms fully available.",
                             source="assumption; firearms ≈ two-thirds of homicides "
                                    "(UNODC Global Study on Homicide 2013)")
    reference_value: float = param(95_000.0, unit="USD/week", ge=1, le=1e12, plausible=(60_000.0, 150_000.0),
                                   help="Drug business an organisation sees at stake at every place when the value "
                                        "motive is switched off (mechanisms.value_motive).",
                                   source="about the baseline's mean drug business per place")
    reference_sales: float = param(1_400.0, unit="USD/week", ge=1, le=1e9, plausible=(900.0, 2200.0),
                                   help="Street sales that dispute_rate is counted per; also the sales at stake in "
                                        "every neighbourhood when the value motive is switched off "
                                        "(mechanisms.value_motive).",
                                   source="about the baseline's mean weekly sales per dealer")
    social_control: float = param(1.5, unit="per unit trust", ge=0, le=2, plausible=(0.5, 2.0),
                                  help="How much trust lowers contests and disputes in a community: residents who "
                                       "report and intervene (collective efficacy).",
                                  source="assumption: collective efficacy lowers violence (Sampson, Raudenbush & "
                                         "Earls 1997, who measure it otherwise than trust in police; MDLE seminar "
                                         "2014, Rio's pacification units); no figure in these units")
    dispute_rate: float = param(0.117, unit="disputes/week per reference_sales at stake", ge=0, le=10,
                                plausible=(0.06, 0.2),
                                help="Violent disputes a week among dealers of rival organisations per "
                                     "reference_sales of street sales they compete for (at full propensity, "
                                     "when no dealer expects an answer).",
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
    prior_certainty: float = param(0.1, unit="probability", ge=0, le=1, plausible=(0.02, 0.3),
                                   help="The chance an organisation believes its violence is answered by the police "
                                        "before it has seen any answers (the city's reputation).",
                                   source="assumption: few gang killings are cleared (Kennedy 2011)")
    belief_strength: float = param(10.0, unit="violent acts", gt=0, le=1000, plausible=(2.0, 50.0),
                                   help="How many violent acts' worth of experience that prior belief counts for.",
                                   source="assumption")
    belief_memory: float = param(0.05, unit="1/week", ge=0, le=1, plausible=(0.01, 0.2),
                                 help="Weekly fading of what an organisation has seen of answered and unanswered "
                                      "violence.",
                                 source="assumption")
    peer_weight: float = param(0.5, unit="0-1", ge=0, le=1, plausible=(0.1, 1.0),
                               help="How much what happens to the organisations it borders counts, against what "
                                    "happens to it, in what an organisation believes.",
                               source="assumption; Kennedy 2011 (the message spreads through the groups' networks)")
    warning_weight: float = param(5.0, unit="violent acts", ge=0, le=100, plausible=(1.0, 20.0),
                                  help="What a focused-deterrence call-in's warning is worth, in answered acts of "
                                       "evidence: a promise that fades unless answers follow.",
                                  source="assumption; Kennedy 2011 (credibility rests on delivery)")
    prior_sanction_loss: float = param(1.0, unit="people", gt=0, le=100, plausible=(0.5, 5.0),
                                       help="People an organisation believes a police answer takes before it has "
                                            "seen one.",
                                       source="assumption")
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
    unit_size: int = param(10, unit="officers", ge=1, le=1000, plausible=(5, 30),
                           help="Officers of a militarised unit that meet an organisation's armed members in a "
                                "confrontation.",
                           source="assumption; IDPC 2016 Module 7 (Mexico's militarised strategy)")
    unit_lethality: float = param(0.03, unit="members killed per officer", ge=0, le=1, plausible=(0.01, 0.06),
                                  help="Members one officer's fire kills in an armed confrontation (at most every "
                                       "member there).",
                                  source="assumption: 0.3 deaths per confrontation at the default unit size, "
                                         "IDPC 2016 Module 7 (Mexico's militarised strategy)")
    member_lethality: float = param(0.09, unit="officers killed per member", ge=0, le=1, plausible=(0.03, 0.15),
                                    help="Officers one fully armed member's fire kills in an armed confrontation "
                                         "(scaled by the organisation's armament; at most the whole unit).",
                                    source="assumption: about 0.6 deaths per confrontation with the 6 to 7 members "
                                           "an organisation holds at its main place; Werb et al. 2011")
    extortion_take: float = param(2000.0, unit="USD/event", ge=0, le=20_000, plausible=(500.0, 10_000.0),
                                  help="What an organisation gains from one extortion or kidnapping event (at most "
                                       "ten times the default: beyond it, organisations pay for members by the "
                                       "hundred thousand and a week takes minutes).",
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
