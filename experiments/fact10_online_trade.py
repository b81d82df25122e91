"""Stylized fact 10 — Online trade: paired-seed comparison, data and figure.

Run: python experiments/fact10_online_trade.py [--seeds 12] [--steps 520] [--out out/experiments]
The comparisons and tolerances are defined in marketsim.validation.FACTS.
"""

import sys

from marketsim.validation import main

if __name__ == "__main__":
    sys.exit(main("online_trade"))
