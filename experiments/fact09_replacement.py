"""Stylized fact 9 — Replacement of retail dealers: paired-seed comparison, data and figure.

Run: python experiments/fact09_replacement.py [--seeds 12] [--steps 520] [--out out/experiments]
The comparisons and tolerances are defined in marketsim.validation.FACTS.
"""

import sys

from marketsim.validation import main

if __name__ == "__main__":
    sys.exit(main("replacement"))
