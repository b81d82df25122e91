"""Parameter sweeps: designs, paired replicates, parallel backends, resumable storage, summaries.

A sweep runs every scenario at every point of a design — a full factorial grid, a Latin
hypercube, a Sobol sample, or explicit points — with the same list of seeds, so that any two
scenarios or points are compared seed by seed::

    import marketsim as ms
    ms.run_sweep(scenarios=["baseline", "focused_deterrence"],
                 params={"policy.hvt_share": {"min": 0.0, "max": 0.2},
                         "world.firearms": {"min": 0.3, "max": 0.9}},
                 design={"kind": "lhs", "samples": 50}, seeds=4, steps=260, out="out/sweeps/hvt")
    ms.summarise_sweep("out/sweeps/hvt")

Every run depends only on its scenario, resolved parameters, seed and steps, so the data are
identical whatever the backend, the number of workers or the order in which runs finish.

One module per concern: ``errors``, ``spec`` (what to run), ``design`` (the points and the plan of runs),
``backends`` (where runs execute), ``store`` (the output directory), ``runner`` (running a
sweep), ``summary``, ``plots`` and ``ema`` (what is made of it). Their public names are
available here, each imported on first use.
"""

from marketsim.lazy import lazy_exports

_EXPORTS = {
    "SweepError": "marketsim.sweep.errors", "SweepSpec": "marketsim.sweep.spec",
    "ParamRange": "marketsim.sweep.spec", "load_spec": "marketsim.sweep.spec", "make_spec": "marketsim.sweep.spec",
    "Plan": "marketsim.sweep.design", "Run": "marketsim.sweep.design", "design_points": "marketsim.sweep.design",
    "plan_sweep": "marketsim.sweep.design",
    "BACKENDS": "marketsim.sweep.backends", "DaskBackend": "marketsim.sweep.backends",
    "open_backend": "marketsim.sweep.backends",
    "SweepStore": "marketsim.sweep.store",
    "SweepResult": "marketsim.sweep.runner", "run_sweep": "marketsim.sweep.runner",
    "SweepSummary": "marketsim.sweep.summary", "point_statistics": "marketsim.sweep.summary",
    "sensitivity_indices": "marketsim.sweep.summary", "summarise_sweep": "marketsim.sweep.summary",
    "plot_outcomes": "marketsim.sweep.plots",
    "ema_results": "marketsim.sweep.ema", "save_ema": "marketsim.sweep.ema",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
