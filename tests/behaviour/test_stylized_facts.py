"""The eleven stylized facts of marketsim.validation, each over the same 10 paired seeds.

Every arm runs once (shared across facts) in a pool of two processes. Under pytest-xdist the
evaluation runs in whichever worker gets here first and is shared through a file guarded by a
lock (the pattern pytest-xdist documents for session fixtures). Tolerances are in
marketsim.validation: the expected direction in at least 80% of pairs and a 95% CI that excludes
zero ("similar": the CI of the relative change within the stated tolerance; "not higher": its
upper end within it). Deterministic for the fixed seeds.
"""

import pickle

import pytest
from filelock import FileLock

from marketsim.validation import FACTS, evaluate

pytestmark = pytest.mark.slow
SEEDS = 10


@pytest.fixture(scope="session")
def results(tmp_path_factory, worker_id):
    if worker_id == "master":
        return evaluate(FACTS, seeds=SEEDS, workers=2)
    shared = tmp_path_factory.getbasetemp().parent / "stylized_facts.pickle"
    with FileLock(f"{shared}.lock"):
        if shared.is_file():
            return pickle.loads(shared.read_bytes())
        measured = evaluate(FACTS, seeds=SEEDS, workers=2)
        shared.write_bytes(pickle.dumps(measured))
        return measured


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: f"{fact.number:02d}_{fact.name}")
def test_stylized_fact_is_reproduced(results, fact):
    measured = results[fact.name]
    assert len(measured) == len(fact.comparisons)
    failures = [r.describe() for r in measured if not r.holds]
    assert not failures, f"Fact {fact.number} ({fact.title}) not reproduced:\n" + "\n".join(failures)
