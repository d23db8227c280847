"""Voice calls through the fake provider: the service and an invited expert, and a
withdrawn evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.providers.voice.tencent import sandbox_voice
from bot.relay.channels import CHANNELS
from config.app import create_app
from models.draws import DrawActivity, DrawStatus, Invitation
from models.notifications import Notification
from sandbox.app import register_templates
from sandbox.fake_tencent_vms import TENCENT_VMS, TencentVmsFake, stand_in
from sandbox.platform import Platform
from services.common.texts import Texts
from services.draws.running.calls import call_key
from tests.support.draw_world import invited_by_sms
from tests.support.settings import make_settings
from tests.support.sms import sms_only_expert
from tests.support.world import reset_state
from web.context import DOMAIN


async def voice_world(aiohttp_client: Any, infra: dict[str, str], wechat: TestServer,
                 platform: Platform, **extra: object
                 ) -> tuple[web.Application, TestClient, TencentVmsFake, int, str]:
    """The service calling through the sandbox's stand-in VMS account, the fake VMS pushing
    its callbacks to it, and the demo expert, who does not follow the official account."""
    api_base = str(wechat.make_url("")).rstrip("/")
    settings = make_settings(infra, WECHAT_API_BASE=api_base, EXPERTBOT_INPROCESS_WORKER=False,
                             VOICE_PROVIDER="sandbox", **extra)
    app = create_app(settings)
    client = await aiohttp_client(app)
    await reset_state(app)
    register_templates(platform, app[CHANNELS].notify_texts)
    fake = wechat.app[TENCENT_VMS]
    stand_in(fake, sandbox_voice(settings.secret_key, Texts(settings.texts_dir), api_base),
             str(client.make_url("")))
    person_id, phone = await sms_only_expert(app, platform)
    return app, client, fake, person_id, phone


async def withdraw_evaluation(activity_id: int, now: datetime) -> None:
    """The withdrawal verified and started (test_draw_followups covers the way there)."""
    await DrawActivity.filter(id=activity_id).update(status=DrawStatus.WITHDRAWN, ended_at=now,
                                                     withdraw_reason="项目流标",
                                                     withdrawal_started_at=now)


async def call_queued(app: web.Application, person_id: int, now: datetime
                      ) -> tuple[Invitation, Notification]:
    """An invitation sent by SMS three minutes ago, its first call queued at `now` (not yet
    placed by the relay): the invitation and the call's notification."""
    invitation = await invited_by_sms(person_id, now - timedelta(minutes=3))
    calls = app[DOMAIN].draws.running.calls
    assert calls is not None and await calls.call(invitation.id, 1, now)
    return invitation, await Notification.get(dedupe_key=call_key(invitation.id, 1))
