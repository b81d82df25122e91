"""Calibration against evidence: fit the uncertain parameters to many targets at once by Bayesian
history matching, and report a posterior sample, what cannot be fitted together, and the policy
rankings over the posterior::

    import marketsim as ms
    result = ms.calibrate("targets.toml", out="out/calibration/mine", workers=2)
    result.posterior          # the parameter sets consistent with the fitted targets
    result.checks             # each target, fitted or not, against the posterior's 5–95% band
    result.conflicts          # pairs of targets no parameter set meets together

One module per concern: ``targets`` (the targets file), ``measures`` (how the model measures a
target), ``emulator`` (Gaussian-process emulators and implausibility), ``engine`` (the waves),
``report`` (checks, conflicts, rankings, figures, the report) and ``posterior`` (drawing parameter
sets from a calibration for ``marketsim run/compare --posterior``). Their public names are
available here, each imported on first use.
"""

from marketsim.lazy import lazy_exports

_EXPORTS = {
    "CalibrationError": "marketsim.calibration.targets", "Target": "marketsim.calibration.targets",
    "Targets": "marketsim.calibration.targets", "load_targets": "marketsim.calibration.targets",
    "DEFAULT_TARGETS": "marketsim.calibration.targets", "EXAMPLE_TARGETS": "marketsim.calibration.targets",
    "Calibration": "marketsim.calibration.engine", "calibrate": "marketsim.calibration.engine",
    "Posterior": "marketsim.calibration.posterior", "load_posterior": "marketsim.calibration.posterior",
    "level_roles": "marketsim.calibration.posterior",
    "validation_roles": "marketsim.calibration.posterior",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
