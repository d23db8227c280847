"""The declared reactions (services/reactions.py) are the truth a reader takes them for:
every happening has its row, each reaction names a context that exists and a function that
does it (or is called), and a called reaction hangs off a happening the code announces."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from services.common.reactions import Happening
from services.reactions import table

ROOT = Path(__file__).resolve().parents[2]


class _NoOutbox:  # the table is only read here: nothing runs
    pass


def _resolve(where: str) -> object:
    module, _, dotted = where.partition(":")
    found: object = importlib.import_module(module)
    for part in dotted.split("."):
        found = getattr(found, part)
    return found


def _announced() -> set[str]:
    """The happenings the code announces: `Happened(Happening.X, ...)` anywhere in it."""
    out = set()
    for path in (ROOT / "services").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Happened" and node.args
                    and isinstance(node.args[0], ast.Attribute)):
                out.add(node.args[0].attr)
    return out


def test_every_happening_has_its_reactions_and_each_names_what_does_it() -> None:
    rows = table(_NoOutbox(), _NoOutbox(), _NoOutbox())  # type: ignore[arg-type]
    assert set(rows) == set(Happening)
    contexts = {p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()}
    for happening, reactions in rows.items():
        assert reactions, happening
        for reaction in reactions:
            assert reaction.context in contexts, (happening, reaction.context)
            assert reaction.does and (reaction.run is None) != (not reaction.where), reaction
            if reaction.where:
                assert callable(_resolve(reaction.where)), reaction.where


def test_a_called_reaction_hangs_off_a_happening_the_code_announces() -> None:
    rows = table(_NoOutbox(), _NoOutbox(), _NoOutbox())  # type: ignore[arg-type]
    called = {h.name for h, reactions in rows.items() if any(r.run for r in reactions)}
    assert called  # the sanction's release, at least
    assert called <= _announced(), called - _announced()
    assert _announced() <= {h.name for h in Happening}
