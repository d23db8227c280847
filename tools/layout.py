"""The layout gate (`make test` runs it): the import graph of the service's packages has no
cycle, type-only and function-level imports included; nothing outside config/ imports
config; the edges (handlers, web, miniapp_api, console, sandbox) import none of each other
but for the console calling the API's endpoints; the domain and the models import no edge,
no transport and no HTTP or WeChat library; the contexts of services/ (its sub-packages)
import each other in layers, with no cycle at the package level, and only through each
other's doors (the package's `__all__`, or that of a part directly under it); a context's
parts import only the parts below them (PART_ORDER); a door lists
at most 40 names, each a service, a value type, an error or a constant (no module, no verb,
nothing renamed on its way in); an edge imports only those from a door (its operations are
methods of the domain's services); the edges that serve people query no model; no module
is over 400 lines (a warning past 350) and no folder holds more than 25 modules; an
operation has one name, so no class of services/ aliases a function as a method
(`name = staticmethod(function)`). Prints what is wrong and exits 1, or prints a summary."""

from __future__ import annotations

import ast
import gc
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the gate's rules kept beside it
from house_tests import test_imports
from one_name import aliases
from trees import import_statements, tree

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "bot", "handlers", "miniapp_api", "services", "models", "web", "sandbox",
            "console")
# The edges serve one kind of client each; what two of them share lives in services/. The
# console calls the API's endpoint functions, its one allowed crossing.
EDGES = ("handlers", "web", "miniapp_api", "console", "sandbox")
EDGE_CROSSINGS = {("console", "miniapp_api")}
# the domain and the models know no wire format and no edge
INNER = ("services", "models")
OUTER = ("bot", "config", *EDGES)
INNER_FORBIDDEN_LIBRARIES = ("aiohttp", "wechatpy", "wechatpayv3")
# the edges that serve people ask services and render: no model query in them (the
# transport and the sandbox's fakes are not among them)
QUERYLESS = ("handlers", "web", "miniapp_api", "console")
QUERIES = frozenset({"all", "annotate", "bulk_create", "bulk_update", "count", "create",
                     "exclude", "exists", "filter", "first", "get", "get_or_create",
                     "get_or_none", "in_bulk", "raw", "select_for_update",
                     "update_or_create"})
# services/common is the library every context uses, not a context
LIBRARY = "services.common"
# a context big enough to have parts orders them: each part imports only the parts below it
# (listed bottom first); what sits directly in the context (its door, its façade) is above
# them all
PART_ORDER = {
    "services.draws": ("facts", "news", "candidates", "randomness", "running", "setup",
                       "venue", "followups", "record", "answering"),
}
MAX_LINES = 400
MAX_MODULES = 25  # a folder holding more is split into sub-packages named after what they hold
MAX_DOOR = 40  # names a door lists
TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9_]*")  # a class (a service, a type, an error) or a constant
WARN_LINES = 350  # a module this long is warned about: split it by concept before it must be
def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path],
            libraries: set[str] | None = None) -> set[str]:
    """Every module of ours that `name` imports, anywhere in it (and into `libraries` the
    top-level names of every other import)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in import_statements(path):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        if libraries is not None and targets and not node_is_relative(node):
            libraries.add(targets[0].split(".")[0])
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def node_is_relative(node: ast.AST) -> bool:
    return isinstance(node, ast.ImportFrom) and node.level > 0


def crossings(graph: dict[str, set[str]]) -> list[str]:
    """Edges importing each other, and the domain importing an edge, the transport or config."""
    found = []
    for name, deps in sorted(graph.items()):
        here = name.split(".")[0]
        for dep in sorted(deps):
            there = dep.split(".")[0]
            if here in EDGES and there in EDGES and here != there \
                    and (here, there) not in EDGE_CROSSINGS:
                found.append(f"{name} imports {dep} (an edge imports no other edge: move what "
                             f"they share to services/)")
            elif here in INNER and there in OUTER:
                found.append(f"{name} imports {dep} (the domain and the models import no edge)")
    return found


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


def context_of(name: str, known: dict[str, Path]) -> str | None:
    """The context (`services.<x>`, a package) a module belongs to, if any."""
    parts = name.split(".")
    if parts[0] != "services" or len(parts) < 2:
        return None
    context = f"services.{parts[1]}"
    if context == LIBRARY or known.get(context, Path()).name != "__init__.py":
        return None
    return context


def package_cycles(graph: dict[str, set[str]], known: dict[str, Path]) -> list[str]:
    """Cycles among the contexts, each with the imports that make its arrows."""
    arrows: dict[str, set[str]] = {}
    why: dict[tuple[str, str], list[str]] = {}
    for name, deps in graph.items():
        here = context_of(name, known)
        if here is None:
            continue
        arrows.setdefault(here, set())
        for dep in deps:
            there = context_of(dep, known)
            if there is not None and there != here:
                arrows[here].add(there)
                arrows.setdefault(there, set())
                why.setdefault((here, there), []).append(f"{name} imports {dep}")
    found = []
    for component in cycles(arrows):
        inside = [f"{a} -> {b} ({sorted(why[(a, b)])[0]})" for a in component
                  for b in sorted(arrows[a]) if b in component]
        found.append(f"package cycle: {' <-> '.join(component)}: {'; '.join(inside)} "
                     f"(move what both need down into a context below them)")
    return found


def exported(init: Path) -> set[str] | None:
    """The names a context's front door lists in `__all__` (None: it has none)."""
    for node in tree(init).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            value = ast.literal_eval(node.value)
            return {str(v) for v in value}
    return None


def door_of(target: str, context: str, known: dict[str, Path]) -> str | None:
    """The door `target` names: the context's package, or a part of it (a sub-package
    directly under it whose `__init__` lists its names in `__all__`); None: past them."""
    if target == context:
        return context
    part = known.get(target)
    if target.rpartition(".")[0] == context and part is not None \
            and part.name == "__init__.py" and exported(part) is not None:
        return target
    return None


def past_front_doors(known: dict[str, Path]) -> list[str]:
    """Imports of a context from outside it that go past its doors (`services.x.y`, a
    module), or ask a door for a name its `__all__` does not list."""
    found = []
    for name, path in sorted(known.items()):
        here = context_of(name, known)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in import_statements(path):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                pairs = [(base, a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                pairs = [(a.name, None) for a in node.names]
            else:
                continue
            for target, asked in pairs:
                probe = target
                while probe and probe not in known:
                    probe = probe.rpartition(".")[0]
                there = context_of(probe, known) if probe else None
                if there is None or there == here:
                    continue
                door = door_of(target, there, known)
                if door is None:
                    found.append(f"{name} imports {target} past the front door of {there} "
                                 f"(import it from {there}, or from the door of its part, "
                                 f"which lists it in __all__)")
                elif asked is not None and asked not in (exported(known[door]) or set()):
                    found.append(f"{name} asks {door} for {asked}, which its door does not "
                                 f"list in __all__")
                elif asked is not None and name.split(".")[0] in EDGES \
                        and not TYPE_NAME.match(asked):
                    found.append(f"{name} imports {asked} from {door}: an edge imports only "
                                 f"types, errors and constants from a door, and reaches an "
                                 f"operation as a method of a service on the domain")
    return found


def part_layers(graph: dict[str, set[str]], known: dict[str, Path]) -> list[str]:
    """Parts of a context importing a part above them (PART_ORDER), and a context's
    package holding a part the order does not name."""
    found = []
    for context, order in PART_ORDER.items():
        prefix = context + "."
        for name, path in sorted(known.items()):
            if name.startswith(prefix) and path.name == "__init__.py" \
                    and name.count(".") == context.count(".") + 1 \
                    and name.rpartition(".")[2] not in order:
                found.append(f"{name} is a part {context} does not order (add it to "
                             f"PART_ORDER in tools/layout.py, where it belongs)")

        def part(module: str, prefix: str = prefix,
                 order: tuple[str, ...] = order) -> int | None:
            rest = module.removeprefix(prefix).split(".")[0]
            return order.index(rest) if module.startswith(prefix) and rest in order else None

        for name, deps in sorted(graph.items()):
            here = part(name)
            if here is None:
                continue
            for dep in sorted(deps):
                there = part(dep)
                if there is not None and there > here:
                    found.append(f"{name} imports {dep}: the part {order[here]} imports only "
                                 f"the parts below it ({', '.join(order[:here]) or 'none'}); "
                                 f"move what both need down, or the caller up")
    return found


def doors(known: dict[str, Path]) -> list[str]:
    """What is wrong with the doors of the contexts and of their parts: more than
    MAX_DOOR names, a name that is neither a type nor a constant (a module, a verb), or a
    name renamed on its way in (a clash hidden)."""
    found = []
    for name, path in sorted(known.items()):
        context = context_of(name, known)
        if context is None or path.name != "__init__.py" \
                or door_of(name, context, known) is None:
            continue
        listed = exported(path) or set()
        if len(listed) > MAX_DOOR:
            found.append(f"{name} lists {len(listed)} names (at most {MAX_DOOR}: a door of "
                         f"services, types and errors; split the context into parts)")
        found += [f"{name} lists {n}, neither a type nor a constant (a door holds services, "
                  f"value types, errors and constants)"
                  for n in sorted(listed) if not TYPE_NAME.match(n)]
        for node in import_statements(path):
            if isinstance(node, ast.ImportFrom | ast.Import):
                found += [f"{name} renames {a.name} as {a.asname} (name it so where it is "
                          f"made)" for a in node.names if a.asname and a.asname != a.name]
    return found


def edge_queries(known: dict[str, Path]) -> list[str]:
    """Model queries (`Person.filter(...)`, `Payout.get_or_none(...)`) in an edge that serves
    people: it asks a service instead."""
    found = []
    for name, path in sorted(known.items()):
        if name.split(".")[0] not in QUERYLESS:
            continue
        models = {alias.asname or alias.name for node in import_statements(path)
                  if isinstance(node, ast.ImportFrom) and node.module
                  and node.module.split(".")[0] == "models" for alias in node.names}
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id in models and node.func.attr in QUERIES:
                found.append(f"{name} queries {node.func.value.id}.{node.func.attr} (line "
                             f"{node.lineno}: an edge asks a service, which assembles the view)")
    return found


def check(root: Path = ROOT) -> tuple[list[str], list[str], str]:
    """What is wrong with the tree at `root`, the warnings, and a summary."""
    known = modules(root)
    libraries: dict[str, set[str]] = {name: set() for name in known}
    graph = {name: imports(name, path, known, libraries[name]) for name, path in known.items()}
    problems = [f"import cycle: {' <-> '.join(c)}" for c in cycles(graph)]
    problems += package_cycles(graph, known)
    problems += past_front_doors(known)
    problems += part_layers(graph, known)
    problems += doors(known)
    problems += edge_queries(known)
    problems += aliases(root)
    problems += crossings(graph)
    problems += [f"{name} imports {lib} (the domain knows no wire format or web library)"
                 for name, libs in sorted(libraries.items()) if name.split(".")[0] in INNER
                 for lib in sorted(libs) if lib in INNER_FORBIDDEN_LIBRARIES]
    problems += [f"{name} imports {dep} (only config/ may import config)"
                 for name, deps in sorted(graph.items()) if not name.startswith("config")
                 for dep in sorted(deps) if dep.split(".")[0] == "config"]
    if (root / "tests").is_dir():
        problems += test_imports(root)
    sizes = {name: len(path.read_text().splitlines()) for name, path in known.items()}
    problems += [f"{name} has {n} lines (at most {MAX_LINES})"
                 for name, n in sorted(sizes.items()) if n > MAX_LINES]
    folders: dict[Path, int] = {}
    for path in known.values():
        folders[path.parent] = folders.get(path.parent, 0) + 1
    problems += [f"{folder.relative_to(root)}/ holds {n} modules (at most {MAX_MODULES}: split it "
                 f"into sub-packages by concept)"
                 for folder, n in sorted(folders.items()) if n > MAX_MODULES]
    warnings = [f"{name} has {n} lines (split it before {MAX_LINES})"
                for name, n in sorted(sizes.items()) if WARN_LINES < n <= MAX_LINES]
    edges = sum(len(d) for d in graph.values())
    summary = (f"{len(known)} modules, {edges} imports, no cycle, largest "
               f"{max(sizes.values(), default=0)} lines")
    return problems, warnings, summary


def main() -> int:
    # the parsed modules are kept for the rules that read them again (tools/trees.py): a
    # million nodes the cyclic collector would walk again and again, for nothing
    gc.disable()
    problems, warnings, summary = check()
    for warning in warnings:
        print(f"layout: warning: {warning}")
    for problem in problems:
        print(f"layout: {problem}")
    if problems:
        return 1
    print(f"layout: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
