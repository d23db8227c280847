"""One name per operation, a rule of the layout gate (tools/layout.py): an operation is a
method of the service that owns its work, so a class of services/ that aliases a function as
a method (`name = staticmethod(function)`) is refused, with where and what to do."""

from __future__ import annotations

import ast
from pathlib import Path

from trees import tree

ROOT = Path(__file__).resolve().parent.parent
# An operation has one name, a method of the service that owns its work: a class attribute
# `name = staticmethod(function)` in services/ is refused, everywhere.


def _staticmethod_aliases(path: Path) -> list[tuple[int, str, str]]:
    """Each `name = staticmethod(...)` in a class body of the module: (line, class, name)."""
    return [(stmt.lineno, node.name, target.id)
            for node in ast.walk(tree(path)) if isinstance(node, ast.ClassDef)
            for stmt in node.body if isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id == "staticmethod"
            for target in stmt.targets if isinstance(target, ast.Name)]


def aliases(root: Path = ROOT) -> list[str]:
    """The aliases of services/."""
    found = []
    for path in sorted((root / "services").rglob("*.py")):
        where = path.relative_to(root).as_posix()
        found += [f"{where}:{line}: {cls}.{name} = staticmethod(...) aliases a function (an "
                  f"operation has one name: move the work into the class that owns it, as "
                  f"its method)" for line, cls, name in _staticmethod_aliases(path)]
    return found
