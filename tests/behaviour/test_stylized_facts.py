"""The eleven stylized facts of DESIGN §4, each over the same 10 paired seeds.

Every arm runs once (shared across facts) in a pool of two processes; the whole module is one
xdist group so the runs happen in a single worker. Tolerances are in marketsim.validation:
the expected direction in at least 80% of pairs and a 95% CI that excludes zero ("similar":
the CI of the relative change within the stated tolerance; "not higher": its upper end within
it). Deterministic for the fixed seeds.
"""

import pytest

from marketsim.validation import FACTS, evaluate

pytestmark = [pytest.mark.xdist_group("stylized_facts"), pytest.mark.slow]
SEEDS = 10


@pytest.fixture(scope="module")
def results():
    return evaluate(FACTS, seeds=SEEDS, workers=2)


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: f"{fact.number:02d}_{fact.name}")
def test_stylized_fact_is_reproduced(results, fact):
    measured = results[fact.name]
    assert len(measured) == len(fact.comparisons)
    failures = [r.describe() for r in measured if not r.holds]
    assert not failures, f"Fact {fact.number} ({fact.title}) not reproduced:\n" + "\n".join(failures)
