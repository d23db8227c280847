"""A batch's training sessions (培训, XJ-SIGNUP: "报名成功并完成缴费的专家…查看培训及测试事项,
并按照规定时间参加培训、测试,逾期未参加的,不予退费"): an administrator schedules sessions (a
time, a place or an online link), every applicant who paid the batch's training fee is told
(and one who pays later, at payment), attendance is recorded per session, and whether the
applicant attended decides a refund (services/education/refunds.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.transactions import in_transaction

from models import column
from models.applications import Application, Batch
from models.learning.training import TrainingAttendance, TrainingSession
from models.money.payments import FeeKind, Payable
from services.common.clock import china_time
from services.common.errors import BadInput, NotFound
from services.notifications import Change, Outbox
from services.people import People


class Standing(StrEnum):
    """Where an applicant stands with the batch's training, for a refund."""

    NONE = "none"  # no session scheduled
    BEFORE = "before"  # the first session has not begun
    ATTENDED = "attended"  # recorded present at a session
    ABSENT = "absent"  # a session has begun and they are not recorded present


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    attended: bool | None  # None: not recorded yet


@dataclass(frozen=True)
class SessionView:
    session: TrainingSession
    attended: bool | None  # the person's (None: not recorded), or for the desk: unused
    attendees: list[Attendee]  # the desk's list (empty for an applicant)


@dataclass(frozen=True)
class TrainingStanding:
    standing: Standing
    session: TrainingSession | None  # the session the standing is about


def _where(s: TrainingSession) -> str:
    return " ".join(p for p in (s.place or "", s.online_url or "") if p)


async def paid_people(batch_id: int) -> dict[int, int]:
    """The applicants of the batch whose training fee is paid and not refunded, each with
    their application's id."""
    apps = dict(await Application.filter(batch_id=batch_id).values_list("id", "person_id"))
    paid = await column(Payable.filter(kind=FeeKind.TRAINING, ref_id__in=list(apps),
                                       paid_at__not_isnull=True, refunded_at=None), "ref_id")
    return {int(apps[a]): int(a) for a in paid}


class Training:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def schedule(self, batch_id: int, title: str, starts_at: datetime,
                       ends_at: datetime, place: str, online_url: str, note: str,
                       by: int | None, now: datetime) -> TrainingSession:
        """A session, and every paid applicant of the batch told when and where."""
        batch = await Batch.get_or_none(id=batch_id)
        if batch is None:
            raise NotFound("training.no_batch")
        if not starts_at < ends_at:
            raise BadInput("training.bad_times")
        if starts_at <= now:
            raise BadInput("training.in_the_past")
        place, online_url = " ".join(place.split()), online_url.strip()
        if not place and not online_url:
            raise BadInput("training.no_place")
        if online_url and not online_url.startswith(("https://", "http://")):
            raise BadInput("training.bad_link")
        async with self.outbox.change(now) as change:
            session = await TrainingSession.create(
                batch_id=batch_id, title=" ".join(title.split())[:64] or batch.name[:64],
                starts_at=starts_at, ends_at=ends_at, place=place[:128] or None,
                online_url=online_url[:256] or None, note=" ".join(note.split())[:200],
                created_by=by, created_at=now)
            for person_id in sorted(await paid_people(batch_id)):
                await self._tell(change, session, batch.name, person_id)
        return session

    @staticmethod
    async def _tell(change: Change, session: TrainingSession, batch: str,
                    person_id: int) -> None:
        await change.notify("training.scheduled", {
            "batch": batch, "title": session.title, "starts": china_time(session.starts_at),
            "ends": china_time(session.ends_at), "place": session.place or "",
            "link": session.online_url or "", "where": _where(session),
            "note": session.note, "at": china_time(change.now)}, person_id=person_id,
            dedupe_key=f"training:{session.id}:{person_id}")

    async def on_paid(self, application_id: int, change: Change) -> None:
        """The payment hook: an applicant who pays after sessions were scheduled is told of
        those still to come, inside the payment's transaction."""
        app = await Application.get(id=application_id).prefetch_related("batch")
        for session in await TrainingSession.filter(batch_id=app.batch_id,
                                                    ends_at__gt=change.now).order_by(
                "starts_at"):
            await self._tell(change, session, app.batch.name, app.person_id)

    @staticmethod
    async def of_batch(batch_id: int) -> list[SessionView]:
        """The batch's sessions, each with the paid applicants and who attended (the
        desk's)."""
        if not await Batch.exists(id=batch_id):
            raise NotFound("training.no_batch")
        people = await paid_people(batch_id)
        names = await People.names_of(set(people))
        out = []
        for s in await TrainingSession.filter(batch_id=batch_id).order_by("starts_at"):
            marks = dict(await TrainingAttendance.filter(session_id=s.id).values_list(
                "person_id", "attended"))
            out.append(SessionView(s, None, [
                Attendee(p, str(names.get(p, "")), marks.get(p)) for p in
                sorted(people, key=lambda p: str(names.get(p, "")))]))
        return out

    @staticmethod
    async def for_person(person_id: int) -> list[SessionView]:
        """The sessions of the batches whose training fee the person paid, with whether
        they were recorded present."""
        apps = dict(await Application.filter(person_id=person_id).values_list("id",
                                                                               "batch_id"))
        paid = await column(Payable.filter(kind=FeeKind.TRAINING, ref_id__in=list(apps),
                                           paid_at__not_isnull=True, refunded_at=None),
                            "ref_id")
        batches = [apps[a] for a in paid]
        marks = dict(await TrainingAttendance.filter(person_id=person_id).values_list(
            "session_id", "attended"))
        return [SessionView(s, marks.get(s.id), []) for s in await TrainingSession.filter(
            batch_id__in=batches).order_by("starts_at")]

    @staticmethod
    async def record(session_id: int, present: set[int], by: int, now: datetime
                     ) -> TrainingSession:
        """Attendance of a session that has begun: the paid applicants ticked attended, the
        others absent (recorded again, the last record counts)."""
        session = await TrainingSession.get_or_none(id=session_id)
        if session is None:
            raise NotFound("training.not_found")
        if now < session.starts_at:
            raise BadInput("training.not_begun", start=session.starts_at)
        people = await paid_people(session.batch_id)
        if not present <= set(people):
            raise BadInput("training.not_paid")
        async with in_transaction():
            for person_id in people:
                await TrainingAttendance.update_or_create(
                    session_id=session.id, person_id=person_id, defaults={
                        "attended": person_id in present, "recorded_by": by,
                        "recorded_at": now})
        return session

    @staticmethod
    async def standing(batch_id: int, person_id: int, now: datetime) -> TrainingStanding:
        """Attended, absent, not begun, or none scheduled: what a refund is decided by."""
        sessions = list(await TrainingSession.filter(batch_id=batch_id).order_by("starts_at"))
        if not sessions:
            return TrainingStanding(Standing.NONE, None)
        marks = dict(await TrainingAttendance.filter(
            session_id__in=[s.id for s in sessions], person_id=person_id).values_list(
            "session_id", "attended"))
        present = next((s for s in sessions if marks.get(s.id)), None)
        if present is not None:
            return TrainingStanding(Standing.ATTENDED, present)
        begun = [s for s in sessions if s.starts_at <= now]
        if not begun:
            return TrainingStanding(Standing.BEFORE, sessions[0])
        return TrainingStanding(Standing.ABSENT, begun[-1])
