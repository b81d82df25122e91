"""The output table: every column's name, definition, unit and group.

One row per simulated week. Columns are grouped as the source documents
insist (seed 003): **process** indicators measure enforcement effort (arrests,
seizures, eradication), **outcome** indicators measure what happens to people
(violence, overdoses, infections, incarceration, trust), **market** indicators
describe the drug market itself, and **cost** indicators what was spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Group = Literal["outcome", "process", "market", "cost"]


@dataclass(frozen=True)
class Metric:
    """One output column."""

    name: str
    unit: str
    group: Group
    definition: str


_METRICS = [
    Metric("step", "week", "market", "Week of the simulation (1 = first simulated week)."),
    # outcomes: violence
    Metric("homicides", "deaths/week", "outcome",
           "Deaths by violence this week: territorial contests, dealer disputes, confrontations with "
           "police, extortion and kidnapping, vigilantism, and background homicides."),
    Metric("homicide_rate", "per 100k/year", "outcome",
           "Homicides this week × 52 per 100,000 residents of the modelled places."),
    Metric("violent_incidents", "incidents/week", "outcome",
           "Violent incidents (fatal or not): contest incidents, dealer disputes, confrontations, "
           "vigilante attacks."),
    Metric("drug_market_homicides", "deaths/week", "outcome",
           "Homicides caused by the drug market (all but the background)."),
    Metric("spillover_homicides", "deaths/week", "outcome",
           "Homicides in places next to, but not held by, an organisation in a succession fight."),
    Metric("territorial_contests", "contests/week", "outcome",
           "Weeks of armed contest between organisations over a place."),
    Metric("street_disputes", "disputes/week", "outcome", "Violent disputes between rival retail dealers."),
    Metric("confrontation_deaths", "deaths/week", "outcome",
           "Deaths in armed confrontations between militarised police and organisations."),
    Metric("extortion", "events/week", "outcome", "Extortion and kidnapping events against residents and businesses."),
    # outcomes: health
    Metric("overdose_deaths", "deaths/week", "outcome", "Fatal overdoses."),
    Metric("new_infections", "people/week", "outcome",
           "New blood-borne infections (HIV/HCV) among people who inject."),
    Metric("users", "people", "outcome", "People who used in the past year (occasional + dependent)."),
    Metric("dependent_users", "people", "outcome", "Dependent users (not in treatment)."),
    Metric("in_treatment", "people", "outcome", "People in drug treatment."),
    # outcomes: justice and governance
    Metric("incarcerations", "people/week", "outcome", "Admissions to prison this week."),
    Metric("prison_population", "people", "outcome", "People in prison at the end of the week."),
    Metric("prison_rate", "per 100k", "outcome", "Prison population per 100,000 residents."),
    Metric("reincarcerations", "people/week", "outcome",
           "Prison admissions of people released or sentenced within the past 3 years."),
    Metric("recidivism_3y", "share", "outcome",
           "Share of people released or sentenced who would re-offend within 3 years at this week's "
           "re-offending hazard (1 − (1 − h)^156)."),
    Metric("diversions", "people/week", "outcome",
           "Arrested people given an alternative to prosecution or prison (treatment, fine, community sentence)."),
    Metric("trust", "0-1", "outcome", "Population-weighted mean trust in police."),
    Metric("reporting", "share", "outcome",
           "Share of crimes residents report to police; rises with trust (0.2 + 0.6 × trust)."),
    Metric("fear", "0-1", "outcome", "Population-weighted mean fear of crime."),
    Metric("corruption", "share", "outcome",
           "Share of police officers who take bribes (raised by collusion, lowered by anti-corruption)."),
    Metric("neutralised_share", "share", "process",
           "Share of enforcement actions against organisations neutralised by bribes or collusion."),
    Metric("harm_index", "per 100k/year", "outcome",
           "Weighted sum of harms per 100,000 residents per year: homicides and overdose deaths "
           "(weight 1), new infections, prison admissions and extortion events (weights in harm.*)."),
    # process
    Metric("arrests", "people/week", "process", "All arrests: users, dealers, organisation members, leaders, "
           "and people arrested for homicides."),
    Metric("arrests_users", "people/week", "process", "Arrests of users for possession."),
    Metric("arrests_dealers", "people/week", "process", "Arrests of retail dealers."),
    Metric("arrests_traffickers", "people/week", "process", "Arrests of organisation members and leaders."),
    Metric("leaders_removed", "people/week", "process", "Leaders captured or killed."),
    Metric("seizures_kg", "kg pure/week", "process", "Drug seized: interdicted lots and dealers' stock."),
    Metric("eradicated_ha", "ha/week", "process", "Hectares of drug crop eradicated."),
    Metric("call_ins", "people/week", "process", "Offenders called in and warned by focused deterrence."),
    Metric("cash_seized", "USD/week", "process", "Criminal revenue seized by anti-money-laundering."),
    # market
    Metric("production_kg", "kg pure/week", "market", "Drug harvested."),
    Metric("consumption_kg", "kg pure/week", "market", "Illicit drug consumed."),
    Metric("legal_consumption_kg", "kg pure/week", "market", "Drug consumed from the legal, regulated supply."),
    Metric("shortage", "share", "market", "Share of illicit demand left unmet."),
    Metric("farm_price", "USD/kg pure", "market", "Production-weighted farm-gate price."),
    Metric("export_price", "USD/kg pure", "market", "Price leaving the source regions."),
    Metric("wholesale_price", "USD/kg pure", "market", "Wholesale price after the border."),
    Metric("retail_price", "USD/kg pure", "market", "Sales-weighted retail price per pure kg."),
    Metric("purity", "share pure", "market", "Sales-weighted retail purity."),
    Metric("dealers", "people", "market", "Active retail dealers."),
    Metric("members", "people", "market", "Members of trafficking organisations."),
    Metric("active_orgs", "count", "market", "Trafficking organisations with members."),
    Metric("org_splits", "splits/week", "market",
           "Organisations splitting into rival groups (failed successions and overgrown territories)."),
    Metric("new_groups", "groups/week", "market", "New local groups formed where control was thin."),
    Metric("market_hhi", "0-1", "market",
           "Herfindahl-Hirschman index of wholesale market shares (1 = monopoly)."),
    Metric("route_dispersion", "routes", "market",
           "Effective number of corridor segments used: 1 / Σ share² of trafficked kg over segments."),
    Metric("open_air_share", "share", "market", "Share of active dealers selling in open-air markets."),
    Metric("online_share", "share", "market", "Share of active dealers selling online."),
    # cost
    Metric("enforcement_cost", "USD/week", "cost", "Police budget spent this week."),
    Metric("incarceration_cost", "USD/week", "cost", "Prison population × weekly cost per prisoner."),
]

METRICS: dict[str, Metric] = {metric.name: metric for metric in _METRICS}
OUTCOMES = tuple(m.name for m in _METRICS if m.group == "outcome")
PROCESS = tuple(m.name for m in _METRICS if m.group == "process")


def production_share_metric(region: str) -> Metric:
    """The per-region production share column (regions depend on the world)."""
    return Metric(f"production_share_{region}", "share", "market",
                  f"Share of this week's harvest grown in {region}.")


def metric_table() -> list[Metric]:
    """Every fixed column (per-region production shares are added per world)."""
    return list(_METRICS)
