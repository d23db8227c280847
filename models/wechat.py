"""WeChat identities: who an openid is, whether they follow us, when we last heard from them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tortoise import fields

from models.orm.base import Model

if TYPE_CHECKING:
    from models.people import Person

# The user's last interaction (what they did, for the desk; the customer-service window WeChat
# counts per trigger is kept in Redis, bot/wechat/windows.py). last_seen_at is written at most
# this often, so a chatty user does not cost a write per message.
SEEN_RESOLUTION = timedelta(minutes=5)


class Channel:
    OFFICIAL_ACCOUNT = "oa"
    MINI_PROGRAM = "mp"


class WeChatIdentity(Model):
    """One openid of one app (official account or mini-program)."""

    id = fields.BigIntField(primary_key=True)
    channel = fields.CharField(max_length=2, default=Channel.OFFICIAL_ACCOUNT)
    openid = fields.CharField(max_length=64, unique=True)
    unionid = fields.CharField(max_length=64, null=True, db_index=True)
    # One openid <-> one person, and a person has at most one identity per channel.
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="wechat_identities", null=True,
        on_delete=fields.SET_NULL)
    person_id: int | None  # the column, read without a query
    bound_at = fields.DatetimeField(null=True)
    subscribed = fields.BooleanField(default=False)
    subscribed_at = fields.DatetimeField(null=True)
    unsubscribed_at = fields.DatetimeField(null=True)
    last_seen_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wechat_identity"
        unique_together = (("person", "channel"),)


@dataclass(slots=True)
class IdentityRow:
    """The fields of WeChatIdentity the chat path reads on every push, kept in a Redis cache
    (only the chat path writes them), so a push costs no database round trip for a known
    user. `model()` gives the full row object when a handler asks for it."""

    id: int
    openid: str
    subscribed: bool
    last_seen_at: datetime | None

    @classmethod
    def of(cls, identity: WeChatIdentity) -> IdentityRow:
        return cls(identity.id, identity.openid, identity.subscribed, identity.last_seen_at)

    def needs_seen_update(self, now: datetime) -> bool:
        """True when last_seen_at is stale enough to be worth a write."""
        return self.last_seen_at is None or now - self.last_seen_at >= SEEN_RESOLUTION

    def to_cache(self) -> str:
        seen = self.last_seen_at.isoformat() if self.last_seen_at else None
        return json.dumps({"id": self.id, "o": self.openid, "s": self.subscribed, "l": seen},
                          separators=(",", ":"))

    @classmethod
    def from_cache(cls, raw: str) -> IdentityRow:
        data = json.loads(raw)
        seen = datetime.fromisoformat(data["l"]) if data["l"] else None
        return cls(data["id"], data["o"], data["s"], seen)

    def model(self) -> WeChatIdentity:
        obj = WeChatIdentity(id=self.id, openid=self.openid, subscribed=self.subscribed,
                             last_seen_at=self.last_seen_at)
        obj._saved_in_db = True  # a row that exists: saving it updates, not inserts
        return obj


class Feedback(Model):
    """A suggestion left through the 反馈 chat flow."""

    id = fields.BigIntField(primary_key=True)
    identity: fields.ForeignKeyRelation[WeChatIdentity] = fields.ForeignKeyField(
        "models.WeChatIdentity", related_name="feedback", on_delete=fields.CASCADE,
        db_index=True)
    identity_id: int  # the column, read without a query
    category = fields.CharField(max_length=16)
    content = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # an administrator's answer, sent back to the sender in chat
    answer = fields.TextField(null=True)
    answered_at = fields.DatetimeField(null=True)
    answered_by = fields.CharField(max_length=32, null=True)  # masked name

    class Meta:
        table = "feedback"


class WeChatPrivacyEvent(Model):
    """A privacy event WeChat pushed about one of our users (WX-MP-PRIVACY 授权用户信息变更:
    资料变更, 撤回, 注销) and when the service applied it. The openid is not kept: `key` is a
    digest of the push (openid, CreateTime, event, RevokeInfo), so WeChat's retries of one
    push apply once."""

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    person_id = fields.BigIntField(null=True, db_index=True)  # None: nobody bound
    channel = fields.CharField(max_length=2, default=Channel.MINI_PROGRAM)
    event = fields.CharField(max_length=40)  # services/people/wechat_privacy.py EVENTS
    scopes: list[int] = fields.JSONField(default=list)  # RevokeInfo: what was withdrawn
    applied_at = fields.DatetimeField()

    class Meta:
        table = "wechat_privacy_event"
