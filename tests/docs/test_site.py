"""The documentation site builds offline with warnings as errors, its notebooks executed, as CI
builds it (``mkdocs build --strict``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("mkdocs_jupyter")


def test_the_site_builds_strictly_with_executed_notebooks_and_the_api_reference(tmp_path: Path) -> None:
    site = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                           cwd=ROOT, capture_output=True, text=True, timeout=540, check=False,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr[-4000:]
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("run_batch", "DrugMarketModel", "run_sweep", "summarise_sweep", "mean_ci"):
        assert name in api
    executed = {page: (site / "notebooks" / page / "index.html").read_text(encoding="utf-8")
                for page in ("getting_started", "policy_comparison", "sweep_analysis")}
    assert "Out[" in executed["getting_started"] and "homicide_rate" in executed["getting_started"]
    assert "focused_deterrence" in executed["policy_comparison"] and "<img" in executed["policy_comparison"]
    assert "ran=48, skipped=0, failed=0" in executed["sweep_analysis"]
    assert "Traceback" not in "".join(executed.values())
    assert (site / "changelog" / "index.html").read_text(encoding="utf-8").count("Unreleased") >= 1
    # offline: no page loads a font, a style or a script from the internet
    fetched = re.compile(r'<(?:script|link)[^>]*(?:src|href)="(?:https?:)?//[^"]*"|fonts\.googleapis|cdnjs\.')
    for page in site.rglob("*.html"):
        assert not fetched.search(page.read_text(encoding="utf-8")), page
    assert (site / "reliability" / "index.html").exists()
