"""Regenerate tests/regression/baseline.json — deliberately, after a change meant to move results.

Run ``make update-baseline`` (or ``python tests/regression/update_baseline.py``) and commit the
diff with a message that says why the numbers moved.
"""

from baseline_tools import PATH, compute, store

if __name__ == "__main__":
    store(compute())
    print(f"wrote {PATH}")
