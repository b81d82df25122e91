"""Generated documentation and the model description stay in step with the code, and every citation can be followed."""

import re
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from marketsim.cli.main import app
from marketsim.config.params import GROUPS, SPECS, parameter_specs
from marketsim.model import STAGES
from marketsim.outputs import METRICS, PER_REGION, PLACE_COLUMNS
from marketsim.validation import FACTS

ROOT = Path(__file__).resolve().parents[2]
ODD = ROOT / "docs" / "ODD.md"


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
    """Every citation a user meets: parameter sources, stylized facts, the model description, and in
    scenario and lesson files their ``sources`` and every parenthesis (the text names events such as
    "Chicago 2000")."""
    texts = {f"parameter {spec.path}": spec.source for spec in parameter_specs()}
    texts |= {f"fact {fact.name}": fact.source for fact in FACTS}
    texts["docs/ODD.md"] = " ".join(ODD.read_text(encoding="utf-8").split())  # citations wrap across lines
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


PARAMETER_PATH = re.compile(rf"`((?:{'|'.join(GROUPS)})\.\w+)`")
"""A parameter named in code font by its dotted path, such as `violence.belief_memory`."""


def test_model_description_names_every_parameter_and_only_parameters_that_exist():
    named = set(PARAMETER_PATH.findall(ODD.read_text(encoding="utf-8")))
    missing = [path for path in SPECS if path not in named]
    unknown = sorted(named - set(SPECS))
    assert not missing, "parameters not described in docs/ODD.md:\n" + "\n".join(missing)
    assert not unknown, "docs/ODD.md names parameters that do not exist:\n" + "\n".join(unknown)


def test_model_description_follows_the_schedule_and_names_every_output():
    text = ODD.read_text(encoding="utf-8")
    schedule = text.split("### 1.3", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\d+\. \*\*([\w ]+)\*\*", schedule, flags=re.MULTILINE) == [stage.name for stage in STAGES]
    columns = [*METRICS, *PER_REGION, *PLACE_COLUMNS]
    missing = [name for name in columns if f"`{name}`" not in text]
    assert not missing, "output columns not described in docs/ODD.md:\n" + "\n".join(missing)


PARAMETER_IN_TEXT = re.compile(
    r"(?<!model\.)\b(?:" + "|".join(GROUPS) + r")\.(?!(?:py|html|md)\b)[a-z_]*[a-z](?![\w.])")
"""A dotted parameter path as the docs write one (``violence.belief_memory``; not a file name
such as ``violence.py``, a prefix such as ``justice.initial_`` nor a subsystem's method in code,
``self.model.harm.inform_users``)."""


def test_every_parameter_the_docs_name_exists():
    """(docs/ODD.md has its own test, which also names the stream names it uses)."""
    pages = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md",
             ROOT / "src" / "marketsim" / "sweep" / "example.toml"]
    unknown = [f"{page.name}: {path}" for page in pages if page.name not in ("changelog.md", "ODD.md")
               for line in page.read_text(encoding="utf-8").splitlines() if "did you mean" not in line
               for path in PARAMETER_IN_TEXT.findall(line) if path not in SPECS]
    assert not unknown, "the docs name parameters that do not exist: " + ", ".join(unknown)


def test_the_site_lists_every_page_and_works_offline():
    import sys

    import yaml

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(nav):
        for item in nav:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from pages(value) if isinstance(value, list) else [value]

    listed = set(pages(config["nav"]))
    docs = {str(path.relative_to(ROOT / "docs")) for path in (ROOT / "docs").rglob("*")
            if path.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in path.parts}
    assert docs - listed == set(), "pages missing from the site's navigation"
    assert config["theme"]["font"] is False, "web fonts need the internet"
    sys.path.insert(0, str(ROOT))
    try:
        from mkdocs_hooks import on_post_page
    finally:
        sys.path.remove(str(ROOT))
    page = ('<script type="module">import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/x.mjs")</script>'
            '<script src=""> </script><script type="module">local()</script>')
    assert on_post_page(page, None, None) == '<script type="module">local()</script>'
