"""Urges and calls at the seams (GD-DRAW "查看专家入场情况及语音催促": "在专家未进场
且在专家集合时间至集合时间后 30 分钟的时间段，才能发起系统语音催促或虚拟通话催促，系统语音催促最多
3 次"): every urge reaches the expert by WeChat or SMS, the system's calls stop at three
whoever asked for them (the automatic urges at +0/+10/+20 minutes, then the agency's); an
urge or a call whose point is gone when the relay reaches it (the expert checked in, the
invitation was answered by a transaction that raced the call) is not sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestServer

from bot.relay.channels import CHANNELS
from models.draws import DrawActivity, DrawStatus, Invitation, InvitationStatus, Notice
from models.notifications import Notification, Status
from sandbox.platform import Platform
from services.common.pii import mask_phone
from services.draws.followups.withdrawal_report import WithdrawalReport
from services.draws.running.calls import call_key
from tests.support.draw_world import invited_by_sms
from tests.support.voice import call_queued, voice_world, withdraw_evaluation
from web.context import DOMAIN


async def _confirmed(app: Any, person_id: int, now: datetime) -> tuple[Invitation, Notice]:
    """An expert who confirmed by SMS, the evaluation's draw ended."""
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    await app[DOMAIN].draws.running.replies.reply(invitation.id, person_id, 1, now, via="sms")
    await DrawActivity.filter(id=invitation.activity_id).update(status=DrawStatus.ENDED)
    return invitation, await Notice.get(activity_id=invitation.activity_id)


async def test_the_three_calls_are_the_agency_s_clicks_never_the_system_s(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                        platform)
    fake.limits = ()  # Tencent's own per-number limits are the fake's test
    domain, relay = app[DOMAIN], app[CHANNELS].relay
    invitation, notice = await _confirmed(app, person_id, datetime.now(UTC))
    gather = notice.gather_at
    for minutes in (0, 10, 20):  # URGE_MINUTES: the system's own reminders, messages only
        counts = await domain.draws.venue.attendance.sweep(gather + timedelta(minutes=minutes))
        assert counts["urged"] == 1
        await Notification.filter(status=Status.QUEUED).update(
            next_attempt_at=datetime.now(UTC))
        await relay.run()
    assert len([t for t in platform.sms_to(phone) if "尚未签到" in t]) == 3
    assert not [t for t in platform.calls_to(phone) if "尚未签到" in t]
    # GD-DRAW: "可点击系统语音催促…最多 3 次" — the agency's three clicks, a call each
    activity = await DrawActivity.get(id=invitation.activity_id)
    for minutes in (21, 24, 27):
        await domain.draws.venue.attendance.urge(invitation.id, gather + timedelta(minutes=minutes),
                                                 "代理机构", manual=True)
        await Notification.filter(status=Status.QUEUED).update(
            next_attempt_at=datetime.now(UTC))
        await relay.run()
    assert len([t for t in platform.calls_to(phone) if "尚未签到" in t]) == 3
    assert len([t for t in platform.sms_to(phone) if "尚未签到" in t]) == 6
    assert activity.status == DrawStatus.ENDED


async def test_an_urge_is_not_sent_once_the_expert_has_checked_in(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """Urged at the gathering time; the expert scans the venue's code before the relay
    gets to the urge: neither its SMS nor its call goes out."""
    app, _client, _fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                         platform)
    domain = app[DOMAIN]
    invitation, notice = await _confirmed(app, person_id, datetime.now(UTC))
    at = notice.gather_at + timedelta(minutes=1)
    await domain.draws.venue.attendance.urge(invitation.id, at, "系统", manual=False)
    await domain.draws.venue.attendance.checkin(invitation.activity_id, person_id, at)
    assert (await Invitation.get(id=invitation.id)).checkin_at is not None
    await Notification.filter(status=Status.QUEUED).update(next_attempt_at=datetime.now(UTC))
    await app[CHANNELS].relay.run()
    assert not [t for t in platform.sms_to(phone) if "尚未签到" in t]
    assert not [t for t in platform.calls_to(phone) if "尚未签到" in t]
    for row in await Notification.filter(kind="draw.urge"):
        assert row.status == Status.SKIPPED and "checked in" in (row.last_error or "")


async def test_a_call_queued_by_a_transaction_that_raced_the_answer_is_not_placed(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """The answer (by SMS, say) commits while the call job's row is being written: the
    answer's clean-up cannot see the row; the relay asks before it dials."""
    app, _client, _fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                         platform)
    now = datetime.now(UTC)
    invitation, _call = await call_queued(app, person_id, now)
    # the answer as it lands when it raced: the invitation confirmed, the call still queued
    await Invitation.filter(id=invitation.id).update(status=InvitationStatus.CONFIRMED,
                                                     code="123456", replied_at=now)
    await app[CHANNELS].relay.run()
    assert platform.calls_to(phone) == []
    row = await Notification.get(dedupe_key=call_key(invitation.id, 1))
    assert row.status == Status.SKIPPED and "answered or closed" in (row.last_error or "")


async def test_a_withdrawal_called_three_times_unanswered_shows_undelivered(
        aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
        platform: Platform) -> None:
    """GD-DRAW 退选: "如 3 次拨打专家电话未接通，语音通知状态显示为'未送达'" — the agency's
    table then shows 拨打次数 3, 未送达, and the SMS's own state; the staff reach the expert
    another way and record it."""
    app, _client, fake, person_id, phone = await voice_world(aiohttp_client, infra, wechat,
                                                        platform)
    fake.limits = ()
    domain, relay = app[DOMAIN], app[CHANNELS].relay
    now = datetime.now(UTC)
    invitation, _ = await _confirmed(app, person_id, now)
    await withdraw_evaluation(invitation.activity_id, now)
    activity = await DrawActivity.get(id=invitation.activity_id)
    async with domain.outbox.change(now) as change:
        await domain.draws.followups.withdrawals._tell(change, activity, await Invitation.get(
            id=invitation.id))
    for minutes in (0, 10, 20):  # the notice again every 10 minutes while unacknowledged
        if minutes:
            assert await domain.draws.followups.withdrawals.renotify(
                now + timedelta(minutes=minutes)) == 1
        await Notification.filter(status=Status.QUEUED).update(
            next_attempt_at=datetime.now(UTC))
        await relay.run()
        (ringing,) = fake.ringing(phone)
        assert await fake.miss(ringing.callid) == [200, 200]
        # once unsealed
        (row,) = await WithdrawalReport.withdrawal_follow_up(activity, activity.eval_start)
        assert row.calls == minutes // 10 + 1
        assert row.voice == ("undelivered" if minutes == 20 else "calling")
    assert (row.notices, row.message_channel) == (3, "sms") and row.message_status == "sent"
    assert row.phone == mask_phone(phone) and row.invitation.acknowledged_at is None
    assert await domain.draws.followups.withdrawals.renotify(now + timedelta(minutes=30)) == 0
