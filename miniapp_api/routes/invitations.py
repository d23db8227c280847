"""Draw invitations for experts: the same 1 / 2 / 3 choices as in chat, by tapping."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import Field

from miniapp_api.errors import domain_errors
from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.draws import Invitation
from models.people import Role
from services.draw_engine import notice_of

api = Api()
TAG = "评标邀请"
EXPERT = {Role.EXPERT}


class InvitationOut(Model):
    id: int
    status: str
    gather_at: datetime
    venue: str
    address: str
    contact: str
    notes: str
    due_at: datetime
    verification_code: str | None


class InvitationsOut(Model):
    invitations: list[InvitationOut]


class ReplyIn(Model):
    choice: int = Field(ge=1, le=3, description="1 参加 / 2 不参加 / 3 需回避")
    reason: str = Field(default="", max_length=100)


async def invitation_out(item: Invitation) -> InvitationOut:
    notice = await notice_of(item)
    return InvitationOut(id=item.id, status=item.status, gather_at=notice.gather_at,
                         venue=notice.venue,
                         address=f"{notice.city}{notice.district}{notice.street}{notice.room}",
                         contact=f"{notice.contact_name} {notice.contact_phone}",
                         notes=notice.notes, due_at=item.due_at, verification_code=item.code)


@api.route("GET", "/expert/invitations", access=EXPERT, response=InvitationsOut,
           summary="我的评标邀请（近30天）", tag=TAG)
async def mine(call: Call) -> InvitationsOut:
    person = call.caller.need_person()
    rows = await Invitation.filter(person_id=person.id,
                                   sent_at__gt=call.now - timedelta(days=30)).order_by("-id")
    return InvitationsOut(invitations=[await invitation_out(r) for r in rows])


@api.route("POST", "/expert/invitations/{invitation_id}/reply", access=EXPERT, body=ReplyIn,
           response=InvitationOut, summary="回复评标邀请：1 参加 / 2 不参加 / 3 需回避", tag=TAG)
async def reply(call: Call, body: ReplyIn) -> InvitationOut:
    with domain_errors():
        outcome = await call.domain.draws.reply(call.path_int("invitation_id"),
                                                   call.caller.need_person().id, body.choice,
                                                   call.now, body.reason)
    return await invitation_out(outcome.invitation)
