"""What the administrator's desk reads: every batch with its windows and
how many applications stand where, the notifications that failed or died with their last
error, and the payment orders with their reconciliation state — each in a fixed number of
queries, whatever the number of rows. The overview and the long lists take the connection of
reads that can lag (`db`: the replica when fit, services/common/runtime/replica.py); the stuck
notifications (resent from that page) and the payment orders read the primary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count

from models.applications import Application, Batch, ReviewAction
from models.experts import ExpertProfile, ExpertSpecialty
from models.learning.exams import Exam
from models.money.payments import PayOrder
from models.notifications import Notification, Status
from models.people import Person
from services.common.paging import PAGE, Page, keyset
from services.people import People
from services.reference import LoadedVersion, Reference

LIMIT = 200


@dataclass(frozen=True)
class BatchView:
    batch: Batch
    exam: Exam | None
    applications: Counter[str]  # by status


def next_cursor(rows: list[Any], limit: int) -> int | None:
    """The cursor of the page after this one, read with one row beyond `limit` (keyset
    paging by id); None at the end."""
    return int(rows[limit - 1].id) if len(rows) > limit else None


class AdminViews:
    """The administrator's lists: batches, people by name, catalogue versions, notifications
    that failed, payment orders, the register of experts and a batch's applications."""

    @staticmethod
    async def batches(db: BaseDBAsyncClient | None = None) -> list[BatchView]:
        """Every batch with its exam and its applications counted by status, newest first."""
        rows = await Batch.all().order_by("-apply_from").limit(LIMIT).using_db(db)
        ids = [b.id for b in rows]
        exams = {e.batch_id: e for e in await Exam.filter(batch_id__in=ids).order_by("id"
                                                                                    ).using_db(db)}
        counted: dict[int, Counter[str]] = {i: Counter() for i in ids}
        for row in await Application.filter(batch_id__in=ids).using_db(db).group_by(
                "batch_id", "status").annotate(n=Count("id")).values("batch_id", "status", "n"):
            counted[int(row["batch_id"])][str(row["status"])] = int(row["n"])
        return [BatchView(b, exams.get(b.id), counted[b.id]) for b in rows]

    @staticmethod
    async def catalogue_versions() -> list[tuple[LoadedVersion, str | None]]:
        """The specialty catalogue's loaded versions, newest first, each with the name of the
        administrator who loaded it."""
        rows = await Reference.catalogue_import.loaded_versions()
        names = await People.names_of({v.created_by for v in rows if v.created_by})
        return [(v, names.get(v.created_by) if v.created_by else None) for v in rows]

    @staticmethod
    async def stuck_notifications(state: str | None, limit: int = PAGE,
                                  after: str | None = None) -> Page[Notification]:
        """Failed (no channel could reach the person) and dead (every attempt used), newest
        first, a page after the cursor `after` (keyset paging by id, read from a partial index
        of those two statuses: models/migrations/0044_list_indexes.py); those covered (the
        person was reached another way: a sibling row, an answer) are no failures."""
        wanted = [state] if state in (Status.FAILED, Status.DEAD) else [Status.FAILED, Status.DEAD]
        return await keyset(Notification.filter(status__in=wanted, covered=False), limit, after)

    @staticmethod
    async def orders(status: str | None, since: datetime | None, before: int | None,
                     limit: int = LIMIT) -> list[PayOrder]:
        """Newest first, a page at a time: those with an id below `before` (keyset paging)."""
        query = PayOrder.all().prefetch_related("payable")
        if status:
            query = query.filter(status=status)
        if since is not None:
            query = query.filter(created_at__gte=since)
        if before is not None:
            query = query.filter(id__lt=before)
        return await query.order_by("-id").limit(limit)

    @staticmethod
    async def experts_page(after: int, limit: int, db: BaseDBAsyncClient | None = None
                           ) -> tuple[list[tuple[ExpertProfile, Person, list[str]]], int | None]:
        """The expert register, by id after `after` (keyset paging: an export of 50,000 reads
        it in pages), each with its person and its specialty codes (首选 first); and the next
        page's cursor."""
        rows = await ExpertProfile.filter(id__gt=after).order_by("id").limit(limit + 1).using_db(db)
        following = next_cursor(rows, limit)
        rows = rows[:limit]
        people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows]
                                                       ).using_db(db)}
        codes: dict[int, list[str]] = {r.id: [] for r in rows}
        for s in await ExpertSpecialty.filter(expert_id__in=list(codes)).order_by(
                "-is_primary", "id").using_db(db):
            codes[s.expert_id].append(s.code)
        return ([(r, people[r.person_id], codes[r.id]) for r in rows if r.person_id in people],
                following)

    @staticmethod
    async def applications_page(batch_id: int, after: int, limit: int,
                                db: BaseDBAsyncClient | None = None
                                ) -> tuple[list[tuple[Application, Person, ReviewAction | None]],
                                           int | None]:
        """A batch's applications by id after `after`, each with its applicant and the last
        step of its review log; and the next page's cursor."""
        apps = await Application.filter(batch_id=batch_id, id__gt=after).order_by("id").limit(
            limit + 1).using_db(db)
        following = next_cursor(apps, limit)
        apps = apps[:limit]
        people = {p.id: p for p in await Person.filter(id__in=[a.person_id for a in apps]
                                                       ).using_db(db)}
        last: dict[int, ReviewAction] = {}
        for step in await ReviewAction.filter(application_id__in=[a.id for a in apps]
                                              ).order_by("id").using_db(db):
            last[step.application_id] = step
        return ([(a, people[a.person_id], last.get(a.id)) for a in apps if a.person_id in people],
                following)
