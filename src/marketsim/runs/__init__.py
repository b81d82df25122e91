"""The one batch runner: scenarios × paired seeds, in this process or in worker processes.

Every batch of runs goes through here — ``marketsim run`` and ``compare``, the stylized facts,
the lessons and the parameter sweeps (whose backends call :func:`execute`) — so they all seed,
validate, run and leave out the burn-in in the same way::

    import marketsim as ms
    from marketsim import analysis
    weeks = ms.run_batch(["baseline", "focused_deterrence"], seeds=10, steps=520, workers=2)
    summary = analysis.summarise_runs(weeks)   # each run's means after the first BURN_IN weeks

Seeds are paired: every scenario runs with the same list of seeds (:func:`seed_list`), so two
scenarios can be compared seed by seed. A run depends only on its scenario, seed and weeks, so
the table is the same whatever the number of workers and the order in which runs finish.

Heavy libraries (pandas, numpy, the model) are imported where they are used, so that the
command line can read :data:`BURN_IN` without loading the simulation.
"""

from marketsim.runs.batch import RunError, run_batch
from marketsim.runs.checks import (
    BURN_IN,
    DEFAULT_SEED_BASE,
    MAX_SEED,
    ScenarioInput,
    batch_parameters,
    burn_in_problems,
    check_burn_in,
    check_worlds,
    load_scenarios,
    resolve_burn_in,
    run_problems,
    seed_list,
    whole_number_problems,
    workers_problems,
)
from marketsim.runs.pool import Backend, ProcessBackend, SerialBackend, WeekCallback, available_cores, local_backend
from marketsim.runs.progress import ProgressOption, ProgressReport
from marketsim.runs.single import (
    RunOutcome,
    RunTask,
    RunTimeoutError,
    TableOf,
    execute,
    labelled,
    release_model,
    run,
    simulate,
    time_limit,
)

__all__ = [
    "BURN_IN", "DEFAULT_SEED_BASE", "MAX_SEED", "Backend", "ProcessBackend", "ProgressOption", "ProgressReport",
    "RunError", "RunOutcome", "RunTask", "RunTimeoutError", "ScenarioInput", "SerialBackend", "TableOf",
    "WeekCallback", "available_cores", "batch_parameters", "burn_in_problems", "check_burn_in", "check_worlds",
    "execute", "labelled", "load_scenarios", "local_backend", "release_model", "resolve_burn_in", "run",
    "run_batch", "run_problems", "seed_list", "simulate", "time_limit", "whole_number_problems", "workers_problems",
]
