"""Every model parameter, declared once: default, unit, bounds, source and help.

The declarations are the single source for validation (pydantic), the command-line
reference (`marketsim params`), the dashboard sliders and the parameter table in the docs.
Parameters are grouped by the part of the model that reads them, one module per group
(``world``, ``production``, ..., ``mechanisms``, beside ``core`` with the ``param()`` helper);
a dotted path such as ``policy.hvt_share`` names one.

Sources are cited in each parameter's metadata, by author and year or by the short
form of a source document (e.g. "MDLE seminar 2013"); docs/references.md gives every
work in full. "calibrated" means the value was chosen so the baseline reproduces a
stated target (the target and its source are named); "assumption" means no published
figure was found and the value is a modelling choice to be explored in sweeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from marketsim.config.params.core import (
    BUDGET_SHARES,
    CALIBRATED,
    CAULKINS_REUTER,
    PEW_2011,
    PRICE_CHAIN,
    PRISON_LIST,
    ROLES,
    TARGETABLE,
    UNODC_HOMICIDE,
    Group,
    Role,
    default_role,
    lever,
    param,
    role_problem,
)
from marketsim.config.params.demand import DemandParams
from marketsim.config.params.harm import HarmParams
from marketsim.config.params.justice import JusticeParams
from marketsim.config.params.mechanisms import MechanismParams, mechanism
from marketsim.config.params.police import PoliceParams
from marketsim.config.params.policy import PolicyParams
from marketsim.config.params.production import ProductionParams
from marketsim.config.params.retail import RetailParams
from marketsim.config.params.trafficking import TraffickingParams
from marketsim.config.params.violence import ViolenceParams
from marketsim.config.params.world import WorldParams

__all__ = [
    "BUDGET_SHARES", "CALIBRATED", "CAULKINS_REUTER", "GROUPS", "PEW_2011", "PRICE_CHAIN", "PRISON_LIST", "ROLES",
    "SPECS", "TARGETABLE", "UNODC_HOMICIDE", "DemandParams", "Group", "HarmParams", "JusticeParams",
    "MechanismParams", "ParamSpec", "Params", "PoliceParams", "PolicyParams", "ProductionParams", "RetailParams",
    "Role", "TraffickingParams", "ViolenceParams", "WorldParams", "default_role", "lever", "mechanism", "param",
    "parameter_specs", "role_problem",
]


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
    mechanisms: MechanismParams = MechanismParams()

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
    """One parameter's metadata, flattened for the CLI, the dashboard and the docs.

    ``role`` is ``lever``, ``uncertainty`` or ``fixed`` (see :data:`ROLES`): what analyses do with it.
    """

    path: str
    group: str
    name: str
    default: Any
    kind: Literal["int", "float", "bool", "str", "table"]
    unit: str
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool
    help: str
    source: str
    role: Role
    plausible: tuple[float, float] | None = None
    choices: tuple[str, ...] | None = None


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
                kind=field.annotation.__name__ if isinstance(field.annotation, type) else "table",
                unit=extra.get("unit", ""), minimum=lo, maximum=hi, exclusive_minimum=exclusive,
                help=field.description or "", source=extra.get("source", ""), role=extra["role"],
                plausible=tuple(extra["plausible"]) if "plausible" in extra else None,
                choices=tuple(extra["choices"]) if "choices" in extra else None,
            ))
    return specs


SPECS: dict[str, ParamSpec] = {spec.path: spec for spec in parameter_specs()}
GROUPS: tuple[str, ...] = tuple(Params.model_fields)

