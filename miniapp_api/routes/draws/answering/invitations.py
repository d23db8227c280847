"""Draw invitations for experts: the same 1 / 2 / 3 choices as in chat, by tapping."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.draws import Invitation, Notice
from models.people import Role
from services.draws.answering import Answer

api = Api()
TAG = "评标邀请"
EXPERT = {Role.EXPERT}


class InvitationOut(Model):
    id: int
    status: str
    status_title: str = Field(default="", description="status 的文字：待回复、参加、不参加 …")
    gather_at: datetime
    venue: str
    venue_role: str = Field(default="", description=(
        "远程异地评标的主场或副场（活动没有副场时为空）"))
    address: str
    contact: str
    notes: str
    due_at: datetime
    verification_code: str | None
    identity_check: bool = Field(default=False, description=(
        "该场所签到需核验身份：刷脸签到（face_checkin 为真时）或出示身份证由工作人员核对"))
    face_checkin: bool = Field(default=False, description="可在小程序中刷脸签到")


class InvitationsOut(Model):
    invitations: list[InvitationOut]


class ReplyIn(Model):
    choice: int = Field(ge=1, le=3, description="1 参加 / 2 不参加 / 3 需回避")
    reason: str = Field(default="", max_length=100)


def invitation_out(call: Call, item: Invitation, notice: Notice,
                   checking: set[int] | None = None, face: bool = False) -> InvitationOut:
    check = notice.venue_id in (checking or set())
    contact = call.domain.draws.news.notices.notice_contact(notice)
    return InvitationOut(id=item.id, status=item.status,
                         status_title=call.services.texts.word("invitation_status", item.status),
                         gather_at=notice.gather_at,
                         venue=notice.venue, venue_role=notice.role_word,
                         address=notice.address, contact=contact,
                         notes=notice.notes, due_at=item.due_at, verification_code=item.code,
                         identity_check=check, face_checkin=check and face)


@api.route("GET", "/expert/invitations", access=EXPERT, response=InvitationsOut,
           summary="我的评标邀请（近30天）", tag=TAG)
async def mine(call: Call) -> InvitationsOut:
    rows = await call.domain.draws.running.replies.recent_invitations(call.caller.need_person().id,
                                                                      call.now)
    checking = await call.domain.draws.venue.identity_rule.checking_venues(
        {n.venue_id for _, n in rows if n.venue_id is not None})
    face = call.domain.draws.venue.attendance.face_offered
    return InvitationsOut(invitations=[invitation_out(call, r, n, checking, face)
                                       for r, n in rows])


@api.route("POST", "/expert/invitations/{invitation_id}/reply", access=EXPERT, body=ReplyIn,
           response=InvitationOut, summary="回复评标邀请：1 参加 / 2 不参加 / 3 需回避", tag=TAG)
async def reply(call: Call, body: ReplyIn) -> InvitationOut:
    outcome = (await call.domain.draws.answering.answers.decide(
        call.caller.need_person().id, Answer(body.choice, body.reason, True), call.now,
        "miniapp", invitation_id=call.path_int("invitation_id"))).outcome
    return invitation_out(call, outcome.invitation, outcome.notice)


class PoolProofOut(Model):
    activity_id: int
    eval_start: datetime
    pool: str = Field(description="main 主专业候选池 / alt 备选专业候选池")
    invited: bool = Field(description="是否被抽中邀请")
    proof: dict[str, object] = Field(description=(
        "默克尔证明：审计人员可用 expertbot audit --proof 核验，"
        "与抽取开始前公布的候选池摘要一致；按信用等级加权的抽取另含 weight（该专家的权重）"))


class PoolProofsOut(Model):
    pools: list[PoolProofOut]


@api.route("GET", "/expert/pools", access=EXPERT, response=PoolProofsOut, tag=TAG,
           summary="我进入过哪些抽取的候选池（结果解封后可查，近180天），每项附可核验的证明")
async def my_pools(call: Call) -> PoolProofsOut:
    return PoolProofsOut(pools=[PoolProofOut(
        activity_id=m.activity_id, eval_start=m.eval_start, pool=m.pool, invited=m.invited,
        proof=m.proof) for m in await call.domain.draws.randomness.proofs.memberships(
            call.caller.need_person().id, call.now)])
