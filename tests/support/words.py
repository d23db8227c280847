"""The keys a word table (texts/words/<table>.j2) has words for, read from the template's own
`{% set words = {...} %}` (not by rendering: a key without words renders as itself)."""

from __future__ import annotations

from jinja2 import nodes

from services.common.texts import Texts


def table_keys(texts: Texts, table: str) -> set[str]:
    tree = texts.env.parse(texts.source(f"words/{table}.j2"))
    keys: set[str] = set()
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name) and isinstance(assign.node, nodes.Dict):
            keys |= {str(pair.key.value) for pair in assign.node.items
                     if isinstance(pair.key, nodes.Const)}
    return keys
