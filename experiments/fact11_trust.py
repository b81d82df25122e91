"""Stylized fact 11 — Trust: paired-seed comparison, data and figure.

Run: python experiments/fact11_trust.py [--seeds 12] [--steps 520] [--out out/experiments]
The comparisons and tolerances are defined in marketsim.validation.FACTS.
"""

import sys

from marketsim.validation import main

if __name__ == "__main__":
    sys.exit(main("trust"))
