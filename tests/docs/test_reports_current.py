"""Generated reports say which model sources they were measured from; a report older than the
sources fails here, so the numbers users read are never those of another model."""
from __future__ import annotations

from pathlib import Path

from marketsim.validation import source_digest

DOCS = Path(__file__).parents[2] / "docs"


def test_the_validation_report_was_measured_from_these_sources() -> None:
    report = (DOCS / "validation.md").read_text(encoding="utf-8")
    assert f"`{source_digest()}`" in report, (
        "docs/validation.md was measured from other model sources: run `make validation` "
        f"(sources now `{source_digest()}`)")


def test_the_validation_report_has_the_event_study_the_accounting_and_the_undecided() -> None:
    report = (DOCS / "validation.md").read_text(encoding="utf-8")
    for heading in ("## The kingpin event study", "## Accounting: direct or emergent",
                    "## Ablation: switch the mechanisms off", "## Does not hold yet", "## Undecided at"):
        assert heading in report, f"docs/validation.md has no section {heading!r}: run `make validation`"
