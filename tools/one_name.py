"""One name per operation, a rule of the layout gate (tools/layout.py): an operation is a
method of the service that owns its work, so a class of services/ that aliases a function as
a method (`name = staticmethod(function)`) is refused, with where and what to do."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# An operation has one name, a method of the service that owns its work: a class attribute
# `name = staticmethod(function)` in services/ is refused. The draws, restructured apart,
# keep theirs until then (emptied as they move); and the few aliases outside them that keep
# the names the draws still call go when no module of the draws calls that name.
ALIASES_KEPT = frozenset({"services/draws"})
DRAWS = ("services/draws", "tests/draws", "miniapp_api/routes/draws", "console/pages/draws")
DRAWS_BRIDGE = {
    "services/reference/service.py": frozenset({
        "catalogue_for", "code_for", "current_version", "elsewhere", "normalise", "overlaps",
        "remember", "widen", "within_any"}),
    "services/applicants/reads.py": frozenset({"sniff"}),
}


def _staticmethod_aliases(path: Path) -> list[tuple[int, str, str]]:
    """Each `name = staticmethod(...)` in a class body of the module: (line, class, name)."""
    return [(stmt.lineno, node.name, target.id)
            for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ClassDef)
            for stmt in node.body if isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)
            and stmt.value.func.id == "staticmethod"
            for target in stmt.targets if isinstance(target, ast.Name)]


def aliases(root: Path = ROOT) -> list[str]:
    """The aliases of services/ (outside ALIASES_KEPT and DRAWS_BRIDGE), and the bridge's
    names the draws no longer call."""
    found = []
    for path in sorted((root / "services").rglob("*.py")):
        where = path.relative_to(root).as_posix()
        if where.startswith(tuple(f"{kept}/" for kept in ALIASES_KEPT)):
            continue
        found += [f"{where}:{line}: {cls}.{name} = staticmethod(...) aliases a function (an "
                  f"operation has one name: move the work into the class that owns it, as "
                  f"its method)" for line, cls, name in _staticmethod_aliases(path)
                  if name not in DRAWS_BRIDGE.get(where, ())]
    called = {node.attr for folder in DRAWS for path in sorted((root / folder).rglob("*.py"))
              for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, ast.Attribute)}
    found += [f"{where}: {name} is kept for the draws, which no longer call it (remove the "
              f"alias and its entry in DRAWS_BRIDGE)" for where, names in DRAWS_BRIDGE.items()
              if (root / where).exists() for name in sorted(names - called)]
    return found
