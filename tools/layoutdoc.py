"""Writes the table of contexts and parts in docs/architecture.md from the import graph the
layout gate computes (tools/layout.py): each context of services/ at its layer (one above the
highest context it imports), what it holds (its door's first sentence), the contexts it
imports, and its mirrors in the routes, the console's pages and the tests; under it each of
its parts (a sub-package) at its layer among the parts, the same way. Nothing is named here:
a context or a part added, moved, split or merged shows at the next run. Parts that import
each other share a layer and say with whom. `python tools/layoutdoc.py` rewrites the part of
the page between its markers; `--check` only reports a drift (tests/house/test_layout_doc.py
checks the same)."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "architecture.md"
START = ("<!-- contexts: written by tools/layoutdoc.py from the import graph of "
         "tools/layout.py; change the code, not this part -->")
END = "<!-- contexts: end -->"
SENTENCE = re.compile(r"(?<=\.)\s+(?=[A-Z])")


def _layout() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_gate", ROOT / "tools" / "layout.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("layout_gate", module)
    spec.loader.exec_module(module)
    return module


layout = _layout()


@dataclass(frozen=True)
class Unit:
    """A context or a part: its dotted name, its layer, what it imports of its own kind
    (short names), whom it shares a cycle with, what it holds, and its mirrors."""

    name: str
    layer: int
    imports: tuple[str, ...]
    cycle: tuple[str, ...]
    holds: str
    mirrors: tuple[str, ...]


def holds(init: Path | None) -> str:
    """The first sentence of a package's docstring (its door says what it holds)."""
    if init is None or not init.exists():
        return "—"
    doc = ast.get_docstring(ast.parse(init.read_text()))
    if not doc:
        return "—"
    first = " ".join(doc.split("\n\n")[0].split())
    return SENTENCE.split(first, maxsplit=1)[0]


def layers(arrows: dict[str, set[str]]) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    """Each node's layer (0: imports none of the others; else one above the highest it
    imports) and, for nodes in a cycle, the others in it (they share a layer)."""
    components = layout.cycles(arrows)
    group = {node: tuple(sorted(c)) for c in components for node in c}
    level: dict[str, int] = {}

    def visit(node: str, seen: frozenset[str]) -> int:
        if node in level:
            return level[node]
        members = group.get(node, (node,))
        below = {d for m in members for d in arrows[m]} - set(members)
        value = 1 + max((visit(d, seen | set(members)) for d in below if d not in seen),
                        default=-1)
        for m in members:
            level[m] = value
        return value

    for node in sorted(arrows):
        visit(node, frozenset())
    cycle = {node: tuple(m for m in members if m != node) for node, members in group.items()}
    return level, cycle


def mirrors(root: Path, context: str, part: str | None = None) -> tuple[str, ...]:
    """Where the edges and the tests mirror a context (or one of its parts): the API's
    routes, the console's pages, the tests, each as the path that exists."""
    short = context.split(".")[-1]
    found = []
    for base in (root / "miniapp_api" / "routes" / short, root / "console" / "pages" / short,
                 root / "tests" / short):
        if part is None:
            found.append(f"`{base.relative_to(root)}/`" if base.is_dir() else "—")
            continue
        where = [p for p in (base / part, base / f"{part}.py") if p.exists()]
        tested = sorted(base.glob(f"test_{part}*.py")) if base.name == short and \
            base.parent.name == "tests" else []
        if where:
            path = where[0]
            found.append(f"`{path.relative_to(root)}{'/' if path.is_dir() else ''}`")
        elif tested:
            found.append(f"`{tested[0].relative_to(root)}`" + (" …" if len(tested) > 1 else ""))
        else:
            found.append("—")
    return tuple(found)


def units(root: Path = ROOT) -> list[tuple[Unit, list[Unit]]]:
    """Every context in layer order, each with its parts in layer order."""
    known = layout.modules(root)
    graph = {name: layout.imports(name, path, known) for name, path in known.items()}
    arrows: dict[str, set[str]] = {}
    part_arrows: dict[str, dict[str, set[str]]] = {}
    for name in known:
        here = layout.context_of(name, known)
        if here is None:
            continue
        arrows.setdefault(here, set())
        parts = part_arrows.setdefault(here, {})
        mine = part_of(name, here, known)
        if mine is not None:
            parts.setdefault(mine, set())
        for dep in graph[name]:
            there = layout.context_of(dep, known)
            if there is None:
                continue
            if there != here:
                arrows[here].add(there)
                continue
            theirs = part_of(dep, here, known)
            if mine is not None and theirs is not None and theirs != mine:
                parts[mine].add(theirs)
                parts.setdefault(theirs, set())
    level, cycle = layers(arrows)
    out = []
    for context in sorted(arrows, key=lambda c: (level[c], c)):
        unit = Unit(context, level[context], short_names(arrows[context]),
                    short_names(set(cycle.get(context, ()))), holds(known.get(context)),
                    mirrors(root, context))
        part_level, part_cycle = layers(part_arrows[context])
        parts = [Unit(part, part_level[part], short_names(part_arrows[context][part]),
                      short_names(set(part_cycle.get(part, ()))), holds(known.get(part)),
                      mirrors(root, context, part.split(".")[-1]))
                 for part in sorted(part_arrows[context],
                                    key=lambda p: (part_level[p], p))]
        out.append((unit, parts))
    return out


def part_of(name: str, context: str, known: dict[str, Path]) -> str | None:
    """The part (a sub-package directly under the context) a module belongs to."""
    rest = name[len(context) + 1:].split(".") if name != context else []
    if not rest or not rest[0]:
        return None
    candidate = f"{context}.{rest[0]}"
    path = known.get(candidate)
    return candidate if path is not None and path.name == "__init__.py" else None


def short_names(names: set[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(n.split(".")[-1] for n in names))


def row(unit: Unit, part: bool) -> str:
    name = unit.name.split(".")[-1]
    label = f"↳ `{'.'.join(unit.name.split('.')[1:])}`" if part else f"**`{name}`**"
    below = ", ".join(unit.imports) or "—"
    if unit.cycle:
        below += f" (in a cycle with {', '.join(unit.cycle)})"
    cells = [str(unit.layer), label, unit.holds.replace("|", "\\|"), below, *unit.mirrors]
    return "| " + " | ".join(cells) + " |"


def generated(root: Path = ROOT) -> str:
    """The page's generated part, markers included."""
    lines = [START, "",
             "| layer | context, ↳ part | holds | imports | API routes | console pages | tests |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for context, parts in units(root):
        lines.append(row(context, part=False))
        lines += [row(part, part=True) for part in parts]
    lines += ["", END]
    return "\n".join(lines)


def documented(page: str, root: Path = ROOT) -> str:
    """The page with its generated part written from the graph."""
    start, end = page.find(START), page.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{PAGE.relative_to(ROOT)}: the markers {START!r} and {END!r} are "
                         f"missing")
    return page[:start] + generated(root) + page[end + len(END):]


def main(argv: list[str]) -> int:
    page = PAGE.read_text()
    wanted = documented(page)
    if wanted == page:
        return 0
    if "--check" in argv:
        print(f"layoutdoc: {PAGE.relative_to(ROOT)} drifted from the import graph "
              f"(python tools/layoutdoc.py rewrites it)")
        return 1
    PAGE.write_text(wanted)
    print(f"layoutdoc: {PAGE.relative_to(ROOT)} rewritten from the import graph")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
