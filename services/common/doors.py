"""A door that loads what it names when first asked (PEP 562), for the parts of a context
whose modules import each other's (the parts of draws): a part's package runs its
`__init__` before any of its modules, so a door importing its modules at once would import
a sibling part's half-made module. The door lists its names as any door does, under
`TYPE_CHECKING` (what mypy and the layout gate read) and in `__all__`; `lazy` reads the
module of each name from that list once, when the first name is asked for."""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path


def lazy(package: str, path: str) -> Callable[[str], object]:
    """The `__getattr__` of the door `package` (its `__init__` at `path`)."""
    modules: dict[str, str] = {}

    def __getattr__(name: str) -> object:
        if not modules:
            modules.update(_listed(Path(path)))
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # asked once
        return value

    return __getattr__


def _listed(init: Path) -> dict[str, str]:
    """Each name the door's `if TYPE_CHECKING:` block imports, with its module."""
    out: dict[str, str] = {}
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.If):
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    out.update({alias.name: inner.module for alias in inner.names})
    return out
