"""marketsim: an agent-based simulation of illicit drug markets for comparing drug policies
on violence and harm.

    import marketsim as ms
    scn = ms.load_scenario("baseline")
    model = ms.DrugMarketModel(scn, seed=1)
    model.run(520)
    df = model.metrics()
    df = ms.run("baseline", seed=1, steps=520)                      # the same in one call
    weeks = ms.run_batch(["baseline", "kingpin"], seeds=10, steps=520)   # paired seeds
    table = ms.compare(ms.summarise_runs(weeks))                    # means, CIs, paired differences
    ms.run_sweep("spec.toml", out="out/sweep")                       # parameter sweeps (sweep extra)
    ms.calibrate("targets.toml", out="out/calibration/mine")        # calibration (calibrate extra)

Importing marketsim is quick: each public name is imported from its module the first time it
is used, so the command line and scripts load only what they need.
"""

from marketsim.config.errors import ScenarioError as ScenarioError  # re-exported: the error every input check raises
from marketsim.lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "DrugMarketModel": "marketsim.model", "STAGES": "marketsim.model",
    "METRICS": "marketsim.outputs", "Metric": "marketsim.outputs",
    "ParamSpec": "marketsim.config.params", "Params": "marketsim.config.params",
    "parameter_specs": "marketsim.config.params",
    "Scenario": "marketsim.config.scenario", "list_scenarios": "marketsim.config.scenario",
    "load_scenario": "marketsim.config.scenario",
    "BURN_IN": "marketsim.runs", "run": "marketsim.runs", "run_batch": "marketsim.runs",
    "batch_parameters": "marketsim.runs",
    "seed_list": "marketsim.runs",
    "compare": "marketsim.analysis", "summarise_runs": "marketsim.analysis", "totals": "marketsim.analysis",
    "long_format": "marketsim.analysis", "plot_series": "marketsim.analysis", "plot_differences": "marketsim.analysis",
    "run_sweep": "marketsim.sweep.runner", "summarise_sweep": "marketsim.sweep.summary",
    "calibrate": "marketsim.calibration.engine", "load_targets": "marketsim.calibration.targets",
    "load_posterior": "marketsim.calibration.posterior",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted([*_EXPORTS, "ScenarioError", "__version__"])
