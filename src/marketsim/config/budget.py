"""The police budget rule: how a change to one activity's share is paid for.

The police budget is the same in every scenario; the ``policy.*_share`` parameters split it
between activities (``BUDGET_SHARES``) and what they leave goes to reactive policing. A
scenario is built in layers — the defaults, each file of its ``extends`` chain, the overrides
(``--set``, ``overrides=``, Mesa's keywords, a sweep's point, an EMA experiment), then the
schedule in force — and the shares a layer sets are kept exactly as given. What they take is
found in this order:

1. from reactive policing, while anything is left over;
2. then from the other activities' shares (those set by earlier layers or left at their
   defaults), each scaled down by the same factor, so they keep their proportions.

So any single share inside its bounds is a valid scenario (``hvt_share = 0.4`` on the baseline
runs with 40% of the budget on leaders, reactive policing at 0 and the other activities scaled
by 0.71), the value the user set is the value that runs (a sweep's x-axis means what it says),
and a scenario whose shares leave room for reactive policing is unchanged. Only the shares one
layer sets together can be infeasible — more than the whole budget — and that is an error,
named before anything runs.

Why this rule and not proportional scaling of every share: scaling everything would change the
very lever being swept (``hvt_share = 0.4`` would run as 0.33), and an analysis would attribute
the outcome to a value that never ran. Reactive policing goes first because it is the residual
of the budget by definition: the work officers do when no activity claims them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from marketsim.config.errors import ScenarioError
from marketsim.config.params import BUDGET_SHARES

if TYPE_CHECKING:
    from marketsim.config.params import Params

SHARE_PATHS = tuple(f"policy.{name}" for name in BUDGET_SHARES)
"""The budget shares by dotted path."""

TOLERANCE = 1e-9
"""Rounding allowed when shares add up to exactly the whole budget."""

DIGITS = 12
"""Decimals kept of a scaled share: the value as a person would write it, not 0.22499999999999992."""


def fit_budget(base: Params, layer: Mapping[str, Any], where: str = "") -> tuple[dict[str, Any], str | None]:
    """A layer of overrides with the budget shares it displaces, by the rule of this module.

    Args:
        base: the parameters of the layers below (their shares are the ones that give way).
        layer: the new layer's checked overrides by dotted path.
        where: prefix for the error (the file or schedule period).

    Returns:
        The layer plus, when its shares do not fit beside the others, the others' scaled
        shares; and a note saying what was scaled (``None`` when nothing was).

    Raises:
        ScenarioError: the shares the layer sets add up to more than the whole budget.
    """
    chosen = {path: float(layer[path]) for path in SHARE_PATHS if path in layer}
    if not chosen:
        return dict(layer), None
    spent = sum(chosen.values())
    if spent > 1 + TOLERANCE:
        listed = ", ".join(f"{path} = {value:g}" for path, value in chosen.items())
        raise ScenarioError([f"{where}policy budget shares set together add up to {spent:.3g}, more than the "
                             f"whole budget ({listed}); set them so they add up to at most 1 (each one alone "
                             "may take up to 1: the other shares then give way)"])
    others = {path: float(getattr(base.policy, path.split(".", 1)[1])) for path in SHARE_PATHS if path not in chosen}
    rest = sum(others.values())
    if spent + rest <= 1 + TOLERANCE:
        return dict(layer), None
    factor = (1 - spent) / rest
    scaled = {path: round(value * factor, DIGITS) for path, value in others.items()}
    changed = ", ".join(f"{path.split('.', 1)[1]} {value:.3g} → {scaled[path]:.3g}"
                        for path, value in others.items() if value > 0)
    paths = list(chosen)
    names = paths[0] if len(paths) == 1 else f"{', '.join(paths[:-1])} and {paths[-1]}"
    note = (f"budget: {names} {'take' if len(chosen) > 1 else 'takes'} {spent:.3g} of the police budget; reactive "
            f"policing gets none and the other activities are scaled by {factor:.3g} ({changed})")
    return {**scaled, **layer}, note
