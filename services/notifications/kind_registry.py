"""Every notification kind there is (texts: texts/notify/<kind>/, words:
texts/words/notification_kind.j2). A kind not listed here cannot be queued (Change.notify
refuses it); tests/house/test_notification_kinds.py holds the list against every
`notify(...)` call in the code and against texts/ both ways."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    ACCOUNT_DEREGISTERED = "account.deregistered"
    ACCOUNT_LOCKED = "account.locked"
    ACCOUNT_REGISTER_ATTEMPT = "account.register_attempt"
    APPLICATION_APPROVED = "application.approved"
    APPLICATION_FORMAL = "application.formal"
    APPLICATION_IN_NOTICE = "application.in_notice"
    APPLICATION_REJECTED = "application.rejected"
    APPLICATION_RETURNED = "application.returned"
    APPLICATION_STAGE_PASSED = "application.stage_passed"
    APPLICATION_SUBMITTED = "application.submitted"
    CHAT_REPLY = "chat.reply"
    COURSE_FAILED = "course.failed"
    COURSE_PAID = "course.paid"
    COURSE_PASSED = "course.passed"
    COURSE_PUBLISHED = "course.published"
    DRAW_ABSENCE_REGISTERED = "draw.absence_registered"
    DRAW_ABSENCE_UNDONE = "draw.absence_undone"
    DRAW_ARRIVAL = "draw.arrival"
    DRAW_AWAITING_VERIFICATION = "draw.awaiting_verification"
    DRAW_CANCELLED = "draw.cancelled"
    DRAW_ENDED = "draw.ended"
    DRAW_GATHERING_CHANGED = "draw.gathering_changed"
    DRAW_INVITATION = "draw.invitation"
    DRAW_INVITATION_CALL = "draw.invitation.call"
    DRAW_NOT_ARRIVED = "draw.not_arrived"
    DRAW_PLACE_OPENED = "draw.place_opened"
    DRAW_PLACE_RELEASED = "draw.place_released"
    DRAW_PROGRESS = "draw.progress"
    DRAW_RECALLED = "draw.recalled"
    DRAW_REFUSED = "draw.refused"
    DRAW_REMINDER = "draw.reminder"
    DRAW_SHORTAGE = "draw.shortage"
    DRAW_STARTED = "draw.started"
    DRAW_UNSEALED = "draw.unsealed"
    DRAW_URGE = "draw.urge"
    DRAW_VERIFIED = "draw.verified"
    DRAW_WITHDRAWAL_REFUSED = "draw.withdrawal_refused"
    DRAW_WITHDRAWN = "draw.withdrawn"
    EXAM_FAILED = "exam.failed"
    EXAM_INVITATION = "exam.invitation"
    EXAM_MARKING = "exam.marking"
    EXAM_PASSED = "exam.passed"
    EXPERT_APPEAL_RULED = "expert.appeal_ruled"
    EXPERT_SANCTIONED = "expert.sanctioned"
    FEE_PAYOUT_ACCOUNT = "fee.payout_account"
    FEE_PAYOUT_CLOSED = "fee.payout_closed"
    FEE_PAYOUT_PAID = "fee.payout_paid"
    FEE_PAYOUT_READY = "fee.payout_ready"
    FEE_PAYOUT_TRANSFERRED = "fee.payout_transferred"
    FEEDBACK_ANSWERED = "feedback.answered"
    PAYMENT_DUPLICATE = "payment.duplicate"
    PAYMENT_INVOICE_REVERSED = "payment.invoice_reversed"
    PAYMENT_INVOICED = "payment.invoiced"
    PAYMENT_PAID = "payment.paid"
    PERFORMANCE_DUE = "performance.due"
    PERFORMANCE_RECORDED = "performance.recorded"
    PERFORMANCE_REVIEWED = "performance.reviewed"
    REGISTER_PHONE_DIFFERS = "register.phone_differs"
    REVIEW_WAITING = "review.waiting"
    SMS_REPLY = "sms.reply"
    SYSTEM_TEST = "system.test"


def known_kind(kind: str) -> NotificationKind:
    """The kind, or ValueError naming it: a kind without texts would reach nobody."""
    try:
        return NotificationKind(kind)
    except ValueError:
        raise ValueError(f"unknown notification kind {kind!r}: add it to NotificationKind "
                         "(services/notifications/kind_registry.py), texts/notify/ and "
                         "texts/words/notification_kind.j2") from None
