"""A draw's candidate pool as a Merkle tree: its root is the pool's published hash, so that
an expert can be shown that they were (or were not, by the absence of a proof) among the
candidates of a draw without anyone seeing the others. A leaf is SHA-256 of
"<condition>:<pool>:<expert id>", and in a draw weighted by credit level (services/draws/
weighting.py) "<condition>:<pool>:<expert id>:<weight>", so that the weights are committed
with the pool; leaves are sorted by expert id; a node is SHA-256 of its
two children, an odd one out is carried up as it is. `expertbot audit --proof` checks a
proof against the root."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Weights = Mapping[int, int]  # expert id -> weight, in a weighted draw


def leaf(condition_id: int, pool_name: str, expert_id: int, weight: int | None = None) -> str:
    body = f"{condition_id}:{pool_name}:{expert_id}" + ("" if weight is None else f":{weight}")
    return hashlib.sha256(body.encode()).hexdigest()


def _leaves(condition_id: int, pool_name: str, ids: list[int],
            weights: Weights | None) -> list[str]:
    return [leaf(condition_id, pool_name, i, None if weights is None else weights[i])
            for i in ids]


def _node(left: str, right: str) -> str:
    return hashlib.sha256(bytes.fromhex(left) + bytes.fromhex(right)).hexdigest()


def _levels(leaves: list[str]) -> list[list[str]]:
    levels = [leaves]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([_node(below[i], below[i + 1]) if i + 1 < len(below) else below[i]
                       for i in range(0, len(below), 2)])
    return levels


def pool_root(condition_id: int, pool_name: str, expert_ids: Sequence[int],
              weights: Weights | None = None) -> str:
    """The pool's hash: the root of its tree (an empty pool: the hash of its label). With
    `weights`, every member's weight is in their leaf (KeyError for a member without one)."""
    ids = sorted(set(expert_ids))
    if not ids:
        return hashlib.sha256(f"{condition_id}:{pool_name}:".encode()).hexdigest()
    return _levels(_leaves(condition_id, pool_name, ids, weights))[-1][0]


@dataclass(frozen=True)
class Proof:
    """That `expert_id` is in the pool whose root is `root`: the siblings from the leaf up,
    each with the side it stands on."""

    condition_id: int
    pool_name: str
    expert_id: int
    root: str
    path: list[tuple[str, str]]  # (sibling, "left" or "right")
    weight: int | None = None  # in a weighted draw: the expert's committed weight

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"condition_id": self.condition_id, "pool": self.pool_name,
                                  "expert_id": self.expert_id}
        if self.weight is not None:  # an unweighted proof keeps its form
            out["weight"] = self.weight
        return {**out, "root": self.root,
                "path": [{"hash": h, "side": side} for h, side in self.path]}


def prove(condition_id: int, pool_name: str, expert_ids: Sequence[int],
          expert_id: int, weights: Weights | None = None) -> Proof | None:
    """The proof of one member, or None when the expert is not in the pool."""
    ids = sorted(set(expert_ids))
    if expert_id not in ids:
        return None
    levels = _levels(_leaves(condition_id, pool_name, ids, weights))
    index, path = ids.index(expert_id), []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append((level[sibling], "left" if sibling < index else "right"))
        index //= 2
    return Proof(condition_id, pool_name, expert_id, levels[-1][0], path,
                 None if weights is None else weights[expert_id])


class Merkle:
    """A candidate pool's Merkle tree: its root published, a membership proved."""

    @staticmethod
    def check_proof(data: dict[str, object]) -> bool:
        """Whether a proof (as_dict's form) leads from its expert's leaf to its root."""
        try:
            weight = data.get("weight")
            value = leaf(int(str(data["condition_id"])), str(data["pool"]),
                         int(str(data["expert_id"])), None if weight is None else int(str(weight)))
            steps = data["path"]
            assert isinstance(steps, list)
            for step in steps:
                sibling, side = str(step["hash"]), str(step["side"])
                value = _node(sibling, value) if side == "left" else _node(value, sibling)
            return value == str(data["root"])
        except (KeyError, ValueError, TypeError, AssertionError):
            return False
