"""The ``policy`` parameters: how the police budget is split, and laws and services."""

from __future__ import annotations

from pydantic import model_validator

from marketsim.config.params.core import BUDGET_SHARES, TARGETABLE, Group, lever


class PolicyParams(Group):
    """The policy levers: how the police budget is split, and laws and services."""

    street_share: float = lever(0.3, unit="share of budget", ge=0, le=1,
                                help="Budget on street-level arrests of dealers.", source="assumption")
    user_share: float = lever(0.1, unit="share of budget", ge=0, le=1,
                              help="Budget on arrests of users for possession.", source="assumption")
    investigation_share: float = lever(0.15, unit="share of budget", ge=0, le=1,
                                       help="Budget on investigations of organisation members.",
                                       source="assumption")
    hvt_share: float = lever(0.05, unit="share of budget", ge=0, le=1,
                             help="Budget on high-value targeting of leaders (kingpin strategy).",
                             source="assumption")
    interdiction_share: float = lever(0.15, unit="share of budget", ge=0, le=1,
                                      help="Budget on interdiction of routes and borders.", source="assumption")
    eradication_share: float = lever(0.05, unit="share of budget", ge=0, le=1,
                                     help="Budget on eradication of crops.", source="assumption")
    deterrence_share: float = lever(0.0, unit="share of budget", ge=0, le=1,
                                    help="Budget on focused deterrence: call-ins, services and sanctions "
                                         "concentrated on whoever keeps using violence.",
                                    source="Kennedy 2011; Braga et al. 2018")
    community_share: float = lever(0.05, unit="share of budget", ge=0, le=1,
                                   help="Budget on community policing and state presence.",
                                   source="assumption")
    aml_share: float = lever(0.0, unit="share of budget", ge=0, le=1,
                             help="Budget on anti-money-laundering.", source="assumption")
    targets: dict[str, tuple[str, ...]] = lever(
        {}, unit="activity → places", source="user input; Weisburd et al. 2006 and Braga et al. 2019 (hot-spot "
                                              "policing)",
        help="Where each budgeted activity is aimed: a table from activity (" + ", ".join(TARGETABLE)
        + ") to places — place names, place kinds (production, transit, border, urban), region or corridor names, "
          "or 'most_violent:N' (the N places with the most homicides in the year before the targets take effect). "
          "The activity's whole effort goes there; activities not listed work everywhere.")
    militarisation: float = lever(0.0, unit="0-1", ge=0, le=1,
                                  help="Share of front-line operations done by militarised units, whose encounters "
                                       "with armed members are fought out (and who kill more of the leaders they "
                                       "take).",
                                  source="IDPC 2016 Module 7: Mexico 2006-2012")
    sentence_multiplier: float = lever(1.0, unit="ratio", ge=0.1, le=5,
                                       help="Multiplier on every sentence length (zero tolerance uses > 1).",
                                       source="MDLE seminar 2013: Ciudad Juárez")
    custody_multiplier: float = lever(1.0, unit="ratio", ge=0, le=5,
                                      help="Multiplier on the chance that a conviction leads to prison "
                                           "(capped at 1).",
                                      source="assumption")
    user_diversion: float = lever(0.0, unit="share", ge=0, le=1,
                                  help="Share of arrested users diverted to treatment or a fine instead "
                                       "of prosecution.",
                                  source="IDPC 2016 Module 7; Portugal 2001 (Hughes & Stevens 2010)")
    dealer_diversion: float = lever(0.0, unit="share", ge=0, le=1,
                                    help="Share of low-level dealers given an alternative to prison.",
                                    source="IDPC 2016 Module 7: alternatives to incarceration")
    decriminalise_possession: bool = lever(False, unit="yes/no", source="IDPC 2016 Module 7; Portugal 2001 "
                                                                        "(Hughes & Stevens 2010)",
                                           help="Possession is an administrative matter: no arrests "
                                                "of users, referrals to services instead.")
    close_open_air: bool = lever(True, unit="yes/no", source="MDLE seminar 2013 (High Point drug market intervention)",
                                 help="Focused deterrence also builds cases against the dealers of the most "
                                      "violent open-air markets, one market at a time, and closes them: their "
                                      "dealers move indoors or to delivery.")
    harm_reduction_policing: bool = lever(False, unit="yes/no", source="MDLE seminar 2013; Wood et al. 2004",
                                          help="No arrests around harm-reduction services: users keep "
                                               "using them.")
    collusion: float = lever(0.0, unit="0-1", ge=0, le=1,
                             help="Strength of a corrupt arrangement between police and the dominant "
                                  "organisation: it is spared and its rivals are hit.",
                             source="IDPC 2016 Module 7 (Japan's Yakuza)")
    anti_corruption: float = lever(0.0, unit="0-1", ge=0, le=1,
                                   help="Anti-corruption effort: lowers the share of officers who take bribes.",
                                   source="CICAD side event 2014")
    legal_share: float = lever(0.0, unit="share of demand", ge=0, le=1,
                               help="Share of demand supplied by a legal, taxed, regulated market.",
                               source="Chatham House 2012 and IDPC 2016 Module 7 (the legal regulation debate)")
    legal_price_ratio: float = lever(0.6, unit="ratio", gt=0, le=5,
                                     help="Legal retail price as a share of the illicit reference price.",
                                     source="assumption")

    deterrence_allocation: str = lever("ranked", unit="ranked or uniform", choices=("ranked", "uniform"),
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
