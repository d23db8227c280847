"""The check that every function the service defines is used: a function or method of the
service's packages whose name appears nowhere else (no call, no attribute, no import, no
string naming it such as a reaction's `where`, no template using it) is dead code, named
with its place. Not checked: functions a decorator registers (a route, a page, a chat
handler; a static or class method is checked), dunder methods, and the methods of a class
built on a library's class (a logging handler's `emit`, a jinja bytecode cache's
`load_bytecode`), which the library calls, and the hooks a library finds by their name
(aiosmtpd's `handle_DATA`).
Prints what it found and exits 1, or prints a summary."""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("config", "bot", "handlers", "miniapp_api", "services", "models", "web", "sandbox",
           "console")
READERS = (*PRODUCT, "tests", "bench", "tools")  # where a use counts
TEXT_FILES = ("texts/**/*.j2", "*/templates/**/*.html", "console/static/*.js")
WORD = re.compile(r"[A-Za-z_]\w*")
# hooks a library finds by their name: aiosmtpd calls a handler's handle_<SMTP verb>
HOOKS = re.compile(r"handle_[A-Z]+")


def _uses(tree: ast.AST, words: Counter[str]) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words[node.id] += 1
        elif isinstance(node, ast.Attribute):
            words[node.attr] += 1
        elif isinstance(node, ast.alias):
            words[node.name.rpartition(".")[2]] += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            words.update(WORD.findall(node.value))


def _registered(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Decorated by something that registers it (a route, a page, a chat handler): a
    static or class method, a cached function, is still an operation a use must reach."""
    plain = {"staticmethod", "classmethod", "cache", "functools.cache"}
    return any(ast.unparse(d) not in plain for d in node.decorator_list)


def _defined(tree: ast.Module, ours: set[str]) -> list[tuple[int, str]]:
    """The functions a module defines that a use must reach: (line, name)."""
    found: list[tuple[int, str]] = []

    def visit(body: list[ast.stmt], library_class: bool) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                         for b in node.bases}
                visit(node.body, bool(bases - ours - {"object", "Protocol", "Generic"}))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not (
                    _registered(node) or node.name.startswith("__") or library_class
                    or HOOKS.fullmatch(node.name)):
                found.append((node.lineno, node.name))

    visit(tree.body, False)
    return found


def check(root: Path = ROOT) -> tuple[list[str], int]:
    """Each unreferenced function as `path:line: name`, and how many were checked."""
    trees = {path: ast.parse(path.read_text()) for top in READERS
             for path in (root / top).rglob("*.py")}
    words: Counter[str] = Counter()
    for tree in trees.values():
        _uses(tree, words)
    for pattern in TEXT_FILES:
        for path in root.glob(pattern):
            words.update(WORD.findall(path.read_text(errors="replace")))
    ours = {node.name for tree in trees.values() for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)}
    checked, dead = 0, []
    for path, tree in sorted(trees.items()):
        parts = path.relative_to(root).parts
        if parts[0] not in PRODUCT or "migrations" in parts:
            continue
        for line, name in _defined(tree, ours):
            checked += 1
            if not words[name]:
                dead.append(f"{path.relative_to(root)}:{line}: {name}")
    return dead, checked


def main() -> int:
    dead, checked = check()
    for found in dead:
        print(f"unreferenced: {found} (nothing calls it: remove it, or use it)")
    if dead:
        return 1
    print(f"unreferenced: {checked} functions, each used")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
