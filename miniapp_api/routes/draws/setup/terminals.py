"""选择提交终端 (GD-DRAW): the trading centres an activity's request may go to — those that
cover its project and have verifiers — and the one it went to or will go to by default."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path
from miniapp_api.schemas import Model

api = Api()


class TerminalOut(Model):
    region: str = Field(description="交易中心服务的地区代码（提交时作为 terminal）")
    name: str = Field(description="交易中心名称，如 广东省公共资源交易中心")


class TerminalsOut(Model):
    terminals: list[TerminalOut] = Field(description="覆盖本项目所在地、且有核验员的交易中心")
    chosen: TerminalOut | None = Field(
        description="已提交的申请所在的终端；未提交时为默认选择（上次所选或最近的一个）")


@api.route("GET", "/draws/activities/{activity_id}/terminals", access=AGENCY,
           response=TerminalsOut, summary="选择提交终端：可提交核验的交易中心", tag=TAG)
async def terminals(call: Call) -> TerminalsOut:
    activity = await activity_in_path(call)
    texts = call.services.texts
    project = await activity.project
    listed = await call.domain.draws.setup.terminals.offered(texts, project, call.now)
    editable = activity.status in ("draft", "refused")  # not yet (again) submitted
    code = await call.domain.draws.setup.terminals.chosen_terminal(texts, activity, None,
                                                                   call.now) if editable \
        else activity.terminal
    return TerminalsOut(
        terminals=[TerminalOut(region=t.region, name=t.name) for t in listed],
        chosen=TerminalOut(region=code, name=call.domain.draws.setup.terminals.terminal_name(
            texts, code)) if code else None)
