"""Generated documentation stays in step with the code."""

from pathlib import Path

from typer.testing import CliRunner

from marketsim.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_parameter_reference_matches_the_declarations():
    result = CliRunner().invoke(app, ["params", "--markdown"])
    assert result.exit_code == 0
    stored = (ROOT / "docs" / "parameters.md").read_text()
    assert stored == result.stdout, "docs/parameters.md is stale: run `make docs`"


def test_readme_opens_with_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text().splitlines()
    commands = [line.split("#")[0].strip() for line in readme[:12] if line.startswith("make ")]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.strip().splitlines()[-1] == "make test"
