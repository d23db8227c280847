"""`expertbot audit`: a finished draw re-derived from its revealed seed — from the database,
or offline from a record exported earlier (`--export`, `--file`): every position against
the order the seed and the handler's value give, every pool against the root published
before the start, every skip against the record it names. `--proof FILE` checks an
expert's proof of being in a draw's pool (as the mini-program gives it; in a draw weighted
by credit level, with the weight committed in their leaf) against its root, and against the
root the draw published when the database is at hand. Exit status: 0 all holds, 1
something does not, 2 the command could not run."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from config.settings import settings_or_exit


def cmd_audit(args: argparse.Namespace) -> None:
    from services.draws.randomness import DrawAudit

    if args.proof:
        raise SystemExit(check_proof_file(args.proof, args.activity))
    if args.file:
        with open(args.file, encoding="utf-8") as fh:
            seed, digest, pools, nonce = DrawAudit.import_record(json.load(fh))
    else:
        if args.activity is None:
            raise SystemExit("give an activity id, or --file with an exported record")
        seed, digest, pools, log, nonce, facts = asyncio.run(_load(args.activity))
        if args.export:
            with open(args.export, "w", encoding="utf-8") as fh:
                record = DrawAudit.export_record(args.activity, seed, digest, pools, log,
                                                 nonce, facts)
                json.dump(record, fh, indent=1, ensure_ascii=False)
            print(f"record written to {args.export}")
    report = DrawAudit.audit(seed, digest, pools, nonce)
    print(DrawAudit.report_text(report))
    raise SystemExit(0 if report.ok else 1)


async def _load(activity_id: int) -> tuple[str, str, list[Any], list[dict[str, Any]], str,
                                           dict[str, Any]]:
    from config.db.database import database
    from models.draws import DrawActivity
    from services.draws.candidates import Skips
    from services.draws.facts import OperationLog
    from services.draws.record import Results

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    async with database(settings.for_batch_work()):
        activity = await DrawActivity.get_or_none(id=activity_id)
        if activity is None or activity.seed is None or activity.status != "ended":
            raise SystemExit(f"activity {activity_id}: no finished draw to audit")
        return (activity.seed, activity.seed_hash or "",
                await Results.audit_records(activity), await OperationLog.log_export(activity),
                activity.nonce or "", Skips.activity_facts(activity))


def check_proof_file(path: str, activity_id: int | None) -> int:
    """0: the proof leads to its root (and the root is the one the draw published, when an
    activity is given); 1 otherwise."""
    from services.draws.randomness import Merkle

    with open(path, encoding="utf-8") as fh:
        proof = json.load(fh)
    if not Merkle.check_proof(proof):
        print("FAILED: the proof does not lead from the expert to its root")
        return 1
    if activity_id is not None:
        published = asyncio.run(_published_root(activity_id, int(proof["condition_id"]),
                                                str(proof["pool"])))
        if published != proof["root"]:
            print(f"FAILED: activity {activity_id} published another root for that pool "
                  f"({published or 'none'})")
            return 1
    weight = f" with weight {proof['weight']}" if proof.get("weight") is not None else ""
    print(f"OK: expert {proof['expert_id']} is in the {proof['pool']} pool of condition "
          f"{proof['condition_id']}{weight} (root {str(proof['root'])[:16]}…)")
    return 0


async def _published_root(activity_id: int, condition_id: int, pool: str) -> str | None:
    from config.db.database import database
    from models.draws import DrawActivity
    from services.draws.randomness import Commitments

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    async with database(settings.for_batch_work()):
        activity = await DrawActivity.get_or_none(id=activity_id)
        return None if activity is None else (await Commitments.published_roots(activity)).get(
            (condition_id, pool))


def add_parser(sub: Any) -> None:
    au = sub.add_parser("audit", help="re-derive a finished draw from its revealed seed")
    au.add_argument("activity", type=int, nargs="?", help="draw activity id (database)")
    au.add_argument("--file", help="audit an exported record instead of the database")
    au.add_argument("--export", help="also write the record to this JSON file")
    au.add_argument("--proof", help="check an expert's proof of being in a pool (JSON)")
    au.set_defaults(func=cmd_audit)
