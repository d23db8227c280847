"""`expertbot audit-log verify [--from DAY] [--to DAY] [--anchor SEQ:MAC ...] [--anchors
FILE]`: walk the audit trail's chain (services/audit/chain.py) and name the first entry
that was changed, removed or inserted, or an operation-log row changed or deleted since it was
chained; then check the anchors shipped off the box (the nightly log lines, or SEQ:MAC by hand)
still agree, which catches a chain cut back at its end or rebuilt with the key. `anchor`
prints the chain's end now (the nightly anchor, by hand). Exit status: 0 the chain holds, 1 it
is broken, 2 the command could not run."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from config.settings import settings_or_exit
from services.common.clock import CHINA


def _day(text: str | None, end: bool = False) -> datetime | None:
    """A China-time day: its first moment, or (end) its last."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise SystemExit(2) from None
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(), CHINA)
    return (moment - timedelta(microseconds=1) if end else moment).astimezone(UTC)


def _anchors(args: argparse.Namespace) -> list[tuple[int, str]]:
    """--anchor SEQ:MAC and the JSON lines of --anchors FILE (the shipped log's anchor lines,
    whose "audit_anchor" field holds seq and mac; other lines are skipped)."""
    found = []
    try:
        for text in args.anchor or []:
            seq, _, mac = text.partition(":")
            found.append((int(seq), mac.strip()))
        if args.anchors:
            for line in Path(args.anchors).read_text().splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                anchor = record.get("audit_anchor", record) if isinstance(record, dict) else {}
                if isinstance(anchor, dict) and "seq" in anchor and "mac" in anchor:
                    found.append((int(anchor["seq"]), str(anchor["mac"])))
    except (ValueError, OSError) as exc:
        print(f"cannot read the anchors: {exc}")
        raise SystemExit(2) from None
    return found


def cmd_audit_log(args: argparse.Namespace) -> None:
    raise SystemExit(asyncio.run(_run(args)))


async def _run(args: argparse.Namespace) -> int:
    from config.db.database import database, replica_database
    from config.settings.replica import lagging_reads
    from services.audit import AuditChain

    anchors = _anchors(args)
    settings, _ = settings_or_exit(fill_dev_secrets=True)
    async with database(settings.for_batch_work()), \
            replica_database(settings.for_batch_work()) as replica:
        chain = AuditChain(AuditChain.key_of(settings.secret_key), lagging_reads(settings, replica))
        if args.action == "anchor":
            print(await chain.anchor(datetime.now(UTC)))
            return 0
        await chain.chain_draw_logs(datetime.now(UTC))  # what the sweep has not joined yet
        found = await chain.verify(_day(args.start), _day(args.end, end=True))
        disagrees = await chain.against_anchors(anchors) if found.broken_at is None else ""
    if found.broken_at is not None:
        print(f"BROKEN at entry {found.broken_at}: {found.why} "
              f"({found.checked} entries before it hold)")
        return 1
    if disagrees:
        print(f"BROKEN: {disagrees}")
        return 1
    print(f"the chain holds: {found.checked} entries checked"
          + (f", {found.unchained} from before the chain began" if found.unchained else "")
          + (f"; {len(anchors)} anchors agree" if anchors else "")
          + (f"; its end: {found.last_mac}" if found.last_mac else ""))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit_log = sub.add_parser("audit-log", help="verify the tamper-evident audit trail")
    audit_log.add_argument("action", choices=("verify", "anchor"))
    audit_log.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                           help="from this day (China time); the entry before is trusted")
    audit_log.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                           help="to this day (China time)")
    audit_log.add_argument("--anchor", action="append", metavar="SEQ:MAC",
                           help="an anchor shipped off the box (repeatable)")
    audit_log.add_argument("--anchors", metavar="FILE",
                           help="the shipped JSON log (its audit_anchor lines are read)")
    audit_log.set_defaults(func=cmd_audit_log)
