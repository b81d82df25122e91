"""The ``mechanisms`` parameters: switches for each mechanism a stylized fact rests on."""

from __future__ import annotations

from typing import Any

from marketsim.config.params.core import CAULKINS_REUTER, Group, param


def mechanism(help: str, source: str) -> Any:
    """Declare a mechanism switch: on by default; off makes the mechanism neutral (for ablation)."""
    return param(True, unit="on/off", help=help, source=source, role="fixed")


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
