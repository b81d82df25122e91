"""Stylized fact 2 — Zero tolerance: paired-seed comparison, data and figure.

Run: python experiments/fact02_zero_tolerance.py [--seeds 12] [--steps 520] [--out out/experiments]
The comparisons and tolerances are defined in marketsim.validation.FACTS.
"""

import sys

from marketsim.validation import main

if __name__ == "__main__":
    sys.exit(main("zero_tolerance"))
