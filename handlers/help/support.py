"""人工客服 in chat: asking for a human queues the sender for the centre's staff (with the
questions they asked the 智能客服 today); while the conversation is open, everything they
write is handed to the staff, a command's words included (`with_the_desk`, tried before any
command); 结束客服 ends it. The staff answer from the console's 客服工作台
(services/help/support.py).

| input                               | who    | reply                                     |
| ----------------------------------- | ------ | ----------------------------------------- |
| any text, a ticket open             | anyone | handed to the staff, and told so          |
| 人工客服 / 转人工 / 人工 / 联系客服 | anyone | queued (or already queued), the hours     |
| 结束客服 / 结束人工                 | anyone | ended, or nothing to end                  |

While a ticket is open, only these are not handed over: the two rows below, an answer to an
open invitation (handlers/draw_reply.py) and what a flow the sender is in asks for (the
reason of that answer). All outside flows (state: none)."""

from __future__ import annotations

import re
from datetime import datetime

from bot.conversation.event import Event, Fact
from bot.conversation.filters import Text, normalize
from bot.conversation.router import PASS, Pass, Router
from bot.wechat.incoming import Incoming
from handlers.draw_reply import LONE
from models.people import Person
from services.common.texts import Texts
from services.draws.answering import ANSWER
from services.help import Help, SupportDesk
from services.people import People

router = Router("support")
# included before every other router: while a ticket is open the desk owns the input
desk_first = Router("support_open")
ASK_WORDS = ("人工客服", "转人工", "人工", "联系客服", "找客服", "客服", "转人工客服", "人工服务")
LEAVE_WORDS = ("结束客服", "结束人工", "结束人工客服", "不用了谢谢")
OWN_WORDS = frozenset(normalize(w) for w in (*ASK_WORDS, *LEAVE_WORDS))
AN_ANSWER = re.compile(ANSWER)


class Texting:
    """Any text, to be checked against the sender's open ticket (the database): a push made
    up to explain a route has no sender, so no ticket, and this is no match there."""

    def __call__(self, ev: Event) -> bool:
        return ev.msg.has_text and not ev.offline

    def describe(self) -> str:
        return "any text while a 人工客服 ticket is open"


def _handed(ev: Event) -> bool:
    """A text `with_the_desk` looks at (not the desk's own words, not inside a flow)."""
    return Texting()(ev) and ev.text not in OWN_WORDS \
        and (ev.fsm is None or ev.fsm.state is None)


# the sender's open ticket (SupportDesk.OPEN_SQL), read with the person
OPEN_TICKET = Fact("open_ticket", SupportDesk.OPEN_SQL, wanted=_handed)
desk_first.asks(OPEN_TICKET)
# tried before an answer or a check-in: it reads the ticket with the sender and writes to
# the desk, nothing outside the database (models/orm/units.py)
desk_first.inside_units()


@desk_first.command(Texting())
async def with_the_desk(event: Event, support: SupportDesk, texts: Texts,
                        now: datetime) -> str | Pass:
    """A ticket open: what the sender writes goes to the staff, and they are told so."""
    if event.text in OWN_WORDS or (event.fsm is not None and event.fsm.state is not None):
        return PASS
    ticket_id = await event.fact(OPEN_TICKET)  # read with the person (one statement)
    if ticket_id is None:
        return PASS
    if AN_ANSWER.search(event.text) and (await event.load_person()) is not None \
            and await event.fact(LONE):
        return PASS  # the answer to an invitation is the draw's (handlers/draw_reply.py)
    ticket = await support.still_open(int(ticket_id))
    if ticket is None or not await support.write(ticket, event.msg.content, now):
        return PASS  # the staff closed it meanwhile: the bot answers
    return texts.render("chat/help/handed.j2", number=f"K{ticket.id:06d}")


@router.message(Text(*ASK_WORDS))
async def ask_for_person(msg: Incoming, person: Person | None, people: People,
                         support: SupportDesk, knowledge: Help, texts: Texts,
                         now: datetime) -> str:
    """Queued for the staff, once: asked again while waiting, the same place."""
    roles = ([str(g.role) for g in await people.active_roles(person.id, now)]
             if person is not None else [])
    ticket, new = await support.request(msg.openid, person.id if person else None, roles, now)
    return texts.render("chat/help/queued.j2", new=new, number=f"K{ticket.id:06d}",
                        hours=knowledge.contact.hours, hotline=knowledge.contact.hotline)


@router.message(Text(*LEAVE_WORDS))
async def leave(msg: Incoming, support: SupportDesk, texts: Texts, now: datetime) -> str:
    """The sender ends their conversation with the staff."""
    return texts.render("chat/help/left.j2", ended=await support.leave(msg.openid, now))
