"""Calls through a middle number (虚拟呼叫, GD-DRAW) and the 复评 decided by them: the staff
bind their own phone and an expert's to a middle number, dial it, and record what came of
the call. The answers never carry the expert's phone, and the staff's only masked."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path, actor
from miniapp_api.schemas import Model
from services.common.pii import public
from services.draws.followups import CallView

api = Api()


class RecordOut(Model):
    from_staff: bool = Field(description="true：工作人员拨出；false：专家回拨")
    dialled_at: datetime
    answered: bool
    seconds: int = Field(description="通话时长（秒），未接通为0")
    recorded: bool = Field(description="服务商已录音")


class CallOut(Model):
    id: int
    purpose: str = Field(description="recall 复评通知 / urge 虚拟电话催促 / withdrawal 退选通知")
    expert_id: int
    expert: str = Field(description="专家姓名")
    invitation_id: int | None
    staff: str = Field(description="发起呼叫的工作人员（姓名脱敏）")
    staff_phone: str = Field(description="工作人员用于拨打的本人电话（脱敏）")
    middle_number: str | None = Field(description="虚拟号码：工作人员用本人电话拨打它接通专家")
    expires_at: datetime
    state: str = Field(description="bound 可拨打 / ended 已结束 / failed 未能绑定")
    outcome: str | None = Field(description="recall: attend / decline / unreached；urge: coming / "
                                            "not_coming / unreached；withdrawal: informed / "
                                            "unreached")
    agreed_gather_at: datetime | None
    note: str
    created_at: datetime
    records: list[RecordOut]


class CallsOut(Model):
    calls: list[CallOut]


class PlaceIn(Model):
    purpose: str = Field(pattern="^(recall|urge|withdrawal)$")
    target: int = Field(ge=1, le=2**63 - 1, description=(
        "recall：原评标专家的 expert_id；urge、withdrawal：专家的 invitation_id"))
    staff_phone: str = Field(max_length=20, description=(
        "工作人员本人电话（手机或带区号的固话）；只交给服务商绑定，不保存、不显示给专家"))


class OutcomeIn(Model):
    outcome: str = Field(pattern="^(attend|decline|unreached|coming|not_coming|informed)$")
    gather_at: datetime | None = Field(default=None, description="复评“参加”时与专家商定的集合时间")
    note: str = Field(default="", max_length=100)


class OriginalOut(Model):
    expert_id: int
    name: str
    outcome: str | None = Field(description="最近一次登记的结果；为空表示尚未联系")
    agreed_gather_at: datetime | None
    calls: int


class RecallOut(Model):
    experts: list[OriginalOut]
    ready: bool = Field(description="每位原专家都已登记参加或不参加，可以提交")


def call_out(view: CallView) -> CallOut:
    c = view.call
    return CallOut(
        id=c.id, purpose=c.purpose, expert_id=c.expert_id, expert=view.expert,
        invitation_id=c.invitation_id, staff=c.staff_name, staff_phone=c.staff_phone,
        # the middle number is the provider's, not a person's: shown as it is
        middle_number=public(c.middle_number) if c.middle_number and c.state == "bound"
        else None, expires_at=c.expires_at, state=c.state,
        outcome=c.outcome, agreed_gather_at=c.agreed_gather_at, note=c.note,
        created_at=c.created_at, records=[RecordOut(
            from_staff=r.from_staff, dialled_at=r.dialled_at,
            answered=r.answered_at is not None, seconds=r.seconds, recorded=r.recorded)
            for r in sorted(c.records, key=lambda r: r.dialled_at)])


@api.route("GET", "/draws/activities/{activity_id}/calls", access=AGENCY, response=CallsOut,
           summary="本活动的虚拟呼叫及其通话记录", tag=TAG)
async def list_calls(call: Call) -> CallsOut:
    activity = await activity_in_path(call)
    return CallsOut(calls=[call_out(v) for v in
                           await call.domain.draws.followups.virtual_calls.of_activity(activity)])


@api.route("POST", "/draws/activities/{activity_id}/calls", access=AGENCY, body=PlaceIn,
           response=CallOut, tag=TAG,
           summary="发起虚拟呼叫：绑定工作人员与专家的电话到一个虚拟号码")
async def place_call(call: Call, body: PlaceIn) -> CallOut:
    activity = await activity_in_path(call)
    calls = call.domain.draws.followups.virtual_calls
    made = await calls.place(activity, body.purpose,  # type: ignore[arg-type]
                             body.target, body.staff_phone, call.now, actor(call))
    return call_out(await calls.call_view(made))


@api.route("POST", "/draws/activities/{activity_id}/calls/{call_id}/outcome", access=AGENCY,
           body=OutcomeIn, response=CallOut, tag=TAG,
           summary="登记通话结果（随即解除虚拟号码绑定）")
async def call_outcome(call: Call, body: OutcomeIn) -> CallOut:
    activity = await activity_in_path(call)
    done = await call.domain.draws.followups.virtual_calls.finish(
        activity, call.path_int("call_id"), body.outcome, call.now, actor(call),
        gather_at=body.gather_at, note=body.note)
    return call_out(await call.domain.draws.followups.virtual_calls.call_view(done))


@api.route("GET", "/draws/activities/{activity_id}/recall", access=AGENCY, response=RecallOut,
           summary="复评通知：原评标专家与各自的沟通结果", tag=TAG)
async def recall_state(call: Call) -> RecallOut:
    activity = await activity_in_path(call)
    rows = await call.domain.draws.followups.recall.originals(activity)
    return RecallOut(experts=[OriginalOut(
        expert_id=o.expert_id, name=o.name, outcome=o.outcome,
        agreed_gather_at=o.agreed_gather_at, calls=o.calls) for o in rows],
        ready=bool(rows) and all(o.outcome in ("attend", "decline") for o in rows))


@api.route("POST", "/draws/activities/{activity_id}/recall/start", access=AGENCY,
           response=RecallOut, tag=TAG,
           summary="开始复评通知：以虚拟呼叫逐一联系原评标专家（核验通过后）")
async def recall_start(call: Call) -> RecallOut:
    await call.domain.draws.followups.recall.begin(await activity_in_path(call), call.now,
                                                   actor(call))
    return await recall_state(call)


@api.route("POST", "/draws/activities/{activity_id}/recall/submit", access=AGENCY,
           response=RecallOut, tag=TAG,
           summary="提交复评参评情况与集合时间（一次）：参加的专家收到书面通知")
async def recall_submit(call: Call) -> RecallOut:
    await call.domain.draws.followups.recall.submit(await activity_in_path(call), call.now,
                                                    actor(call))
    return await recall_state(call)
