"""Scenarios written back as scenario files: what ``marketsim show --toml`` prints and the
dashboard saves, in the layout ``marketsim.config.scenario`` reads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from marketsim.config.timeline import Timeline


def as_typed(value: Any) -> str:
    """A parameter value as it would be written in a scenario file or after ``--set``
    (whole-number floats without the ``.0``, as in interval bounds)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(as_typed(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key) if '.' in key else key} = {as_typed(item)}"
                                for key, item in value.items()) + " }" if value else "{}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def scenario_toml(title: str, summary: str, values: Mapping[str, Any], timeline: Timeline | None = None,
                  extends: str | None = None) -> str:
    """A scenario file: its title, summary and ``extends``, the parameter values by dotted path
    (grouped into one table per parameter group, in the order given), then the timeline's
    ``[[schedule]]`` and ``[[event]]`` blocks."""
    lines = [f"title = {as_typed(title)}", f"summary = {as_typed(summary)}"]
    if extends is not None:
        lines.append(f"extends = {as_typed(extends)}")
    grouped: dict[str, list[str]] = {}
    for path, value in values.items():
        group, name = path.split(".", 1)
        grouped.setdefault(group, []).append(f"{name} = {as_typed(value)}")
    for group, entries in grouped.items():
        lines += ["", f"[{group}]", *entries]
    timeline = timeline or Timeline()
    for table, items in (("schedule", timeline.schedule), ("event", timeline.events)):
        for item in items:
            lines += ["", f"[[{table}]]", *(f"{key} = {as_typed(value)}" for key, value in item.as_dict().items())]
    return "\n".join(lines) + "\n"
