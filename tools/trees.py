"""Each source parsed once for the layout gate and the rules it runs (tools/layout.py,
tools/one_name.py, tools/house_tests.py): the gate reads every module four or five times
(its imports, the doors asked, the door's own list, the edges' queries, the aliases). Kept
by the text, not the path: the gate's tests write other trees at the same place."""

from __future__ import annotations

import ast
from collections import deque
from functools import cache
from pathlib import Path


@cache
def _parsed(text: str) -> ast.Module:
    return ast.parse(text)


def tree(path: Path) -> ast.Module:
    """`path` parsed (once for the same text)."""
    return _parsed(path.read_text())


# where statements hold statements: an import is a statement, so the search walks these
# and never an expression (most of a module's nodes)
BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


@cache
def _imports(text: str) -> tuple[ast.Import | ast.ImportFrom, ...]:
    found: list[ast.Import | ast.ImportFrom] = []
    todo = deque([_parsed(text)])
    while todo:  # breadth first, as ast.walk
        node = todo.popleft()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for block in BLOCKS:
            todo.extend(getattr(node, block, ()))
    return tuple(found)


def import_statements(path: Path) -> tuple[ast.Import | ast.ImportFrom, ...]:
    """Every `import` and `from … import` of `path`, anywhere in it, in the order
    `ast.walk` meets them (found once for the same text: three rules read them)."""
    return _imports(path.read_text())
