"""Public names imported on first use, so that importing a package costs only what is used."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` (PEP 562) for ``package``.

    Args:
        package: the ``__name__`` of the package whose names these are.
        exports: each public name and the module that defines it.

    Returns:
        ``__getattr__`` imports a name's module the first time the name is read and keeps the
        value in the package, so later reads cost nothing; ``__dir__`` lists the names.
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:  # noqa: N807 -- the module hook's own name
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name]), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 -- the module hook's own name
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
