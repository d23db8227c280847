"""The statements a relay claims a batch of notifications with, writes their outcomes with
and applies WeChat's receipts of them with (services/notifications/outbox.py's claim, save
and templates_finished), written for the database it runs on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from models import column
from models.notifications import Notification, Status
from models.orm.statements import columns, on_postgres, rows


@dataclass(frozen=True)
class Joined:
    """What a relay reads with its claim on PostgreSQL, in the claim's own statement:
    `columns` of the tables `joins` joins to each claimed row (`claimed."notification.<col>"`;
    a row may come back once for each row a join finds)."""

    columns: str
    joins: str

    def __add__(self, other: Joined) -> Joined:
        return Joined(f"{self.columns}, {other.columns}", f"{self.joins} {other.joins}")


@cache
def claim_sql(dialect: str, joined: Joined | None = None) -> str:
    """One statement claims a batch and returns it: the lapsed claims, one person's due
    notices, then a mass notice's due rows, at most BULK_CLAIM of them (three index range
    reads, not one OR: with the OR, PostgreSQL gathers every due row to sort them, 0.4 s a
    claim with 50,000 queued by a mass notice), each oldest first; so a relay sending a
    province-wide notice comes back for an invitation within a small batch. The due
    condition is checked again by the UPDATE itself, so two relays never share a row.

    On PostgreSQL the picked ids are an array computed once (an InitPlan) that the update
    finds by primary key. As `id IN (subquery)`, the plan PostgreSQL cached for the relay's
    prepared statement while the outbox was small (a generic plan, from the sixth claim on)
    walked every queued row and ran the three reads again for each: once a mass notice had
    queued 30,000 rows, a claim took minutes, was cut at the worker's statement timeout,
    and nothing was sent until the table's statistics changed. SQLite reads an IN subquery
    once. A lapsed claim is taken again only while the row has attempts left (the relay
    buries the others: outbox.py). Parameters: the token, the lease's end, then now (and,
    for the lapsed part, the attempts allowed) and a limit for each part (lapsed, one
    person's, the mass notice's), the limit in all, now, now and the attempts allowed."""
    queued, sending = Status.QUEUED.value, Status.SENDING.value
    due = (f"SELECT id FROM notification WHERE status = '{queued}' AND lane = {{lane}} "
           "AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")
    picked = (
        f"SELECT id FROM (SELECT id FROM (SELECT id FROM notification WHERE status = "
        f"'{sending}' AND claimed_until < ? AND attempts < ? LIMIT ?) AS lapsed UNION ALL "
        f"SELECT id FROM ({due.format(lane=0)}) AS own UNION ALL "
        f"SELECT id FROM ({due.format(lane=1)}) AS mass) AS picked LIMIT ?")
    ids = f"id = ANY(ARRAY({picked}))" if dialect == "postgres" else f"id IN ({picked})"
    update = (
        f"UPDATE notification SET status = '{sending}', claim_token = ?, claimed_until = ?, "
        f"attempts = attempts + 1 WHERE {ids} "
        f"AND ((status = '{queued}' AND next_attempt_at <= ?) "
        f"OR (status = '{sending}' AND claimed_until < ? AND attempts < ?)) "
        f"RETURNING {columns(Notification, 'notification')}")
    if joined is None or dialect != "postgres":  # (SQLite takes no UPDATE in a WITH)
        return update
    return (f"WITH claimed AS ({update}) SELECT claimed.*, {joined.columns} FROM claimed "
            f"{joined.joins}")
# a mass notice's rows a claim takes at most: a second or two of sending, after which the
# relay claims again and finds an invitation queued meanwhile
BULK_CLAIM = 200

# The columns an outcome sets (tortoise's bulk_update builds its CASE statements too slowly
# for the relay's hot path: about a millisecond a row).
SAVED = ("status", "channel", "sent_at", "delivered_at", "wx_msgid", "sms_id", "last_error",
         "next_attempt_at", "attempts", "ruled_out")
# a row's outcome as bound, and each column's type as PostgreSQL's arrays of them
OUTCOME = ("id", "claim_token", *SAVED)
TYPES = ("BIGINT", "TEXT", "TEXT", "TEXT", "TIMESTAMPTZ", "TIMESTAMPTZ", "BIGINT", "TEXT",
         "TEXT", "TIMESTAMPTZ", "INTEGER", "TEXT")


@cache
def save_sql(postgres: bool, count: int) -> str:
    """The outcomes of a batch in one UPDATE joined to their values: on PostgreSQL one array
    a column (`unnest`: the same statement for every batch, its plan prepared once), on
    SQLite a VALUES list of `count` rows."""
    names = ", ".join(OUTCOME)
    if postgres:
        arrays = ", ".join(f"CAST(? AS {t}[])" for t in TYPES)
        source = f"unnest({arrays}) AS v({names})"
        head = "UPDATE notification SET "
    else:
        row = "(" + ", ".join("?" for _ in OUTCOME) + ")"
        head = (f"WITH v({names}) AS (VALUES {', '.join(row for _ in range(count))}) "
                "UPDATE notification SET ")
        source = "v"
    sets = ", ".join(f"{c} = v.{c}" for c in SAVED)
    return (f"{head}{sets}, claim_token = NULL, claimed_until = NULL FROM {source} "
            f"WHERE notification.id = v.id AND notification.claim_token = v.claim_token "
            f"AND notification.status = '{Status.SENDING.value}'")


async def mark_delivered(msgids: set[int], successes: set[int], now: datetime) -> set[int]:
    """A batch of TEMPLATESENDJOBFINISH receipts: the `msgids` some row has, and the
    `successes` among them marked delivered (a row still `sent` only) — on PostgreSQL in one
    statement, the receipts job's one statement a second."""
    if on_postgres():
        return {int(r["wx_msgid"]) for r in await rows(RECEIPTS_SQL, sorted(msgids), now,
                                                        sorted(successes))}
    known = {int(m) for m in await column(Notification.filter(wx_msgid__in=sorted(msgids)),
                                          "wx_msgid")}
    if delivered := sorted(successes & known):
        await Notification.filter(wx_msgid__in=delivered, status=Status.SENT).update(
            status=Status.DELIVERED, delivered_at=now)
    return known


# Parameters: every msgid, now, the successes' msgids.
RECEIPTS_SQL = (
    "WITH known AS (SELECT id, wx_msgid FROM notification "
    "WHERE wx_msgid = ANY(CAST(? AS BIGINT[]))), "
    f"marked AS (UPDATE notification SET status = '{Status.DELIVERED.value}', "
    "delivered_at = ? FROM known WHERE notification.id = known.id "
    f"AND notification.status = '{Status.SENT.value}' "
    "AND known.wx_msgid = ANY(CAST(? AS BIGINT[])) RETURNING notification.id) "
    "SELECT wx_msgid FROM known")
