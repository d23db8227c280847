"""The layout gate (`make test` runs it): the import graph of the service's packages has no
cycle, type-only and function-level imports included; nothing outside config/ imports
config; no module is over 400 lines. Prints what is wrong and exits 1, or prints a summary."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "bot", "handlers", "miniapp_api", "services", "models", "web", "sandbox",
            "console")
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of ours that `name` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            visit(v)
    return found


def main() -> int:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    problems = [f"import cycle: {' <-> '.join(c)}" for c in cycles(graph)]
    problems += [f"{name} imports {dep} (only config/ may import config)"
                 for name, deps in sorted(graph.items()) if not name.startswith("config")
                 for dep in sorted(deps) if dep.split(".")[0] == "config"]
    sizes = {name: len(path.read_text().splitlines()) for name, path in known.items()}
    problems += [f"{name} has {n} lines (at most {MAX_LINES})"
                 for name, n in sorted(sizes.items()) if n > MAX_LINES]
    for problem in problems:
        print(f"layout: {problem}")
    if problems:
        return 1
    edges = sum(len(d) for d in graph.values())
    print(f"layout: {len(known)} modules, {edges} imports, no cycle, largest "
          f"{max(sizes.values())} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
