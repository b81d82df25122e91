"""Stylized fact 7 — Harm reduction: paired-seed comparison, data and figure.

Run: python experiments/fact07_harm_reduction.py [--seeds 12] [--steps 520] [--out out/experiments]
The comparisons and tolerances are defined in marketsim.validation.FACTS.
"""

import sys

from marketsim.validation import main

if __name__ == "__main__":
    sys.exit(main("harm_reduction"))
