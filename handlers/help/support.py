"""人工客服 in chat: asking for a human queues the sender for the centre's staff (with the
questions they asked the 智能客服 today); while the conversation is open, what they write is
handed to the staff (handlers/fallback.py); 结束客服 ends it. The staff answer from the
console's 客服工作台 (services/help/support.py).

| input                               | who    | reply                                     |
| ----------------------------------- | ------ | ----------------------------------------- |
| 人工客服 / 转人工 / 人工 / 联系客服 | anyone | queued (or already queued), the hours     |
| 结束客服 / 结束人工                 | anyone | ended, or nothing to end                  |

All outside flows (state: none)."""

from __future__ import annotations

from datetime import datetime

from bot.conversation.filters import Text
from bot.conversation.router import Router
from bot.wechat.incoming import Incoming
from models.people import Person
from services.common.texts import Texts
from services.help import Help, SupportDesk
from services.people import People

router = Router("support")


@router.message(Text("人工客服", "转人工", "人工", "联系客服", "找客服", "客服", "转人工客服",
                     "人工服务"))
async def ask_for_person(msg: Incoming, person: Person | None, people: People,
                         support: SupportDesk, knowledge: Help, texts: Texts,
                         now: datetime) -> str:
    """Queued for the staff, once: asked again while waiting, the same place."""
    roles = ([str(g.role) for g in await people.active_roles(person.id, now)]
             if person is not None else [])
    ticket, new = await support.request(msg.openid, person.id if person else None, roles, now)
    return texts.render("chat/help/queued.j2", new=new, number=f"K{ticket.id:06d}",
                        hours=knowledge.contact.hours, hotline=knowledge.contact.hotline)


@router.message(Text("结束客服", "结束人工", "结束人工客服", "不用了谢谢"))
async def leave(msg: Incoming, support: SupportDesk, texts: Texts, now: datetime) -> str:
    """The sender ends their conversation with the staff."""
    return texts.render("chat/help/left.j2", ended=await support.leave(msg.openid, now))
