"""The eleven stylized facts, each comparison over the same paired seeds, and the ablation of the
mechanisms each rests on, judged by the report's rules (marketsim.validation: three-way verdicts).

Two tiers:

- **fast** (every test run, CI): every comparison at 12 paired seeds × 312 weeks. Twelve unanimous
  seed pairs show that at least 80% of pairs agree (eleven is the fewest that can; eight agreeing
  pairs of eight are consistent with a true share of 75%); six years are long enough for quantities that keep
  growing through a run (users under harm reduction: about +4.7% over four years, +5.7% over six,
  +6.5% over ten) to be judged as the report judges them, and for the kingpin event study (208).
  Every arm runs once in a pool of two processes; under pytest-xdist the measurement runs in
  whichever worker gets here first and is shared through a file guarded by a lock (the pattern
  pytest-xdist documents for session fixtures).
- **report** (marked ``slow``, deselected by default; ``make validation`` runs it): every comparison
  and every ablation at the report's 20 paired seeds × 520 weeks, read from the results the report
  was written from (out/validation/, by source digest), or measured and kept there. Ablations run
  only here: they double the arms, and twenty seeds decide more of them than eight.

A test asserts only what its tier decides. A comparison is expected to hold unless
marketsim.validation_gaps.GAPS lists it; it fails when decided the other way (a listed gap decided
to hold has closed: remove it from GAPS), and is skipped, saying why, when this many seeds cannot
decide it (its CI straddles zero or a band's edge, or the share of pairs agreeing could lie on either
side of 80%). So no verdict flips on a margin between machines. Ablations likewise: an ablation must remove its effect
unless GAPS lists it.
"""

import pickle
from pathlib import Path

import pytest
from filelock import FileLock

from marketsim.validation import (
    FACTS,
    FAILS,
    HOLDS,
    QUICK_SEEDS,
    REPORT_SEEDS,
    STEPS,
    ablation_verdict,
    measure_all,
    measured,
)
from marketsim.validation_gaps import GAPS

FAST_SEEDS = QUICK_SEEDS
FAST_STEPS = 312
"""The fast tier's design: fewer seeds and weeks than the report, to keep CI short."""
RESULTS = Path(__file__).resolve().parents[2] / "out" / "validation"
"""Where the report keeps its measured results (make validation runs from the project root)."""


def measure_fast() -> object:
    return measure_all(seeds=FAST_SEEDS, steps=FAST_STEPS, workers=2, ablations=False)


def report_tier() -> object:
    return measured(RESULTS, seeds=REPORT_SEEDS, steps=STEPS, workers=2)


@pytest.fixture(scope="session", params=["fast", pytest.param("report", marks=pytest.mark.slow)])
def tier(request, tmp_path_factory):
    """The measured comparisons of one tier."""
    if request.param == "report":
        return report_tier()
    if not hasattr(request.config, "workerinput"):  # not a pytest-xdist worker
        return measure_fast()
    shared = tmp_path_factory.getbasetemp().parent / "stylized_facts.pickle"
    with FileLock(f"{shared}.lock"):
        if shared.is_file():
            return pickle.loads(shared.read_bytes())
        results = measure_fast()
        shared.write_bytes(pickle.dumps(results))
        return results


@pytest.fixture(scope="session")
def report():
    """The report tier's comparisons and ablations."""
    return report_tier()


CASES = [(fact, index) for fact in FACTS for index in range(len(fact.comparisons))]
ABLATED = [(fact, index) for fact in FACTS for index, c in enumerate(fact.comparisons) if c.mechanisms]


def skip_if_undecided(decided: bool, what: str, seeds: int) -> None:
    if not decided:
        pytest.skip(f"undecided at {seeds} seeds: {what}")


@pytest.mark.parametrize("fact, index", [
    pytest.param(fact, index, id=f"{fact.number:02d}_{fact.name}_{index}_{fact.comparisons[index].metric}")
    for fact, index in CASES])
def test_stylized_fact_comparison(tier, fact, index):
    result = tier.results[fact.name][index]
    gap = GAPS.get(("fact", result.comparison.label))
    skip_if_undecided(result.verdict != "undecided", result.describe(), tier.seeds)
    if gap:
        assert result.verdict == FAILS, (f"Fact {fact.number} ({fact.title}): a gap has closed — remove it from "
                                         f"validation_gaps.GAPS: {result.describe()}")
    else:
        assert result.verdict == HOLDS, f"Fact {fact.number} ({fact.title}) not reproduced: {result.describe()}"


@pytest.mark.slow
@pytest.mark.parametrize("fact, index", [
    pytest.param(fact, index, id=f"{fact.number:02d}_{fact.name}_{index}_{fact.comparisons[index].metric}_ablated")
    for fact, index in ABLATED])
def test_switching_the_mechanisms_off_removes_the_effect(report, fact, index):
    original, ablated = report.pairs(fact)[index]
    verdict = ablation_verdict(original, ablated)
    gap = GAPS.get(("ablation", original.comparison.label))
    skip_if_undecided(verdict != "undecided", f"with the mechanisms on: {original.describe()}; off: "
                                              f"{ablated.describe()}", report.seeds)
    if gap:
        assert verdict != "removed", (f"Fact {fact.number}: a gap has closed — switching "
                                      f"{', '.join(original.comparison.mechanisms)} off now removes the effect; "
                                      f"remove it from validation_gaps.GAPS: {ablated.describe()}")
    else:
        assert verdict == "removed", (f"Fact {fact.number}: with {', '.join(original.comparison.mechanisms)} off: "
                                      f"{verdict} — on: {original.describe()}; off: {ablated.describe()}")
