"""The stages of the weekly step, one module each, run in the order of ``model.STAGES``."""
