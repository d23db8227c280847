"""Every notification kind there is (texts: texts/notify/<kind>/, words:
texts/words/notification_kind.j2), as a type: a kind is written as its string
("draw.ended") and mypy refuses one not listed, so a typo fails `make test` before any
notification is queued; `known_kind` refuses one at run time too (a kind from stored data).
tests/house/test_notification_kinds.py holds the list against every `notify(...)` call in
the code and against texts/ both ways."""

from __future__ import annotations

from typing import Literal, cast, get_args

NotificationKind = Literal[
    "account.deregistered",
    "account.locked",
    "account.register_attempt",
    "agency.link_answered",
    "agency.link_request",
    "application.approved",
    "application.formal",
    "application.industry_passed",
    "application.in_notice",
    "application.rejected",
    "application.returned",
    "application.stage_passed",
    "application.submitted",
    "chat.reply",
    "course.failed",
    "course.paid",
    "course.passed",
    "course.published",
    "draw.absence_registered",
    "draw.absence_undone",
    "draw.arrival",
    "draw.awaiting_verification",
    "draw.cancelled",
    "draw.ended",
    "draw.gathering_changed",
    "draw.invitation",
    "draw.invitation.call",
    "draw.not_arrived",
    "draw.lent_absent",
    "draw.lent_fees",
    "draw.lent_asked",
    "draw.lent_wanted",
    "draw.place_opened",
    "draw.kin_kept",
    "draw.kin_pending",
    "draw.kin_released",
    "draw.kin_to_confirm",
    "draw.place_released",
    "draw.progress",
    "draw.recalled",
    "draw.refused",
    "draw.reminder",
    "draw.shortage",
    "draw.started",
    "draw.unsealed",
    "draw.urge",
    "draw.verified",
    "draw.withdrawal_refused",
    "draw.withdrawn",
    "evaluation.review_due",
    "exam.failed",
    "exam.invitation",
    "exam.marking",
    "exam.passed",
    "expert.appeal_ruled",
    "expert.relatives_yearly",
    "expert.sanctioned",
    "expert.yearly_account",
    "fee.forfeit",
    "fee.payout_account",
    "fee.payout_closed",
    "fee.payout_paid",
    "fee.payout_ready",
    "fee.payout_transferred",
    "feedback.answered",
    "holiday.missing",
    "payment.duplicate",
    "payment.invoice_reversed",
    "payment.invoiced",
    "payment.paid",
    "payment.refunded",
    "performance.due",
    "performance.recorded",
    "performance.reviewed",
    "register.phone_differs",
    "review.waiting",
    "objection.raised",
    "objection.ruled",
    "sms.reply",
    "support.ended",
    "support.reply",
    "system.test",
    "wechat.cancelled",
    "training.scheduled",
    "unit.added",
    "unit.declined",
    "unit.requested",
]
KINDS: frozenset[str] = frozenset(get_args(NotificationKind))


def known_kind(kind: str) -> NotificationKind:
    """The kind, or ValueError naming it: a kind without texts would reach nobody."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}: add it to NotificationKind "
                         "(services/notifications/kind_registry.py), texts/notify/ and "
                         "texts/words/notification_kind.j2")
    return cast(NotificationKind, kind)
