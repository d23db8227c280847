"""The draw's randomness, and its audit.

When the trading centre verifies the activity, a 256-bit seed is made and only its SHA-256
is shown (to the agency and the verifier): the server is committed to it before any pool is
fixed. At the start the agency's handler enters a value of their own (the nonce), which the
server cannot choose; the order's key is SHA-256(seed ":" nonce), so no one party can steer
it. Each
condition's candidate pool is fixed (sorted expert ids, hashed) when it is first needed, and
its order is the pool sorted by HMAC-SHA256(seed, "<condition>:<pool>:<expert>"). After the
draw the seed is revealed: anyone holding the pools can re-derive the order and check that
every invitation and every skipped candidate took the next position, none jumped the queue,
and that the recorded pools are the ones whose hashes were published."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from models.draws import PoolName


def new_seed() -> str:
    return secrets.token_hex(32)


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def pool_hash(condition_id: int, pool_name: str, expert_ids: Sequence[int]) -> str:
    """The hash of a pool: its condition, its name and its sorted expert ids."""
    body = f"{condition_id}:{pool_name}:" + ",".join(str(i) for i in sorted(expert_ids))
    return hashlib.sha256(body.encode()).hexdigest()


def draw_key(seed: str, nonce: str) -> str:
    """The order's key: the committed seed mixed with the handler's nonce (without a nonce,
    as draws made before it was asked for, the seed itself)."""
    return hashlib.sha256(f"{seed}:{nonce}".encode()).hexdigest() if nonce else seed


def order(seed: str, condition_id: int, pool_name: str, expert_ids: Iterable[int]) -> list[int]:
    """The pool in its seeded random order (`seed`: the draw_key)."""
    key = bytes.fromhex(seed)

    def rank(expert_id: int) -> bytes:
        return hmac.new(key, f"{condition_id}:{pool_name}:{expert_id}".encode(),
                        hashlib.sha256).digest()

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


@dataclass
class AuditReport:
    ok: bool
    problems: list[str]
    checked_positions: int


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
        if pool_hash(pool.condition_id, pool.name, pool.expert_ids) != pool.published_hash:
            problems.append(f"{label}: the pool does not match its published hash")
            continue
        derived = order(draw_key(seed, nonce), pool.condition_id, pool.name, pool.expert_ids)
        ranks = sorted(pool.used)
        if ranks != list(range(len(ranks))):
            problems.append(f"{label}: positions used are not 0..{len(ranks) - 1} in turn")
        for rank in ranks:
            checked += 1
            if rank >= len(derived) or derived[rank] != pool.used[rank]:
                problems.append(f"{label}: position {rank} went to expert {pool.used[rank]}, "
                                "not to the one the seed orders there")
    return AuditReport(not problems, problems, checked)


def export_record(activity_id: int, seed: str, published_seed_hash: str,
                  pools: list[PoolRecord], log: list[dict[str, Any]] | None = None,
                  nonce: str = "") -> dict[str, object]:
    """Everything an auditor needs, as JSON (expert ids, never names): the seed, its
    published hash and the handler's nonce, every pool with its used positions and why
    each skipped candidate was skipped, and the activity's operation log (names masked)."""
    return {"activity_id": activity_id, "seed": seed, "seed_hash": published_seed_hash,
            "nonce": nonce, "log": log or [],
            "pools": [{"condition_id": p.condition_id, "name": p.name,
                       "expert_ids": p.expert_ids, "hash": p.published_hash,
                       "used": {str(k): v for k, v in sorted(p.used.items())},
                       "skipped": {str(k): v for k, v in sorted(p.skipped.items())}}
                      for p in pools]}


def import_record(data: dict[str, Any]) -> tuple[str, str, list[PoolRecord], str]:
    """The inverse of export_record: seed, published hash, pools, nonce."""
    pools = [PoolRecord(int(p["condition_id"]), cast(PoolName, str(p["name"])),
                        [int(i) for i in p["expert_ids"]], str(p["hash"]),
                        {int(k): int(v) for k, v in p["used"].items()},
                        {int(k): str(v) for k, v in p.get("skipped", {}).items()})
             for p in data["pools"]]
    return str(data["seed"]), str(data["seed_hash"]), pools, str(data.get("nonce", ""))


def report_text(report: AuditReport) -> str:
    if report.ok:
        return f"OK: {report.checked_positions} positions re-derived from the seed, all match."
    return "FAILED:\n" + "\n".join(f"  - {p}" for p in report.problems)
