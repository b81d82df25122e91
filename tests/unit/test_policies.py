"""Policies are objects: each lever is read by the one policy that declares it, budget shares and
aimable activities come from the activities, and the step runs every policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import marketsim as ms
from marketsim.config.params import BUDGET_SHARES, SPECS, TARGETABLE
from marketsim.sim.policies import ACTIVITIES, PROGRAMMES

SIM = Path(ms.__file__).parent / "sim"
POLICIES = (*ACTIVITIES, *PROGRAMMES)
AIMING = {"policy.targets"}
"""Levers the police read themselves: where activities are aimed (``Police.aim_at``)."""


def test_every_lever_belongs_to_exactly_one_policy():
    declared = [lever for policy in POLICIES for lever in policy.levers]
    assert len(declared) == len(set(declared)), "a lever declared by two policies"
    for lever in declared:
        assert lever in SPECS, f"{lever}: no such parameter"
        assert SPECS[lever].role == "lever", f"{lever} is declared {SPECS[lever].role}, read by a policy"
    levers = {path for path, spec in SPECS.items() if spec.role == "lever"}
    assert levers - AIMING == set(declared), "levers no policy reads, or policies reading non-levers"


def test_no_rule_outside_the_policies_reads_a_lever():
    """A subsystem reads what a policy gave it, never the lever itself."""
    readers = []
    for path in sorted(SIM.glob("*.py")):
        text = path.read_text()
        for lever in (p for p, spec in SPECS.items() if spec.role == "lever" and p not in AIMING):
            group, name = lever.split(".")
            if re.search(rf"\b(p|params|policy|{group})\.{name}\b", text) and not (
                    group == "policy" and re.search(rf"\bp\.policy\.{name}\b", text) is None
                    and re.search(rf"\bpolicy\.{name}\b", text) is None):
                readers.append(f"{path.name} reads {lever}")
    assert not readers, "\n".join(readers)


def test_budget_shares_and_aimable_activities_come_from_the_activities():
    assert {a.share for a in ACTIVITIES if a.share} == set(BUDGET_SHARES)
    assert {a.name for a in ACTIVITIES if a.targetable} == set(TARGETABLE)
    assert len({a.name for a in POLICIES}) == len(POLICIES)


def test_officer_weeks_follow_the_shares_and_reactive_policing_gets_the_rest():
    model = ms.DrugMarketModel("baseline", seed=1)
    model.step()
    effort, police, policy = model.police.effort, model.police, model.p.policy
    for activity in ACTIVITIES:
        if activity.share:
            assert effort[activity.name] == pytest.approx(police.officers * getattr(policy, activity.share))
    assert sum(effort.values()) == pytest.approx(police.officers)


def test_a_programme_provides_what_its_lever_says_from_the_first_week():
    model = ms.DrugMarketModel("baseline", seed=1, overrides={"harm.naloxone_coverage": 0.4},
                               schedule=[{"week": 3, "set": {"harm.naloxone_coverage": 0.9}}])
    naloxone = model.interventions.programme("naloxone")
    assert naloxone.coverage == 0.4
    model.run(3)
    assert naloxone.coverage == 0.9


def test_every_programme_acts_after_a_stage_of_the_step():
    from marketsim.model import STAGES

    names = {stage.name for stage in STAGES}
    assert all(programme.after in names for programme in PROGRAMMES)


def test_drug_checking_spares_users_the_surprise_of_a_purity_jump():
    """Users who know what they bought dose for it: after purity doubles unexpectedly, checked
    drugs kill fewer users than unchecked ones (paired seeds, the same draws)."""
    deaths = {}
    for coverage in (0.0, 1.0):
        total = 0
        for seed in range(4):
            model = ms.DrugMarketModel("baseline", seed=seed, overrides={
                "harm.drug_checking_coverage": coverage, "harm.drug_checking_response": 1.0})
            model.run(20)
            model.harm.expected_purity = model.harm.expected_purity / 2  # users expect half the purity they get
            model.step()
            total += model.log.total("overdose")  # this week's
        deaths[coverage] = total
    assert deaths[1.0] < deaths[0.0]
