"""Stylized fact 3 — Focused deterrence: paired-seed comparison, data and figure.

Run: python experiments/fact03_focused_deterrence.py [--seeds 12] [--steps 520] [--out out/experiments]
The comparisons and tolerances are defined in marketsim.validation.FACTS.
"""

import sys

from marketsim.validation import main

if __name__ == "__main__":
    sys.exit(main("focused_deterrence"))
