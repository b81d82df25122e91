"""The scenario examples in docs/scenarios.md are valid scenarios in the world they name."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import marketsim as ms
from marketsim.runs import check_worlds

PAGE = Path(__file__).parents[2] / "docs" / "scenarios.md"
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_has_examples() -> None:
    assert len(TOML_BLOCKS) >= 3


@pytest.mark.parametrize("block", TOML_BLOCKS, ids=[f"block{i}" for i in range(len(TOML_BLOCKS))])
def test_each_example_loads_and_builds_its_world(block: str, tmp_path: Path) -> None:
    text = block if "extends" in block else 'extends = "baseline"\n' + block
    path = tmp_path / "example.toml"
    path.write_text(text, encoding="utf-8")
    scenario = ms.load_scenario(path)
    check_worlds([scenario], seed=1, steps=520)
