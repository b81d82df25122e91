"""Every parameter declares its role — lever, uncertainty or fixed — and the analyses read it.

A lever is a choice a user makes (compared, never sampled), an uncertainty is something nobody knows
precisely (sampled over its plausible range), a fixed parameter is held. The EMA model, the robustness
analysis, sweeps and the dashboard take levers and uncertainties from these roles, not from the group.
"""

from __future__ import annotations

import pytest

from marketsim.config.params import ROLES, SPECS, param
from marketsim.dashboard.parameters import LEVERS, ordered_groups, panel_members
from marketsim.sweep.spec import default_role

LEVERS_OUTSIDE_POLICY = {
    "harm.naloxone_coverage": "how many overdose witnesses carry naloxone is a service's reach",
    "harm.syringe_coverage": "how many people who inject syringe programmes reach",
    "harm.treatment_capacity": "how many treatment places are funded",
    "harm.drug_checking_coverage": "how many users drug-checking services reach",
    "production.alt_development": "how much alternative-development support producing regions get",
}
"""The levers declared outside the ``policy`` group, each with the choice it stands for."""


def test_every_parameter_has_one_of_the_three_roles() -> None:
    assert set(ROLES) == {"lever", "uncertainty", "fixed"}
    assert {spec.role for spec in SPECS.values()} == set(ROLES)


def test_uncertainties_and_only_they_declare_a_plausible_range() -> None:
    assert [path for path, spec in SPECS.items() if spec.role == "uncertainty" and spec.plausible is None] == []
    assert [path for path, spec in SPECS.items() if spec.role != "uncertainty" and spec.plausible is not None] == []


def test_levers_are_the_policy_group_and_those_listed_here() -> None:
    levers = {path for path, spec in SPECS.items() if spec.role == "lever"}
    policy = {path for path, spec in SPECS.items() if spec.group == "policy"}
    assert policy <= levers
    assert levers - policy == set(LEVERS_OUTSIDE_POLICY)


def test_switches_and_files_are_fixed() -> None:
    assert all(spec.role == "fixed" for spec in SPECS.values() if spec.group == "mechanisms")
    assert SPECS["world.file"].role == "fixed"


@pytest.mark.parametrize(("declaration", "message"), [
    ({"role": "uncertainty"}, "an uncertainty declares a plausible range"),
    ({"role": "lever", "plausible": (0.0, 0.5)}, "a lever parameter declares no plausible range"),
    ({"role": "fixed", "plausible": (0.0, 0.5)}, "a fixed parameter declares no plausible range"),
    ({"role": "policy"}, "role 'policy': allowed lever, uncertainty, fixed"),
])
def test_a_declaration_whose_role_does_not_fit_fails_at_once(declaration: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        param(0.1, unit="0-1", help="A test parameter.", source="assumption", **declaration)


def test_a_role_left_out_follows_the_plausible_range() -> None:
    ranged = param(0.1, unit="0-1", help="h", source="assumption", plausible=(0.0, 0.5))
    plain = param(0.1, unit="0-1", help="h", source="a source")
    assert ranged.json_schema_extra["role"] == "uncertainty" and plain.json_schema_extra["role"] == "fixed"


def test_a_sweep_takes_each_parameters_declared_role() -> None:
    assert default_role("policy.hvt_share") == "lever"
    assert default_role("harm.naloxone_coverage") == "lever"
    assert default_role("violence.contest_rate") == "uncertainty"
    assert default_role("world.firearms") == "uncertainty"
    assert default_role("trafficking.border_markup") == "uncertainty"  # a fixed parameter a sweep varies is explored
    assert default_role("schedule.0.week") == "lever"


def test_the_dashboard_shows_every_lever_in_its_first_panel_and_each_parameter_once() -> None:
    specs = list(SPECS.values())
    panels = ordered_groups()
    assert panels[0] == LEVERS and "policy" not in panels
    assert [spec.path for spec in panel_members(LEVERS, specs)] == [
        spec.path for spec in specs if spec.role == "lever" and spec.kind != "table"]
    shown = [spec.path for panel in panels for spec in panel_members(panel, specs)]
    assert sorted(shown) == sorted(spec.path for spec in specs if spec.kind != "table")
