"""The centre's knowledge base (常见问题 and 办理指南, services/help): each entry as the
administrator keeps it, every version kept; the questions the 智能客服 was asked; and the
人工客服 conversations the centre's staff answer."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.orm.base import Model


class HelpEntry(Model):
    """One entry of the knowledge base as it reads now.

    Shipped from texts/help/knowledge.toml, then kept by the administrator."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=8)  # faq (常见问题) / guide (办理指南)
    process = fields.CharField(max_length=16)
    audiences: list[str] = fields.JSONField(default=list)
    title = fields.CharField(max_length=100)
    keywords: list[str] = fields.JSONField(default=list)
    similar: list[str] = fields.JSONField(default=list)  # 相似问法
    body = fields.TextField()
    version = fields.IntField(default=1)
    retired = fields.BooleanField(default=False)  # withdrawn by the administrator: not shown
    edited_by = fields.BigIntField(null=True)  # the last administrator; None: as shipped
    updated_at = fields.DatetimeField()

    class Meta:
        table = "help_entry"


class HelpEntryVersion(Model):
    """One version of an entry: what it said, who made it and why."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=64, db_index=True)
    version = fields.IntField()
    title = fields.CharField(max_length=100)
    audiences: list[str] = fields.JSONField(default=list)
    keywords: list[str] = fields.JSONField(default=list)
    similar: list[str] = fields.JSONField(default=list)
    body = fields.TextField()
    retired = fields.BooleanField(default=False)
    edited_by = fields.BigIntField(null=True)  # None: the shipped text
    edited_at = fields.DatetimeField()
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "help_entry_version"
        unique_together = (("key", "version"),)


class HelpQuestion(Model):
    """A question the 智能客服 was asked, masked, and the entry that answered it (if any)."""

    id = fields.BigIntField(primary_key=True)
    openid = fields.CharField(max_length=64, db_index=True)  # the asker in chat
    person_id = fields.BigIntField(null=True)
    question = fields.CharField(max_length=200)  # masked (phones, ID numbers)
    answered_key = fields.CharField(max_length=64, default="")  # "": not sure
    # what ranked the entries (services.help.Mode): lexical, local or province
    ranked_by = fields.CharField(max_length=16, default="lexical")
    asked_at = fields.DatetimeField(db_index=True)
    # where it was asked: chat, miniapp, web (the 帮助中心's search) or sms
    channel = fields.CharField(max_length=8, default="chat", db_default="chat")
    top_key = fields.CharField(max_length=64, default="", db_default="")  # the closest entry
    token = fields.CharField(max_length=24, default="", db_default="")  # for 有用 / 没用
    feedback = fields.CharField(max_length=8, default="", db_default="")  # useful / useless
    feedback_at = fields.DatetimeField(null=True)

    class Meta:
        table = "help_question"


class ReviewState(StrEnum):
    OPEN = "open"  # waiting for the administrator
    ATTACHED = "attached"  # the question added to an entry as a 相似问法
    WRITTEN = "written"  # a new entry written for it
    DISMISSED = "dismissed"  # nothing to do


class ReviewReason(StrEnum):
    USELESS = "useless"  # answered, and the asker said 没用
    UNSURE = "unsure"  # the 智能客服 was not sure


class HelpReview(Model):
    """A question the administrator is asked to look at (帮助中心内容): answered and found 没用,
    or one the 智能客服 was not sure of; the same words asked again count on the open item."""

    id = fields.BigIntField(primary_key=True)
    question = fields.CharField(max_length=200)  # masked
    words = fields.CharField(max_length=200, db_index=True)  # the question compared
    reason = fields.CharField(max_length=8)
    answered_key = fields.CharField(max_length=64, default="")  # the entry found 没用
    times = fields.IntField(default=1)
    state = fields.CharField(max_length=10, default=ReviewState.OPEN, db_index=True)
    entry_key = fields.CharField(max_length=64, default="")  # attached to, or written
    opened_at = fields.DatetimeField()
    last_at = fields.DatetimeField()  # the latest time it was asked

    class Meta:
        table = "help_review"


class HelpReviewStep(Model):
    """One step of a review item's history: who did what, when."""

    id = fields.BigIntField(primary_key=True)
    review_id = fields.BigIntField(db_index=True)
    state = fields.CharField(max_length=10)
    entry_key = fields.CharField(max_length=64, default="")
    by = fields.BigIntField(null=True)  # None: the system opened it
    at = fields.DatetimeField()
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "help_review_step"


class SupportState(StrEnum):
    QUEUED = "queued"  # waiting for the centre's staff
    ANSWERED = "answered"  # the staff replied; the asker may write again
    CLOSED = "closed"


class SupportTicket(Model):
    """A person's request for a human (人工客服), and the conversation that follows."""

    id = fields.BigIntField(primary_key=True)
    openid = fields.CharField(max_length=64, db_index=True)
    person_id = fields.BigIntField(null=True)
    roles: list[str] = fields.JSONField(default=list)  # the asker's roles when they asked
    state = fields.CharField(max_length=10, default=SupportState.QUEUED, db_index=True)
    opened_at = fields.DatetimeField()
    asked_at = fields.DatetimeField()  # the asker's last message
    answered_at = fields.DatetimeField(null=True)  # the staff's last reply
    closed_at = fields.DatetimeField(null=True)
    closed_by = fields.BigIntField(null=True)  # a staff member; None: the asker
    # a callback asked for by SMS (回复 人工): the number the staff call back, sealed at rest
    # (services/help/support.py), and as every page shows it
    callback_phone_enc = fields.TextField(default="")
    callback_phone_masked = fields.CharField(max_length=20, default="")

    class Meta:
        table = "support_ticket"


class SupportMessage(Model):
    """One message of a 人工客服 conversation: the asker's (masked) or the staff's."""

    id = fields.BigIntField(primary_key=True)
    ticket_id = fields.BigIntField(db_index=True)
    from_staff = fields.BooleanField(default=False)
    staff_id = fields.BigIntField(null=True)
    text = fields.TextField()
    at = fields.DatetimeField()

    class Meta:
        table = "support_message"
