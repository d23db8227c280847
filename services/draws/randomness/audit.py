"""The draw's randomness, and its audit.

When the trading centre verifies the activity, a 256-bit seed is made and each condition's
candidate pools are fixed; only their hashes are shown (the seed's SHA-256, each pool's
Merkle root: services/draws/randomness/commit.py). At the start the agency's handler enters a value
of their own (the nonce), which the server cannot choose; the order's key is
SHA-256(seed ":" nonce), so no one party can steer it. A pool's order is the pool sorted by
HMAC-SHA256(key, "<condition>:<pool>:<expert>"). In a draw weighted by credit level
(services/draws/randomness/weighting.py) an expert of weight w holds w tickets, the first valued as
above and ticket t ≥ 1 as HMAC-SHA256(key, "<condition>:<pool>:<expert>:<t>"), and is
ordered by their lowest ticket: each next place goes to a remaining expert with a chance
proportional to their weight, and with every weight 1 the order is the unweighted one. The
weights are in the committed pool's leaves (services/draws/randomness/merkle.py). After the draw the
seed is revealed: anyone holding the pools can re-derive the order and check that every
invitation and every skipped candidate took the next position, that the pools are the
ones whose roots were published before the start, and that every skip is borne out by the
record it names (services/draws/candidates/skips.py)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from models.draws import PoolName
from services.draws.randomness.merkle import pool_root


def new_seed() -> str:
    return secrets.token_hex(32)


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def flat_pool_hash(condition_id: int, pool_name: str, expert_ids: Sequence[int]) -> str:
    """A pool's hash as draws before Merkle roots recorded it (their audit still holds)."""
    body = f"{condition_id}:{pool_name}:" + ",".join(str(i) for i in sorted(expert_ids))
    return hashlib.sha256(body.encode()).hexdigest()


def draw_key(seed: str, nonce: str) -> str:
    """The order's key: the committed seed mixed with the handler's nonce (without a nonce,
    as draws made before it was asked for, the seed itself)."""
    return hashlib.sha256(f"{seed}:{nonce}".encode()).hexdigest() if nonce else seed


def order(seed: str, condition_id: int, pool_name: str, expert_ids: Iterable[int],
          weights: Mapping[int, int] | None = None) -> list[int]:
    """The pool in its seeded random order (`seed`: the draw_key); with `weights`, each
    expert ranked by the lowest of their `weight` tickets."""
    key = bytes.fromhex(seed)

    def ticket(expert_id: int, index: int) -> bytes:
        label = f"{condition_id}:{pool_name}:{expert_id}" + (f":{index}" if index else "")
        return hmac.new(key, label.encode(), hashlib.sha256).digest()

    def rank(expert_id: int) -> bytes:
        tickets = 1 if weights is None else weights[expert_id]
        return min(ticket(expert_id, index) for index in range(tickets))

    return sorted(expert_ids, key=rank)


POOLS: tuple[PoolName, ...] = ("main", "alt")


@dataclass
class PoolRecord:
    """What the draw recorded for one pool of one condition."""

    condition_id: int
    name: PoolName
    expert_ids: list[int]
    published_hash: str
    used: dict[int, int] = field(default_factory=dict)  # rank -> expert id (invited or skipped)
    # rank -> why that candidate was passed over, with the record that shows it
    # (unavailable:<unavailability id>, booked:<activity id>, invited:<invitation id>)
    skipped: dict[int, str] = field(default_factory=dict)
    # the root published before the start (the log), when known; else published_hash
    committed: str | None = None
    # rank -> the record each skip names, as read (services/draws/candidates/skips.py)
    evidence: dict[int, dict[str, Any]] = field(default_factory=dict)
    # rank -> what is wrong with that skip's reason, if anything
    skip_problems: dict[int, str] = field(default_factory=dict)
    # a draw weighted by credit level: each member's committed weight, and the level table
    weights: dict[int, int] | None = None
    weighting: dict[str, int] | None = None


@dataclass
class AuditReport:
    ok: bool
    problems: list[str]
    checked_positions: int


class DrawAudit:
    """A draw's record checked, exported and read back."""

    @staticmethod
    def audit(seed: str, published_seed_hash: str, pools: list[PoolRecord],
              nonce: str = "") -> AuditReport:
        """Re-derive every pool's order (from the seed and the handler's nonce) and check the
        draw against it."""
        problems: list[str] = []
        checked = 0
        if seed_hash(seed) != published_seed_hash:
            problems.append("the revealed seed does not match the hash published before the draw")
        for pool in pools:
            label = f"condition {pool.condition_id} ({pool.name} pool)"
            published = pool.committed or pool.published_hash
            wrong = weight_problem(pool)
            if wrong:
                problems.append(f"{label}: {wrong}")
                continue
            roots: tuple[str, ...]
            if pool.weights is not None:
                roots = (pool_root(pool.condition_id, pool.name, pool.expert_ids, pool.weights),)
            else:
                roots = (pool_root(pool.condition_id, pool.name, pool.expert_ids),
                         flat_pool_hash(pool.condition_id, pool.name, pool.expert_ids))
            if published not in roots:
                problems.append(f"{label}: the pool is not the one whose hash was published "
                                "before the draw started (a member added or dropped, or a "
                                "weight changed)")
                continue
            problems += [f"{label}: position {rank}: {why}"
                         for rank, why in sorted(pool.skip_problems.items())]
            derived = order(draw_key(seed, nonce), pool.condition_id, pool.name, pool.expert_ids,
                            pool.weights)
            ranks = sorted(pool.used)
            if ranks != list(range(len(ranks))):
                problems.append(f"{label}: positions used are not 0..{len(ranks) - 1} in turn")
            for rank in ranks:
                checked += 1
                if rank >= len(derived) or derived[rank] != pool.used[rank]:
                    problems.append(f"{label}: position {rank} went to expert {pool.used[rank]}, "
                                    "not to the one the seed orders there")
        return AuditReport(not problems, problems, checked)

    @staticmethod
    def export_record(activity_id: int, seed: str, published_seed_hash: str,
                      pools: list[PoolRecord], log: list[dict[str, Any]] | None = None,
                      nonce: str = "", facts: dict[str, Any] | None = None) -> dict[str, object]:
        """Everything an auditor needs, as JSON (expert ids, never names): the seed, its
        published hash and the handler's nonce, every pool with the root published before the
        start, its used positions, why each skipped candidate was skipped and the record that
        shows it, the draw's own facts the skips are checked against, and the activity's
        operation log (names masked)."""
        return {"activity_id": activity_id, "seed": seed, "seed_hash": published_seed_hash,
                "nonce": nonce, "log": log or [], "activity": facts or {},
                "pools": [{"condition_id": p.condition_id, "name": p.name,
                           "expert_ids": p.expert_ids, "hash": p.published_hash,
                           "committed": p.committed,
                           "used": {str(k): v for k, v in sorted(p.used.items())},
                           "skipped": {str(k): v for k, v in sorted(p.skipped.items())},
                           "evidence": {str(k): v for k, v in sorted(p.evidence.items())},
                           **weighted(p)}
                          for p in pools]}

    @staticmethod
    def import_record(data: dict[str, Any]) -> tuple[str, str, list[PoolRecord], str]:
        """The inverse of export_record: seed, published hash, pools (each skip checked
        against the evidence it carries), nonce."""
        from services.draws.candidates.skips import skip_problem

        facts = data.get("activity") or {}
        pools = []
        for p in data["pools"]:
            pool = PoolRecord(int(p["condition_id"]), cast(PoolName, str(p["name"])),
                              [int(i) for i in p["expert_ids"]], str(p["hash"]),
                              {int(k): int(v) for k, v in p["used"].items()},
                              {int(k): str(v) for k, v in p.get("skipped", {}).items()},
                              p.get("committed"),
                              {int(k): dict(v) for k, v in p.get("evidence", {}).items()})
            if p.get("weights") is not None:
                pool.weights = {int(k): v for k, v in p["weights"].items()}
                pool.weighting = p.get("weighting")
            if facts:
                pool.skip_problems = {rank: why for rank, reason in pool.skipped.items()
                                      if (why := skip_problem(reason, pool.used[rank],
                                                              pool.evidence.get(rank, {}), facts))}
            pools.append(pool)
        return str(data["seed"]), str(data["seed_hash"]), pools, str(data.get("nonce", ""))

    @staticmethod
    def report_text(report: AuditReport) -> str:
        if report.ok:
            return f"OK: {report.checked_positions} positions re-derived from the seed, all match."
        return "FAILED:\n" + "\n".join(f"  - {p}" for p in report.problems)


def weight_problem(pool: PoolRecord) -> str | None:
    """What is wrong with a weighted pool's weights: one positive whole weight for each
    member and for nobody else, each one the level table gives (None: nothing)."""
    if pool.weights is None:
        return None
    if set(pool.weights) != set(pool.expert_ids):
        return "the weights are not those of the pool's members"
    if any(not isinstance(w, int) or w < 1 for w in pool.weights.values()):
        return "a weight is not a positive whole number"
    if pool.weighting and not set(pool.weights.values()) <= set(pool.weighting.values()):
        return "a weight is not one the weighting by credit level gives"
    return None


def weighted(pool: PoolRecord) -> dict[str, object]:
    """A weighted pool's weights and level table, for the export (nothing when unweighted:
    an unweighted record keeps its form)."""
    if pool.weights is None:
        return {}
    return {"weights": {str(k): v for k, v in sorted(pool.weights.items())},
            "weighting": pool.weighting}
