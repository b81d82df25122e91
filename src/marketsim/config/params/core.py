"""The core of the parameter declarations: the ``param()`` helper, the ``Group`` base class, the
source strings several groups cite, and the names shared across groups (the budgeted activities).

Each parameter group lives in its own module beside this one; ``marketsim.config.params``
gathers them into :class:`~marketsim.config.params.Params`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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

BUDGET_SHARES = (
    "street_share", "user_share", "investigation_share", "hvt_share", "interdiction_share",
    "eradication_share", "deterrence_share", "community_share", "aml_share",
)
"""The ``policy`` parameters that split the police budget between activities; what they leave
over goes to reactive policing."""


Role = Literal["lever", "uncertainty", "fixed"]
ROLES: dict[str, str] = {
    "lever": "a choice the user makes (a policy, a service's coverage): analyses compare its settings, "
             "never sample them; a lever declares no plausible range",
    "uncertainty": "something nobody knows precisely (an assumption or a calibrated value): it declares "
                   "a plausible range, which robustness analyses and the EMA Workbench sample",
    "fixed": "held at its value in every analysis: a value taken from a source, a reference unit, a "
             "structural choice, a switch or a file",
}
"""What each parameter role means. Every parameter has one (``ParamSpec.role``); the EMA model, the
robustness analysis, sweeps and the dashboard read it instead of guessing from the group."""


def default_role(plausible: tuple[float, float] | None) -> Role:
    """The role of a parameter that names none: an uncertainty if it declares a plausible range,
    otherwise fixed. Levers are never derived: each one says ``role="lever"``."""
    return "uncertainty" if plausible is not None else "fixed"


def role_problem(role: str, plausible: tuple[float, float] | None) -> str:
    """Why ``role`` does not fit a declaration with this plausible range ("" if it does): an
    uncertainty needs a plausible range, and only an uncertainty has one."""
    if role not in ROLES:
        return f"role {role!r}: allowed {', '.join(ROLES)}"
    if role == "uncertainty" and plausible is None:
        return "an uncertainty declares a plausible range"
    if role != "uncertainty" and plausible is not None:
        return (f"a {role} parameter declares no plausible range (levers are compared, never sampled; "
                "fixed parameters are held)")
    return ""


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
    role: Role | None = None,
) -> Any:
    """Declare one parameter with its metadata (a pydantic Field).

    ``plausible`` is the range a value could reasonably take given what is known (from the
    source where there is one): the space robustness analyses explore. ``choices`` lists the
    allowed values of a text parameter. ``role`` says what analyses do with the parameter
    (:data:`ROLES`); without one it follows :func:`default_role`, so only levers name theirs.
    """
    role = default_role(plausible) if role is None else role
    problem = role_problem(role, plausible)
    if problem:
        raise ValueError(problem)
    extra: dict[str, Any] = {"unit": unit, "source": source, "role": role}
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


def lever(default: Any, **metadata: Any) -> Any:
    """Declare a lever: :func:`param` with ``role="lever"`` (a choice the user makes, see :data:`ROLES`)."""
    return param(default, role="lever", **metadata)
