"""Printing a handout to PDF with a headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from marketsim import analysis

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def print_pdf(handout: str | Path, timeout: float = 120) -> Path:
    """Print an HTML handout to PDF beside it with a headless Chromium.

    Args:
        handout: the HTML file (from :func:`build_handout`).
        timeout: seconds Chromium may take.

    Returns:
        The PDF's path: the handout's, ending in ``.pdf``.

    Raises:
        FileNotFoundError: no Chromium is installed.
        RuntimeError: Chromium could not print the page.
    """
    source = Path(handout).resolve()
    browser = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    if browser is None:
        raise FileNotFoundError("no Chromium found to print the PDF (install the 'chromium' package, "
                                "or open the HTML handout in any browser and print it to PDF)")
    target = source.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile, analysis.atomic_path(target) as temporary:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--no-pdf-header-footer",
                   f"--print-to-pdf={temporary}", source.as_uri()]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if finished.returncode != 0 or not temporary.exists():
            last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"Chromium could not print {source.name} to PDF: {last}")
    return target
