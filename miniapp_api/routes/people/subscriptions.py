"""Mini-program subscribe messages: which templates to ask consent for, and the consents the
user gave (wx.requestSubscribeMessage). One consent lets one message through."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model, Ok

api = Api()
TAG = "订阅消息"


class TemplatesOut(Model):
    templates: dict[str, str] = Field(description="通知类型 -> 订阅消息模板 id")


class ConsentIn(Model):
    accepted: list[str] = Field(max_length=20, description="用户同意的模板 id")


@api.route("GET", "/subscriptions/templates", access=Access.SESSION, response=TemplatesOut,
           summary="需要用户授权的订阅消息模板", tag=TAG)
async def templates(call: Call) -> TemplatesOut:
    return TemplatesOut(templates=dict(call.services.subscribe_templates))


@api.route("POST", "/subscriptions", access=Access.SESSION, body=ConsentIn, response=Ok,
           summary="记录用户的订阅授权（每次授权可发送一条）", tag=TAG)
async def consent(call: Call, body: ConsentIn) -> Ok:
    await call.domain.outbox.consents.record_consents(
        call.caller.need_identity().openid, body.accepted,
        set(call.services.subscribe_templates.values()))
    return Ok(message=call.said("recorded"))
