"""How often numpy's vectorised ``exp``, ``log`` and ``power`` differ in the last bit from the C library's
(Python's ``math``, which numba's compiled code also calls); whether numpy's pairwise sum differs from a
sum in order, and whether ``pairwise_sum`` gives numpy's.

This is what a compiled kernel must respect to keep the numpy code's results (docs/contributing.md,
"Making the step faster"): a last bit that tips a threshold changes every later draw. With numba
installed, its ``math.exp`` and its ``np.sum`` are checked too.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from marketsim.sim.common import numba, pairwise_sum


def share_differing(vectorised: np.ndarray, scalar: list[float]) -> float:
    """Share of elements where numpy's vectorised result is not the C library's."""
    return float(np.count_nonzero(vectorised != np.array(scalar))) / len(scalar)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_000_000, help="values compared")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    values = np.random.default_rng(args.seed).normal(0.0, 5.0, args.values)
    positive = np.abs(values) + 1e-3
    exponent = 1.7  # any non-integer power
    print(f"numpy {np.__version__}, {args.values:,} values (normal, sd 5; their absolute values for log and power)")
    checks = {
        "exp": (np.exp(values), [math.exp(v) for v in values.tolist()]),
        "log": (np.log(positive), [math.log(v) for v in positive.tolist()]),
        "power": (positive ** exponent, [v ** exponent for v in positive.tolist()]),
    }
    for name, (vectorised, scalar) in checks.items():
        differing = share_differing(vectorised, scalar)
        print(f"  numpy's {name:<5} differs from the C library's in {differing:7.2%} of values")
    in_order = float(np.cumsum(values)[-1])  # cumsum adds in order (Python's sum compensates since 3.12)
    same = pairwise_sum(values) == values.sum()
    print(f"  numpy's sum {'equals' if values.sum() == in_order else 'differs from'} the sum in order "
          f"({values.sum() - in_order:+.3g}); pairwise_sum {'equals' if same else 'DIFFERS FROM'} it")
    if numba is None:
        print("numba is not installed: its functions are not compared")
        return

    @numba.njit
    def compiled_exp(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for i in range(len(x)):
            out[i] = math.exp(x[i])
        return out

    compiled_sum = numba.njit(lambda x: np.sum(x))
    print(f"numba {numba.__version__}: math.exp differs from the C library's in "
          f"{share_differing(compiled_exp(values), checks['exp'][1]):.2%} of values; np.sum "
          f"{'equals' if compiled_sum(values) == in_order else 'differs from'} the sum in order")


if __name__ == "__main__":
    main()
