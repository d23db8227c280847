"""The doors of the contexts and of their parts: each name a door lists is there, imported
at once (no door loads its names lazily: the parts of a context import only the parts below
them), and a door has no `__getattr__` that would make up a name it does not list."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOORS = sorted(p for p in (ROOT / "services").glob("**/__init__.py")
               if "__all__" in p.read_text() and p.parent.name != "common")


def _name(init: Path) -> str:
    return ".".join(init.parent.relative_to(ROOT).parts)


def _listed(init: Path) -> tuple[set[str], set[str]]:
    """What the door's `__all__` names, and what its TYPE_CHECKING block imports."""
    tree = ast.parse(init.read_text())
    listed: set[str] = set()
    typed: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__"
                                                for t in node.targets):
            listed = {str(v) for v in ast.literal_eval(node.value)}
        if isinstance(node, ast.If):
            typed |= {a.asname or a.name for n in node.body if isinstance(n, ast.ImportFrom)
                      for a in n.names}
    return listed, typed


@pytest.mark.parametrize("init", DOORS, ids=_name)
def test_every_name_a_door_lists_is_there(init: Path) -> None:
    door = importlib.import_module(_name(init))
    listed, typed = _listed(init)
    assert listed and len(listed) <= 40
    assert not typed, "a door imports its names at once, not under TYPE_CHECKING"
    missing = [n for n in sorted(listed) if not hasattr(door, n)]
    assert not missing, missing


def test_no_door_makes_up_names() -> None:
    assert not [init for init in DOORS if "__getattr__" in init.read_text()]
    door = importlib.import_module("services.draws.record")
    with pytest.raises(AttributeError, match="no attribute 'activity_file'"):
        door.activity_file  # noqa: B018
