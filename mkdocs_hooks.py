"""MkDocs hooks: the documentation site works offline.

The notebook pages (mkdocs-jupyter, through nbconvert) carry a script that would load Mermaid
from a CDN to draw diagrams; the notebooks have none, so the script is removed. Material's web
fonts are turned off in mkdocs.yml (``theme.font: false``).
"""

from __future__ import annotations

import re
from typing import Any

MODULE_SCRIPT = re.compile(r'<script type="module">.*?</script>', re.DOTALL)
"""An inline module script (nbconvert's Mermaid loader is one)."""

CDN = "https://cdnjs."
"""Where nbconvert's loaders fetch their libraries from."""

EMPTY_SCRIPT = re.compile(r'<script src="">\s*</script>')
"""The MathJax loader nbconvert writes when no MathJax address is set: it loads nothing."""


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The page without scripts that would reach the internet."""
    without_cdn = MODULE_SCRIPT.sub(lambda script: "" if CDN in script.group(0) else script.group(0), output)
    return EMPTY_SCRIPT.sub("", without_cdn)
