"""WeChat's privacy events (WX-MP-PRIVACY, 授权用户信息变更), applied when the push arrives:

- `user_info_modified` (WeChat cleaned a risky nickname or avatar: "及时主动更新或清理用户的头像
  及昵称") and `user_authorization_revoke` (the user withdrew what `RevokeInfo` names: "请开发
  者注意及时删除用户信息") are recorded; the service holds nothing WeChat could clean or the
  user could withdraw (it never asks WeChat for a nickname, an avatar, a phone number, an
  address, an e-mail, invoice titles, locations or files: see SCOPES), so nothing else
  changes and nobody is told;
- `user_authorization_cancellation` (the WeChat account no longer exists: "请依法依规及时履行
  相应个人信息保护义务"): every identity of that WeChat user (the openid, and the other app's
  by the unionid) is unbound and stripped (no unionid, no subscribe-message consents, not a
  follower, no last interaction), so nothing reaches or signs in as that account again; the
  person, whose record the library keeps by law, is told by SMS that WeChat no longer
  reaches them and how to bind another (docs/rules-that-are-ours.md).

Each push applies once: WeChat retries an unanswered push, and the record's key is a digest
of the push (never the openid itself)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models.notifications import SubscribeConsent
from models.wechat import Channel, WeChatIdentity, WeChatPrivacyEvent
from services.common.clock import china_time
from services.notifications import Outbox

log = logging.getLogger(__name__)

INFO_MODIFIED = "user_info_modified"
REVOKE = "user_authorization_revoke"
CANCELLATION = "user_authorization_cancellation"
EVENTS = (INFO_MODIFIED, REVOKE, CANCELLATION)

# RevokeInfo as the mini-program's 授权用户信息变更 lists it (the official account's web
# pages have 201-207, the mobile app 301). The service asks WeChat for none of them: no
# getPhoneNumber (phones come from registration, with an SMS code), no nickname or avatar,
# no chooseAddress / chooseInvoiceTitle / location; an uploaded file is the application's
# material, kept under the library's legal duty (PIPL Art. 13), not under WeChat's consent.
SCOPES: dict[int, str] = {
    1: "车牌号", 2: "地址", 3: "发票信息", 4: "蓝牙", 5: "麦克风", 6: "昵称和头像",
    7: "摄像头", 8: "手机号", 12: "微信运动步数", 13: "位置信息", 14: "选中的图片或视频",
    15: "选中的文件", 16: "邮箱地址", 18: "选择的位置信息", 19: "昵称输入键盘中选择的微信昵称",
    20: "获取用户头像组件中选择的微信头像",
    201: "地址", 202: "发票信息", 203: "卡券信息", 204: "麦克风", 205: "昵称和头像",
    206: "位置信息", 207: "选中的图片或视频", 301: "全部授权信息"}


@dataclass(frozen=True)
class PrivacyEvent:
    """One privacy push as the message server read it."""

    event: str  # one of EVENTS
    openid: str  # the user's (the push's OpenID, not its FromUserName)
    create_time: int
    channel: str = Channel.MINI_PROGRAM
    unionid: str | None = None
    scopes: tuple[int, ...] = ()  # RevokeInfo

    @property
    def key(self) -> str:
        """The push's identity across WeChat's retries (a digest: no openid is kept)."""
        text = f"{self.channel}:{self.openid}:{self.create_time}:{self.event}:{self.scopes}"
        return hashlib.sha256(text.encode()).hexdigest()


class WeChatPrivacy:
    """Applies WeChat's privacy events (see the module's docstring)."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def apply(self, event: PrivacyEvent, now: datetime) -> bool:
        """Apply the event; False when this push was applied before (WeChat's retry)."""
        if event.event not in EVENTS:
            raise ValueError(f"not a privacy event: {event.event!r}")
        if await WeChatPrivacyEvent.exists(key=event.key):
            return False
        identity = await WeChatIdentity.get_or_none(openid=event.openid)
        try:
            async with self.outbox.change(now) as change:
                await WeChatPrivacyEvent.create(
                    key=event.key, person_id=identity.person_id if identity else None,
                    channel=event.channel, event=event.event, scopes=list(event.scopes),
                    applied_at=now)
                if event.event == CANCELLATION:
                    for person_id in await self._cancelled(event, identity):
                        await change.notify("wechat.cancelled", {"at": china_time(now)},
                                            person_id=person_id)
        except IntegrityError:  # the same push, applied meanwhile by another process
            return False
        log.info("applied WeChat's %s (%d scopes)", event.event, len(event.scopes))
        return True

    @staticmethod
    async def _cancelled(event: PrivacyEvent, identity: WeChatIdentity | None) -> set[int]:
        """Unbind and strip every identity of the deleted WeChat account; the persons who
        were bound to one."""
        unionid = event.unionid or (identity.unionid if identity else None)
        match = Q(openid=event.openid) | Q(unionid=unionid) if unionid else \
            Q(openid=event.openid)
        found = await WeChatIdentity.filter(match)
        if not found:
            return set()
        await WeChatIdentity.filter(id__in=[i.id for i in found]).update(
            person_id=None, bound_at=None, unionid=None, subscribed=False, last_seen_at=None)
        await SubscribeConsent.filter(
            mp_openid__in=[i.openid for i in found if i.channel == Channel.MINI_PROGRAM]
        ).delete()
        return {i.person_id for i in found if i.person_id is not None}
