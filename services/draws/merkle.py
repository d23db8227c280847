"""A draw's candidate pool as a Merkle tree: its root is the pool's published hash, so that
an expert can be shown that they were (or were not, by the absence of a proof) among the
candidates of a draw without anyone seeing the others. A leaf is SHA-256 of
"<condition>:<pool>:<expert id>"; leaves are sorted by expert id; a node is SHA-256 of its
two children, an odd one out is carried up as it is. `expertbot audit --proof` checks a
proof against the root."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass


def leaf(condition_id: int, pool_name: str, expert_id: int) -> str:
    return hashlib.sha256(f"{condition_id}:{pool_name}:{expert_id}".encode()).hexdigest()


def _node(left: str, right: str) -> str:
    return hashlib.sha256(bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


def _levels(leaves: list[str]) -> list[list[str]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([_node(below[i], below[i + 1]) if i + 1 < len(below) else below[i]
                       for i in range(0, len(below), 2)])
    return levels


def pool_root(condition_id: int, pool_name: str, expert_ids: Sequence[int]) -> str:
    """The pool's hash: the root of its tree (an empty pool: the hash of its label)."""
    ids = sorted(set(expert_ids))
    if not ids:
        return hashlib.sha256(f"{condition_id}:{pool_name}:".encode()).hexdigest()
    return _levels([leaf(condition_id, pool_name, i) for i in ids])[-1][0]


@dataclass(frozen=True)
class Proof:
    """That `expert_id` is in the pool whose root is `root`: the siblings from the leaf up,
    each with the side it stands on."""

    condition_id: int
    pool_name: str
    expert_id: int
    root: str
    path: list[tuple[str, str]]  # (sibling, "left" or "right")

    def as_dict(self) -> dict[str, object]:
        return {"condition_id": self.condition_id, "pool": self.pool_name,
                "expert_id": self.expert_id, "root": self.root,
                "path": [{"hash": h, "side": side} for h, side in self.path]}


def prove(condition_id: int, pool_name: str, expert_ids: Sequence[int],
          expert_id: int) -> Proof | None:
    """The proof of one member, or None when the expert is not in the pool."""
    ids = sorted(set(expert_ids))
    if expert_id not in ids:
        return None
    levels = _levels([leaf(condition_id, pool_name, i) for i in ids])
    index, path = ids.index(expert_id), []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append((level[sibling], "left" if sibling < index else "right"))
        index //= 2
    return Proof(condition_id, pool_name, expert_id, levels[-1][0], path)


def check_proof(data: dict[str, object]) -> bool:
    """Whether a proof (as_dict's form) leads from its expert's leaf to its root."""
    try:
        value = leaf(int(str(data["condition_id"])), str(data["pool"]),
                     int(str(data["expert_id"])))
        steps = data["path"]
        assert isinstance(steps, list)
        for step in steps:
            sibling, side = str(step["hash"]), str(step["side"])
            value = _node(sibling, value) if side == "left" else _node(value, sibling)
        return value == str(data["root"])
    except (KeyError, ValueError, TypeError, AssertionError):
        return False
