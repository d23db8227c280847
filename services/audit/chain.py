"""The tamper-evident audit trail: each entry's MAC is HMAC-SM3 (GB/T 32905, the key derived
from SECRET_KEY) over the previous entry's MAC and the entry itself, so
an entry changed, removed or inserted in the database breaks the chain from there on, and
`expertbot audit-log verify` names the first broken link. The draws' operation log is chained
as it is written: each row's SM3 digest joins the chain (a sweep every few seconds, so the
draw's own transaction never waits on the chain's lock), and verification checks every
chained row still has its digest. The day's last MAC is written to the JSON log each night
(an anchor that can be shipped off the box: a chain rebuilt with the key still disagrees
with the anchors already shipped)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.hazmat.primitives import hashes, hmac
from tortoise.transactions import in_transaction

from models.audit import AuditEntry, AuditHead
from models.draws import DrawLog
from services.common.paging import PAGE, Page, keyset
from services.common.pii import mask_name
from services.common.runtime.replica import LaggingReads

log = logging.getLogger("expertbot.audit")

# how a desk signed in or passed its second factor, as the trail records it
SignInHow = Literal["password", "sms", "totp", "recovery", "enrolled", "unified"]

GENESIS = "0" * 64
DRAW_LOG = "draw_log"  # the action of an entry that chains an operation-log row
ACCESS = ("unmask_register", "read_full", "export")  # the record of access (recent_access)
BATCH = 500


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode()


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def entry_mac(key: bytes, previous: str, entry: AuditEntry) -> str:
    """HMAC-SM3 over the previous MAC and the entry as stored."""
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(previous.encode() + b"\n" + canonical([
        entry.seq, _when(entry.at), entry.person_id, entry.actor_name, entry.action,
        entry.detail]))
    return mac.finalize().hex()


def log_digest(row: DrawLog) -> str:
    """SM3 of an operation-log row as stored."""
    return sm3(canonical([row.id, row.activity_id, _when(row.at), row.role, row.actor_id,
                          row.actor_name, row.action, row.reason, row.detail]))


async def locked_head() -> AuditHead:
    """The chain's end, locked until the caller's transaction ends (made if the database
    has none: the migration makes it, a wiped database has lost it)."""
    head = await AuditHead.select_for_update().get_or_none(id=1)
    if head is None:
        await AuditHead.get_or_create(id=1)
        head = await AuditHead.select_for_update().get(id=1)
    return head


@dataclass(frozen=True)
class Verified:
    """What a verification found: entries checked, the first broken one (its seq and why),
    and entries from before the chain began (no MAC)."""

    checked: int
    broken_at: int | None = None
    why: str = ""
    unchained: int = 0
    last_mac: str = ""


class AuditChain:
    """The chained audit trail: entries appended, verified, anchored, and read."""

    def __init__(self, key: bytes, reads: LaggingReads | None = None) -> None:
        self.key = key
        self.reads = reads or LaggingReads()  # verification reads the replica when fit

    @staticmethod
    def key_of(secret_key: str) -> bytes:
        """The chain's key, derived from SECRET_KEY (HMAC-SM3 with a label of its own)."""
        mac = hmac.HMAC(secret_key.encode(), hashes.SM3())
        mac.update(b"expertbot/audit-chain")
        return mac.finalize()

    @staticmethod
    async def recent_access(limit: int = PAGE, after: str | None = None) -> Page[AuditEntry]:
        """The record of desks' access to personal data (PIPL Art. 51): the entries for each
        reading of the expert register in full, each other reading in full (an expert's
        bank account number, the withholding declaration's ID numbers, an ID card's face)
        and each export holding people's personal data (a download holding none is a
        `download`, not listed), newest first, each saying what it held as
        services/audit/exports.py declares it; a page after the cursor `after` (keyset
        paging by id: entries are appended in time order). miniapp_api/audit.py writes them."""
        return await keyset(AuditEntry.filter(action__in=ACCESS), limit, after)

    async def append(self, action: str, now: datetime, *, person_id: int = 0,
                     name: str = "", **detail: Any) -> AuditEntry:
        """One entry at the chain's end, in the caller's transaction if there is one."""
        async with in_transaction():
            head = await locked_head()
            return await self._append(head, action, now, person_id,
                                      mask_name(name) if name else "", detail)

    async def _append(self, head: AuditHead, action: str, now: datetime, person_id: int,
                      actor_name: str, detail: dict[str, Any]) -> AuditEntry:
        made = await AuditEntry.create(at=now, person_id=person_id, actor_name=actor_name[:32],
                                       action=action[:24], detail=detail, seq=head.seq + 1)
        entry = await AuditEntry.get(id=made.id)  # as stored: what verification reads
        entry.mac = entry_mac(self.key, head.mac, entry)
        await AuditEntry.filter(id=entry.id).update(mac=entry.mac)
        head.seq, head.mac = entry.seq or 0, entry.mac
        await head.save(update_fields=["seq", "mac", "draw_log_id"])
        return entry

    async def chain_draw_logs(self, now: datetime) -> int:
        """Operation-log rows written since the last sweep, each joined to the chain."""
        done = 0
        while True:
            async with in_transaction():
                head = await locked_head()
                rows = await DrawLog.filter(id__gt=head.draw_log_id).order_by("id").limit(BATCH)
                for row in rows:
                    head.draw_log_id = row.id
                    await self._append(head, DRAW_LOG, row.at, row.actor_id or 0,
                                       row.actor_name, {"log": row.id,
                                                        "sm3": log_digest(row)})
            done += len(rows)
            if len(rows) < BATCH:
                return done

    async def verify(self, start: datetime | None = None, end: datetime | None = None
                     ) -> Verified:
        """Walk the chain in order (from the entry before `start`, whose MAC it takes as
        given, to `end`): the first entry whose MAC, place or chained row disagrees. It reads
        the replica while that is fit (a lagging one verifies a shorter chain, never a wrong
        one: appends, in transactions, stay on the primary)."""
        db = await self.reads.db()
        query = AuditEntry.filter(seq__not_isnull=True).order_by("seq").using_db(db)
        previous, expected = GENESIS, 1
        if start is not None:
            before = await AuditEntry.filter(seq__not_isnull=True, at__lt=start).order_by(
                "-seq").using_db(db).first()
            if before is not None:
                previous, expected = before.mac or "", (before.seq or 0) + 1
            query = query.filter(seq__gte=expected)
        if end is not None:  # up to the last entry of the period, by place: an operation-log
            # row joins the chain with its own (earlier) time, so times are not in chain order
            last = await AuditEntry.filter(seq__not_isnull=True, at__lte=end).order_by(
                "-seq").using_db(db).first()
            query = query.filter(seq__lte=last.seq if last is not None else 0)
        unchained = await AuditEntry.filter(seq__isnull=True).using_db(db).count()
        checked, after = 0, expected - 1
        while True:
            batch = await query.filter(seq__gt=after).limit(BATCH)
            if not batch:
                break
            logs = {r.id: r for r in await DrawLog.filter(id__in=[
                e.detail.get("log") for e in batch if e.action == DRAW_LOG]).using_db(db)}
            for entry in batch:
                why = self._problem(entry, previous, expected, logs)
                if why:  # the place it breaks: a missing entry's own, else this one's
                    return Verified(checked, expected, why, unchained)
                previous, expected, checked = entry.mac or "", expected + 1, checked + 1
            after = batch[-1].seq or 0
        head = await AuditHead.filter(id=1).using_db(db).first() or AuditHead(id=1)
        if end is None and start is None and head.seq != expected - 1:
            return Verified(checked, expected, "the chain's end is missing entries", unchained)
        return Verified(checked, None, "", unchained, previous)

    def _problem(self, entry: AuditEntry, previous: str, expected: int,
                 logs: dict[int, DrawLog]) -> str:
        if entry.seq != expected:
            return f"entry {expected} is missing (found {entry.seq})"
        if entry.mac != entry_mac(self.key, previous, entry):
            return "the entry was changed (its MAC does not match)"
        if entry.action == DRAW_LOG:
            row = logs.get(int(entry.detail.get("log", 0)))
            if row is None:
                return f"operation-log row {entry.detail.get('log')} was deleted"
            if log_digest(row) != entry.detail.get("sm3"):
                return f"operation-log row {row.id} was changed"
        return ""

    @staticmethod
    async def against_anchors(anchors: list[tuple[int, str]]) -> str:
        """The anchors shipped off the box, checked against the chain (after `verify`): an
        anchored entry gone, or with another MAC, means entries were removed from the end and
        the head rolled back, or the chain was rebuilt with the key. "" when all agree."""
        for seq, mac in sorted(anchors):
            if seq == 0:
                continue
            entry = await AuditEntry.get_or_none(seq=seq)
            if entry is None:
                return f"anchored entry {seq} is missing (the chain was cut back)"
            if entry.mac != mac:
                return f"anchored entry {seq} has another MAC (the chain was rebuilt)"
        return ""

    async def anchor(self, now: datetime) -> dict[str, Any]:
        """The chain's end now, written to the log (shipped off the box with it)."""
        head = await AuditHead.get_or_none(id=1) or AuditHead(id=1)
        anchor = {"seq": head.seq, "mac": head.mac, "at": _when(now)}
        log.info("audit anchor seq=%s mac=%s", head.seq, head.mac,
                 extra={"fields": {"audit_anchor": anchor}})  # a JSON line's own fields
        return anchor

    @staticmethod
    async def recent(limit: int = 200, actions: list[str] | None = None, *,
                     before: int | None = None, start: datetime | None = None,
                     end: datetime | None = None) -> list[AuditEntry]:
        """The newest entries first, a page at a time (`before`: below this id), of some
        actions, in [start, end) (compared in UTC, as stored)."""
        query = AuditEntry.all() if not actions else AuditEntry.filter(action__in=actions)
        if before is not None:
            query = query.filter(id__lt=before)
        if start is not None:
            query = query.filter(at__gte=start.astimezone(UTC))
        if end is not None:
            query = query.filter(at__lt=end.astimezone(UTC))
        return await query.order_by("-id").limit(limit)

