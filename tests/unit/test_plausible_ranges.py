"""Declared uncertainty: every parameter that rests on an assumption or a calibration says how far
it could plausibly be from its default, and that range is usable.

The robustness analysis (experiments/robustness.py, docs/robustness.md) samples these ranges; a
parameter without one would silently be held at its default there.
"""

from __future__ import annotations

import pytest

from marketsim.config.params import SPECS, ParamSpec

UNCERTAIN_SOURCES = ("assumption", "calibrated", "fitted")
"""Words by which a source says the value is a modelling choice or was tuned to a target."""
REFERENCES = {"retail.open_air_visibility": "the unit in which the other sales modes' exposure to street arrests "
                                            "is measured (police.street_arrest_rate is per fully visible dealer)"}
"""Parameters sourced as an assumption that are units of measurement, with why a range would be meaningless."""


def needs_range(spec: ParamSpec) -> bool:
    """Whether a parameter must declare a plausible range: a number whose source is an assumption or
    a calibration, but the levers (decisions the presets make, not unknowns: a robustness analysis
    compares them) and the reference units."""
    return (spec.kind in ("int", "float") and spec.role != "lever" and spec.path not in REFERENCES
            and any(word in spec.source.lower() for word in UNCERTAIN_SOURCES))


def test_every_assumed_or_calibrated_parameter_declares_a_plausible_range() -> None:
    missing = [path for path, spec in SPECS.items() if needs_range(spec) and spec.plausible is None]
    assert not missing, f"declare plausible=(low, high) for: {', '.join(missing)}"
    assert sum(needs_range(spec) for spec in SPECS.values()) > 150  # the rule does select the assumptions


@pytest.mark.parametrize("path", [path for path, spec in SPECS.items() if spec.plausible is not None])
def test_each_plausible_range_lies_within_the_bounds_and_contains_the_default(path: str) -> None:
    spec = SPECS[path]
    assert spec.plausible is not None
    low, high = spec.plausible
    assert low < high, f"{path}: empty plausible range {spec.plausible}"
    assert low <= spec.default <= high, f"{path}: default {spec.default} outside {spec.plausible}"
    if spec.minimum is not None:
        assert low > spec.minimum if spec.exclusive_minimum else low >= spec.minimum, \
            f"{path}: plausible {spec.plausible} below the bound {spec.minimum}"
    if spec.maximum is not None:
        assert high <= spec.maximum, f"{path}: plausible {spec.plausible} above the bound {spec.maximum}"
    if spec.kind == "int":
        assert isinstance(low, int) and isinstance(high, int), f"{path}: a whole-number range, please"


def test_exemptions_are_what_they_claim() -> None:
    for path in REFERENCES:
        assert "reference" in SPECS[path].source and SPECS[path].plausible is None
