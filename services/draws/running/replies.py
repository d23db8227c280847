"""An expert's answer to an invitation (1 参加, 2 不参加, 3 需回避), whichever way it came,
applied under the activity's row lock: never more confirmed than planned, never one expert
booked twice at the same time, and the next wave in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from typing import Any, Literal

from models.draws import (
    AnsweredVia,
    DrawActivity,
    DrawStatus,
    Invitation,
    InvitationStatus,
    Notice,
)
from models.notifications import Status
from models.orm.statements import columns, model_from, models_from, on_postgres, rows
from models.orm.units import after_commit
from models.people import Role
from models.sanctions import EXCLUDING, AppealOutcome
from services.common.errors import BadInput, NotFound
from services.draws.candidates.involvement import said_by_expert
from services.draws.candidates.pool import eval_days
from services.draws.candidates.relations import KIN_SQL
from services.draws.candidates.rules import KIN, SANCTIONED
from services.draws.facts.venue_roles import PAIRED_SQL, mark_role
from services.draws.news.agency_news import notify_agency
from services.draws.news.notices import invitations_with_notices
from services.draws.news.titles import sections_sql, short_title
from services.draws.running.calls import call_keys, cancel_calls, contact_keys, reached
from services.draws.running.waves import ADVANCE_SQL, RUNNING, Waves, counts_of
from services.notifications import Change

# the activity of the caller's own invitation (the last two `?`: invitation, person), locked.
# On PostgreSQL the expert is locked first (the first three `?`: the lock's class, then the
# invitation and person again; an advisory lock on the expert's id, taken by replies alone,
# evaluated below the row lock and so always before it): two acceptances of one expert for
# overlapping evaluations, each under its own activity's lock, are applied one after the
# other, so the second sees the first (SQLite runs one write transaction at a time). The id
# is folded into the lock's 32-bit key: two experts sharing a key only wait for each other.
_LOCK_SQL = ("SELECT {activity}{expert_lock} FROM draw_activity a WHERE a.id = "
             "(SELECT activity_id FROM draw_invitation WHERE id = ? AND person_id = ?){update}")
_EXPERT_LOCK = (", pg_advisory_xact_lock(CAST(? AS INTEGER), (SELECT CAST(MOD(expert_id, "
                "2147483647) AS INTEGER) FROM draw_invitation WHERE id = ? AND person_id = ?))"
                " AS expert_locked")
EXPERT_LOCKS = 0x45585054  # the advisory locks' first key: "EXPT"
# under the lock, one statement: the invitation and its notice as they are now; its
# condition's planned and confirmed; the other activity where the expert is confirmed at an
# overlapping time, if any (pool.booked's rule: neither withdrawn nor cancelled, nor finished
# before this one starts); the project's name and the agency's legal persons, for the
# agency's notification. The statuses and the role are the enums' constants, not input.
# Each subquery reaches its rows through one index only (the condition's, the expert's
# evaluations ending after this one starts: the window kept on each invitation, the past
# outside the range; the dedupe keys', the committee's), a status tested in the aggregate,
# not in the filter: the read costs what this invitation's own condition, expert and
# committee hold, whatever the planner's statistics say of a status (a notice just queued
# 30,000 notifications; a table analysed while it had no confirmed invitation).
_READ_SQL = (
    "SELECT {invitation}, {notice}, c.planned AS q_planned, "
    f"(SELECT COUNT(CASE WHEN x.status = '{InvitationStatus.CONFIRMED.value}' THEN 1 END) "
    "FROM draw_invitation x WHERE x.condition_id = v.condition_id) AS q_confirmed, "
    f"(SELECT MIN(CASE WHEN w.status = '{InvitationStatus.CONFIRMED.value}' THEN o.id END) "
    "FROM draw_invitation w JOIN draw_activity o ON o.id = w.activity_id "
    "WHERE w.expert_id = v.expert_id AND w.eval_end > a.eval_start "
    "AND w.eval_start < a.eval_end AND w.activity_id <> a.id "
    "AND (o.finished_at IS NULL OR o.finished_at > a.eval_start) "
    f"AND o.status NOT IN ('{DrawStatus.WITHDRAWN.value}', '{DrawStatus.CANCELLED.value}')"
    ") AS q_booked, "
    # a suspension, removal or ban (not revoked) on any of the evaluation's days (the two
    # `?` before the invitation's: its last and first China date; running/rules.sanctioned)
    "(SELECT MIN(s.id) FROM expert_sanction s WHERE s.expert_id = v.expert_id "
    f"AND s.kind IN ({', '.join(repr(k.value) for k in EXCLUDING)}) "
    f"AND s.outcome <> '{AppealOutcome.REVOKED.value}' AND s.starts_on <= ? "
    "AND (s.ends_on IS NULL OR s.ends_on >= ?)) AS q_sanctioned, "
    # one confirmed for the evaluation (its 补抽 included) related to the expert, either one
    # having declared the other (services/draws/candidates/relations.py; GD-CG-1 Art. 21)
    f"({KIN_SQL}) AS q_kin, p.name AS q_project, "
    "{sections} AS q_sections, "
    f"{PAIRED_SQL}, "
    "(SELECT {joined} FROM role_grant g WHERE g.agency_id = a.agency_id "
    f"AND g.role = '{Role.AGENCY_LEGAL.value}' AND g.revoked_at IS NULL) AS q_legal, "
    # the invitation's calls still queued (the `?`s: calls.call_keys), and whether any of
    # its notices failed uncovered (calls.contact_keys): each answered only when there are
    # (an answer drops the one and covers the other)
    f"(SELECT MIN(CASE WHEN q.status = '{Status.QUEUED.value}' THEN q.id END) "
    "FROM notification q WHERE q.dedupe_key IN (?, ?, ?)) AS q_calls, "
    f"(SELECT MIN(CASE WHEN f.status IN ('{Status.FAILED.value}', '{Status.DEAD.value}') "
    "AND f.covered = {false} THEN f.id END) "
    "FROM notification f WHERE f.dedupe_key IN (?, ?, ?, ?, ?)) AS q_lost, "
    # whether its venue checks identity at check-in (venue/identity_rule.py)
    "(SELECT MIN(w.id) FROM venue w WHERE w.id = n.venue_id "
    "AND w.identity_check = {true}) AS q_identity "
    "FROM draw_invitation v JOIN draw_condition c ON c.id = v.condition_id "
    "JOIN draw_notice n ON n.id = c.notice_id JOIN draw_activity a ON a.id = v.activity_id "
    "LEFT JOIN draw_project p ON p.id = a.project_id WHERE v.id = ? AND v.person_id = ?")
# venue code set with the status unless another invitation of the activity has that code
CONFIRM_SQL = (
    f"UPDATE draw_invitation SET status = '{InvitationStatus.CONFIRMED.value}', "
    "replied_at = ?, code = ?, answered_via = ? WHERE id = ? AND NOT EXISTS "
    "(SELECT 1 FROM draw_invitation o WHERE o.activity_id = ? AND o.code = ?) RETURNING id")
# on PostgreSQL the status and code set and the conditions' progress read in one statement
# (a data-modifying CTE; its `?`s: CONFIRM_SQL's, then ADVANCE_SQL's). The progress comes
# from the snapshot taken before the update: the invitation is moved from waiting to
# confirmed in Python (`_moved`). No row has `confirmed_id` when the code was taken.
CONFIRM_ADVANCE_SQL = (f"WITH confirmed AS ({CONFIRM_SQL}) SELECT (SELECT id FROM confirmed)"
                       f" AS confirmed_id, p.* FROM ({ADVANCE_SQL}) p ORDER BY p.id")

# an invitation `v` still waiting for its answer (the `?`: now), and the order they are
# listed in
OPEN = f"v.status = '{InvitationStatus.SENT.value}' AND v.due_at > ?"
OPEN_ORDER = "ORDER BY v.sent_at, v.id"


@cache
def _open_sql() -> str:
    """An expert's open invitations (built once the models are initialised: the foreign
    keys' columns are known from then on)."""
    return (f"SELECT {columns(Invitation, 'v')} FROM draw_invitation v WHERE v.person_id = ? "
            f"AND {OPEN} {OPEN_ORDER}")


@cache
def _statements(postgres: bool) -> tuple[str, str]:
    lock = _LOCK_SQL.format(activity=columns(DrawActivity, "a"),
                            expert_lock=_EXPERT_LOCK if postgres else "",
                            update=" FOR UPDATE" if postgres else "")
    read = _READ_SQL.format(
        invitation=columns(Invitation, "v"), notice=columns(Notice, "n"),
        joined="string_agg(CAST(g.person_id AS TEXT), ',')" if postgres
        else "group_concat(g.person_id, ',')",
        sections=sections_sql(postgres, "a.id", "COALESCE(a.parent_id, a.id)"),
        false="false" if postgres else "0", true="true" if postgres else "1")
    return lock, read


@dataclass(frozen=True)
class _Found:
    """What the reply reads under the lock."""
    invitation: Invitation
    notice: Notice
    planned: int
    confirmed: int
    booked: bool  # confirmed elsewhere at an overlapping time
    sanctioned: bool  # a sanction in force on a day of the evaluation
    kin: bool  # a relative confirmed for the evaluation since the invitation went out
    agency: tuple[str, list[int]]  # the project's short title, the agency's legal persons
    calls: bool  # a call still queued for the invitation
    lost: bool  # one of its notices failed, not yet covered
    identity: bool  # its venue checks identity at check-in


async def _lock(invitation_id: int, person_id: int) -> DrawActivity | None:
    lock, _read = _statements(on_postgres())
    values = ((EXPERT_LOCKS, invitation_id, person_id) if on_postgres() else ())
    found = await rows(lock, *values, invitation_id, person_id)
    return model_from(DrawActivity, found[0], "a") if found else None


async def _read(activity: DrawActivity, invitation_id: int, person_id: int) -> _Found:
    _lock_sql, read = _statements(on_postgres())
    first, last = eval_days(activity)
    days = (last, first) if on_postgres() else (last.isoformat(), first.isoformat())
    # never deleted; its activity locked
    (row,) = await rows(read, *days, *call_keys(invitation_id), *contact_keys(invitation_id),
                        invitation_id, person_id)
    invitation, notice = model_from(Invitation, row, "v"), model_from(Notice, row, "n")
    assert invitation is not None and notice is not None
    mark_role(notice, row["q_paired"] is not None)  # the reply says 主场 / 副场 (FG-807)
    legal = [int(p) for p in str(row["q_legal"] or "").split(",") if p]
    return _Found(invitation, notice, int(row["q_planned"]), int(row["q_confirmed"]),
                  row["q_booked"] is not None, row["q_sanctioned"] is not None,
                  row["q_kin"] is not None,
                  (short_title(str(row["q_project"] or ""), str(row["q_sections"] or "")),
                   legal), row["q_calls"] is not None, row["q_lost"] is not None,
                  row["q_identity"] is not None)


async def _confirm(invitation: Invitation, activity: DrawActivity, now: datetime
                   ) -> list[dict[str, Any]]:
    """Confirmed with a venue code no other expert of the activity has, set in the same
    statement as the status (one in a million is taken: another is drawn); the conditions'
    progress after it (waves.ADVANCE_SQL's rows)."""
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        values = (now, code, invitation.answered_via, invitation.id, activity.id, code)
        if on_postgres():
            progress = await rows(CONFIRM_ADVANCE_SQL, *values, now, activity.id)
            if progress and progress[0]["confirmed_id"] is not None:
                _moved(progress, invitation, now)
                break
        elif await rows(CONFIRM_SQL, *values):
            progress = await rows(ADVANCE_SQL, now, activity.id)
            break
    invitation.status, invitation.code = InvitationStatus.CONFIRMED, code
    return progress


def _moved(progress: list[dict[str, Any]], invitation: Invitation, now: datetime) -> None:
    """The progress read before the confirmation (CONFIRM_ADVANCE_SQL) as it is after: the
    invitation, sent and open until now, counted confirmed."""
    for row in progress:
        if row["id"] == invitation.condition_id:
            row["confirmed"] = int(row["confirmed"] or 0) + 1
            row["shown_confirmed"] = int(row["shown_confirmed"] or 0) + 1
            row["out"] = int(row["out"] or 0) - 1
            if invitation.due_at > now:  # ADVANCE_SQL's waiting: sent, its window open
                row["waiting"] = int(row["waiting"] or 0) - 1


ReplyStatus = Literal["confirmed", "released", "declined", "avoided", "late", "duplicate"]


@dataclass(frozen=True)
class ReplyOutcome:
    status: ReplyStatus
    invitation: Invitation
    notice: Notice
    identity: bool | None = None  # its venue checks identity (read with a confirmation)


# what the channel adds to the reply's own transaction once the outcome is known (the answer
# sent back by SMS: queued if and only if the decision is made)
Then = Callable[[Change, ReplyOutcome], Awaitable[None]]


class Replies:
    """The experts' answers, applied under the activity's lock, over the waves."""

    def __init__(self, waves: Waves) -> None:
        self.waves = waves

    @staticmethod
    async def recent_invitations(person_id: int, now: datetime,
                                 days: int = 30) -> list[tuple[Invitation, Notice]]:
        """An expert's invitations of the last `days` days, newest first, with their notices."""
        return await invitations_with_notices(person_id, now - timedelta(days=days))

    async def open_invitations(self, person_id: int, now: datetime) -> list[Invitation]:
        """The expert's invitations still waiting for an answer, oldest first (one
        hand-written statement: every lone answer in chat or by SMS reads them)."""
        found = await rows(_open_sql(), person_id, now)
        return [i for i in models_from(Invitation, found, "v") if i is not None]

    async def reply(self, invitation_id: int, person_id: int, choice: int, now: datetime,
                    reason: str = "", via: AnsweredVia = "chat", then: Then | None = None
                    ) -> ReplyOutcome:
        """1 参加, 2 不参加, 3 需回避, applied under the activity's lock; `via` is the way it
        came (chat, miniapp, sms, link, voice): kept, and calls still pending are dropped.
        `then` is called in the same transaction with an outcome that changed the
        invitation (not with a duplicate)."""
        if choice not in (1, 2, 3):
            raise BadInput("invitation.choice")
        async with self.waves.outbox.change(now) as change:
            # the activity of the caller's own invitation, locked (one statement)
            activity = await _lock(invitation_id, person_id)
            if activity is None:
                raise NotFound("invitation.not_found")
            found = await _read(activity, invitation_id, person_id)  # one statement, locked
            invitation, notice, progress = found.invitation, found.notice, None
            if invitation.status != InvitationStatus.SENT:
                return ReplyOutcome("duplicate", invitation, notice)
            invitation.answered_via = via  # saved with the status below
            if found.calls:  # none is ever queued without a voice provider
                await cancel_calls(invitation.id)
            if found.lost:  # it reached them: none of its notices failed
                await reached(invitation.id)
            if now > invitation.due_at:
                invitation.status = InvitationStatus.TIMEOUT
                await invitation.save(update_fields=["status", "answered_via"])
                outcome = ReplyOutcome("late", invitation, notice)
            elif choice == 1:
                outcome, progress = await self._accept(change, activity, found, now)
            else:
                invitation.status = (InvitationStatus.DECLINED if choice == 2
                                     else InvitationStatus.AVOIDED)
                invitation.replied_at, invitation.reason = now, reason.strip()[:100] or None
                await invitation.save(update_fields=["status", "replied_at", "reason",
                                                     "answered_via"])
                outcome = ReplyOutcome("declined" if choice == 2 else "avoided", invitation,
                                       notice)
                if choice == 3 and invitation.reason:  # took part in the project's 前期 work
                    await said_by_expert(activity.project_id, invitation.expert_id,
                                                     invitation.reason, now)
            # in the same transaction: a decline invites the next candidate, an acceptance
            # may leave nothing to wait for; a crash cannot leave the one without the other
            timers = await self.waves.advance_locked(change, activity, now, progress)
            if then is not None:
                await then(change, outcome)
        await after_commit(partial(self.waves.answered, invitation_id, timers))
        return outcome

    async def _accept(self, change: Change, activity: DrawActivity, found: _Found,
                      now: datetime) -> tuple[ReplyOutcome, list[dict[str, Any]] | None]:
        """Confirmed, or released (the quota is full, or the expert is confirmed elsewhere
        at the same time); with the conditions' progress (waves.ADVANCE_SQL) read after."""
        invitation, notice = found.invitation, found.notice
        invitation.replied_at = now
        # a sanction decided after the invitation went out (实施条例 Art. 71/72): not confirmed
        barred = found.sanctioned
        # a relative confirmed in the committee since it went out (GD-CG-1 Art. 21)
        related = not barred and found.kin
        if found.confirmed >= found.planned or found.booked or barred or related:
            invitation.status = InvitationStatus.RELEASED
            full = found.confirmed >= found.planned
            invitation.reason = SANCTIONED if barred else KIN if related \
                else "名额已满" if full else "同一时段已有评标"
            await invitation.save(update_fields=["status", "replied_at", "reason",
                                                 "answered_via"])
            return ReplyOutcome("released", invitation, notice), None
        # a venue code no other expert of the activity has, set in the same statement as
        # the status (one in a million is taken: another is drawn)
        progress = await _confirm(invitation, activity, now)
        counts = counts_of(progress)
        await notify_agency(change, activity, "draw.progress", progress=counts.text,
                            agency=found.agency)
        if counts.confirmed >= counts.planned and activity.status in RUNNING:
            await self.waves.end(change, activity, "complete")
        return ReplyOutcome("confirmed", invitation, notice, found.identity), progress

    async def set_reason(self, invitation_id: int, person_id: int, reason: str) -> None:
        await Invitation.filter(id=invitation_id, person_id=person_id,
                                status__in=[InvitationStatus.DECLINED,
                                            InvitationStatus.AVOIDED]).update(
            reason=reason.strip()[:100])
        avoided = await Invitation.filter(id=invitation_id, person_id=person_id,
                                          status=InvitationStatus.AVOIDED).first()
        if avoided is not None:  # a 需回避's reason given after the digit
            activity = await DrawActivity.get(id=avoided.activity_id)
            await said_by_expert(activity.project_id, avoided.expert_id,
                                             reason.strip()[:100], datetime.now(UTC))
