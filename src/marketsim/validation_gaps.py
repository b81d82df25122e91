"""The comparisons of the stylized facts that do not hold yet, with what was measured and why.

Kept apart from :mod:`marketsim.validation` on purpose: this is what we read from the results,
not what produces them, so editing it changes neither the model's source digest nor the numbers
of docs/validation.md (which quotes these reasons). The behaviour tests mark each entry as a
strict expected failure, so a gap that closes is noticed.
"""

from __future__ import annotations

from marketsim.validation import FACTS_BY_NAME


def _label(fact: str, metric: str, index: int = 0) -> str:
    """The label of a fact's ``index``-th comparison on ``metric``."""
    return [c for c in FACTS_BY_NAME[fact].comparisons if c.metric == metric][index].label


GAPS: dict[tuple[str, str], str] = {
    ("fact", _label("zero_tolerance", "homicide_rate")):
        "Zero tolerance alone lowers homicides a little (about −8% in the report): the arrests take violent "
        "members off the street, and the mechanisms that push the other way — vacancies contested by recruits, "
        "prisons that make offenders more violent, lost police legitimacy — offset only part of that (with them "
        "off the fall is about −20%). The rise reported for Mexico came with militarisation and leader removals, "
        "which the militarised arm reproduces.",
    ("fact", _label("focused_deterrence", "homicide_rate")):
        "The direction holds, the size does not: warned groups answer the certainty of a sanction by almost "
        "stopping their contests (about −75%), beyond the −15% to −40% of Braga, Weisburd & Turchan 2018. The "
        "deterrence response rests on assumptions (police.deterrence_reserve).",
    ("fact", _label("kingpin", "kingpin_places_6m")):
        "Homicides rise where the removed leader's organisation held sway, but by about 20–25%, below the +30% "
        "to +90% of Calderón et al. 2015 and Lindo & Padilla-Romo 2018.",
    ("fact", _label("kingpin", "kingpin_places_12m")):
        "As over six months: about +20% over twelve, below the band of the literature.",
    ("fact", _label("profits_chain", "homicide_rate", 1)):
        "A longer chain does not bring more homicides: with six transit towns per corridor the corridor's value "
        "is shared among more places and stages, and no mechanism yet makes the extra hand-overs violent.",
    ("fact", _label("harm_reduction", "users")):
        "Harm reduction raises the number of users by about 6–7% (risk compensation and tolerance), "
        "beyond the ±5% the brief allows for 'without more use'.",
    ("fact", _label("trust", "violent_incidents")):
        "Community policing lowers violent incidents by about 11% (95% CI about −22% to −1%), but in only 6 of "
        "the 8 seed pairs, below the 80% agreement a direction needs: violence falls only through the long chain "
        "from encounters to trust, reports, clearances and deterrence, whose effect is small beside the week-to-"
        "week noise of a run.",
    ("ablation", _label("kingpin", "kingpin_neighbours_12m")):
        "Most of the rise in neighbouring places remains without succession contests (about +20% against about "
        "+27% with them): the kingpin preset moves officer-weeks from other activities to leader capture, which "
        "changes violence there too.",
    ("ablation", _label("hegemony_collusion", "homicide_rate")):
        "With one organisation there is nobody to contest territory with; switching off the deterrence of "
        "challengers by a dominant group leaves that structural difference in place.",
}
"""Comparisons (``"fact"``) and ablations (``"ablation"``) that do not hold yet at the test's seeds,
by comparison label, with what was measured and why; docs/validation.md reports them."""

MARGINAL: dict[tuple[str, str], str] = {
    ("fact", _label("replacement", "consumption_kg")):
        "With 60% of the budget on street arrests consumption falls by about 15%: the mean is within the ±15% "
        "tolerance, its confidence interval just beyond it. At the behaviour test's seeds and weeks it holds, so "
        "this comparison sits at the edge of its tolerance: replacement is nearly, not fully, complete.",
}
"""Comparisons that hold at the behaviour test's seeds and weeks but not at the report's, with what
was measured and why; docs/validation.md quotes them (the behaviour tests do not read them)."""
