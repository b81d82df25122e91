"""Generated documentation stays in step with the code, and every citation can be followed."""

import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from marketsim.cli.main import app
from marketsim.config.params import parameter_specs
from marketsim.validation import FACTS

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


CITATION = re.compile(r"\b([A-Z][\w'\-]+)(?:,? [A-Z][\w\-]+)*(?: et al\.| & [A-Z][\w\-]+)?,? (\d{4})\b(?![-–]\d)")
"""An author-year citation such as ``Werb et al. 2011`` or ``Castillo, Mejía & Restrepo 2020`` (a
period such as ``Mexico 2007-2010`` is not one): the first author and the year."""

UNFOLLOWABLE = re.compile(r"(?i:seeds? 0\d\d)|DESIGN(?:\.md)? §|REFERENCES\b|(?i:\bissue \d)")
"""Citations of files only the design team had ("seed 003", "DESIGN §4", "REFERENCES.md", "issue 3")."""


def cited_texts() -> dict[str, str]:
    """Every citation a user meets: parameter sources, stylized facts, and in scenario and lesson
    files their ``sources`` and every parenthesis (the text names events such as "Chicago 2000")."""
    texts = {f"parameter {spec.path}": spec.source for spec in parameter_specs()}
    texts |= {f"fact {fact.name}": fact.source for fact in FACTS}
    for path in sorted((ROOT / "scenarios").rglob("*.toml")):
        text = path.read_text(encoding="utf-8")
        texts[str(path.relative_to(ROOT))] = "\n".join([*re.findall(r"\(([^()]*)\)", text),
                                                        *tomllib.loads(text).get("sources", [])])
    return texts


def test_every_cited_work_is_in_the_bibliography():
    bibliography = (ROOT / "docs" / "references.md").read_text(encoding="utf-8").splitlines()
    missing = [f"{where}: {match.group(0)}" for where, text in cited_texts().items()
               for match in CITATION.finditer(text)
               if not any(match.group(1) in line and match.group(2) in line for line in bibliography)]
    assert not missing, "cited but not in docs/references.md:\n" + "\n".join(missing)


def test_no_citation_points_to_a_file_users_do_not_have():
    files = [*(ROOT / "scenarios").rglob("*.toml"), *(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
    texts = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8") for path in files}
    texts |= {f"parameter {spec.path}": spec.source for spec in parameter_specs()}
    texts |= {f"fact {fact.name}": fact.source for fact in FACTS}
    found = [f"{where}: {match.group(0)}" for where, text in texts.items() for match in UNFOLLOWABLE.finditer(text)]
    assert not found, "citations a user cannot follow:\n" + "\n".join(found)
