"""The local crackdown experiment's reading of a weighted displacement quotient (Bowers & Johnson
2003), on made-up numbers."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "experiments" / "local_crackdown.py"
spec = importlib.util.spec_from_file_location("local_crackdown_script", SCRIPT)
crackdown = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = crackdown
spec.loader.exec_module(crackdown)


@pytest.mark.parametrize(("change", "wdq", "low", "high", "expected"), [
    (-0.2, -3.0, -4.0, -2.0, "displaced to the buffer (more than was removed)"),
    (-0.2, -0.5, -0.8, -0.2, "displaced to the buffer"),
    (-0.2, 0.6, 0.2, 1.0, "a diffusion of benefits to the buffer"),
    (-0.2, 0.1, -0.5, 0.7, "neither displacement nor diffusion distinguishable from none"),
    (0.1, -3.0, -4.0, -2.0, "not lowered in the target, so neither displaced nor diffused"),
])
def test_the_quotient_is_read_from_its_confidence_interval(change, wdq, low, high, expected) -> None:
    row = pd.Series({"change_target": change, "wdq": wdq, "wdq_low": low, "wdq_high": high})
    assert crackdown.verdict(row) == expected


def test_the_report_reads_every_measure_with_the_mechanism_on_and_off() -> None:
    rows = [{"displacement": on, "seed": seed, "measure": name, "area": area,
             "change": -0.2 if area == "target" else 0.1, "wdq": (-2.0 if on else 0.5) + 0.1 * seed}
            for on in (True, False) for seed in range(3) for name in crackdown.MEASURES
            for area in crackdown.AREAS]
    lines = crackdown.reading(crackdown.summary(pd.DataFrame(rows)))
    assert len(lines) == len(crackdown.MEASURES)
    assert all("mechanism on: -20% in the target, displaced to the buffer (more than was removed)" in line
               and "mechanism off: -20% in the target, a diffusion of benefits to the buffer" in line
               for line in lines)
