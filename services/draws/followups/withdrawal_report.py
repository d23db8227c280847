"""How the withdrawal (退选) notice reached each expert of the evaluation, as GD-DRAW's
table has it: "专家姓名 手机号码 拨打次数 语音通知状态 短信发送状态 退选结果" — the name and
phone masked (测*****), the calls placed, the call's state ("接听电话后…语音通知状态显示为
'已送达'；如 3 次拨打专家电话未接通，语音通知状态显示为'未送达'"), the written notice's state
(SMS, or WeChat for an expert who has it), and the acknowledgement. One query for the
notices of all experts, whatever their number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from models.draws import DrawActivity, Invitation
from models.notifications import ChannelKind, Notification, Status
from models.people import Person
from services.common.pii import mask_name, mask_phone
from services.draws.facts.family import serving_seen
from services.draws.facts.seal import Seal
from services.draws.followups.withdrawals import MAX_WITHDRAWAL_NOTICES, TOLD  # GD-DRAW: 3 次拨打

WITHDRAWAL_KIND = "draw.cancelled"
PLACED = (Status.SENT, Status.DELIVERED, Status.FAILED)  # a call the provider took


@dataclass(frozen=True)
class WithdrawalNotice:
    invitation: Invitation
    name: str  # masked: 陈*强
    phone: str  # masked: 138****0002
    notices: int  # withdrawal notices sent (up to 3, 10 minutes apart)
    calls: int  # 拨打次数: calls placed
    voice: VoiceState  # delivered: answered
    message_channel: WrittenChannel | None  # the written notice's
    message_status: WrittenStatus | None
    channel: str | None  # of the last notice, any channel
    delivered: bool  # the last notice reported delivered


VoiceState = Literal["none", "calling", "delivered", "undelivered"]  # none: no call yet
WrittenChannel = Literal["sms", "cs", "template", "subscribe"]
WrittenStatus = Literal["queued", "sending", "sent", "delivered", "failed", "dead"]


def _voice(calls: list[Notification], invitation: Invitation) -> VoiceState:
    if invitation.acknowledged_by == "voice" or any(c.status == Status.DELIVERED
                                                    for c in calls):
        return "delivered"
    if not calls:
        return "none"
    if any(c.status != Status.FAILED for c in calls):
        return "calling"  # queued, or ringing
    # every call so far unanswered: another follows with the next notice, up to three
    return "undelivered" if invitation.withdrawal_notices >= MAX_WITHDRAWAL_NOTICES else "calling"


class WithdrawalReport:
    """How the withdrawal notice reached each expert of the evaluation."""

    @staticmethod
    async def withdrawal_follow_up(activity: DrawActivity, now: datetime
                                   ) -> list[WithdrawalNotice]:
        """Per expert told of the withdrawal (supplementary ones included); while the results
        are sealed without name or phone: who was drawn stays unknown (docs/seal.md)."""
        rows = await serving_seen(activity, now, *TOLD)
        sealed = Seal.check_sealed(activity, now)
        people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows])}
        since = activity.withdraw_requested_at or activity.created_at
        notices: dict[str, list[Notification]] = {}
        for item in await Notification.filter(kind=WITHDRAWAL_KIND, created_at__gte=since,
                                              person_id__in=list(people)).order_by("id"):
            notices.setdefault(str(item.params.get("invitation", "")), []).append(item)
        out = []
        for row in rows:
            mine = notices.get(str(row.id), [])
            calls = [n for n in mine if n.channel == ChannelKind.VOICE
                     or ("voice" not in n.ruled_out_channels() and n.status == Status.QUEUED)]
            written = [n for n in mine if n not in calls]
            last = mine[-1] if mine else None
            person = people.get(row.person_id)
            out.append(WithdrawalNotice(
                row, "" if sealed else mask_name(person.name if person else ""),
                "" if sealed else mask_phone(person.phone if person else ""),
                row.withdrawal_notices,
                sum(1 for c in calls if c.channel == ChannelKind.VOICE and c.status in PLACED),
                _voice(calls, row),
                cast(WrittenChannel, written[-1].channel) if written else None,
                cast(WrittenStatus, written[-1].status) if written else None,
                last.channel if last else None, last is not None and last.status == "delivered"))
        return out
