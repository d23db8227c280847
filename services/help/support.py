"""人工客服: a person who asks for a human in chat (or is offered one by the 智能客服) is
queued for the centre's staff with the conversation so far — the questions they asked the
智能客服 in the last day, masked — and whatever they write next, until the conversation is
closed. A staff reply goes back through the outbox: a customer-service message inside
WeChat's 48-hour window, past it a template message or an SMS (the relay chooses); the
reply is on the audit trail as the desk's change (miniapp_api/audit.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models.draw_handler import masked_phone
from models.help import HelpEntry, HelpQuestion, SupportMessage, SupportState, SupportTicket
from models.orm import sealing
from models.people import Person
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, NotFound
from services.common.pii import mask_name, mask_text
from services.notifications import Outbox

SO_FAR = timedelta(days=1)  # the questions asked before, handed over with the request
BY_SMS = "sms:"  # the key of an asker by SMS (a number's keyed hash), as an openid is in chat
MESSAGE_MAX = 500
OPEN = (SupportState.QUEUED, SupportState.ANSWERED)


@dataclass(frozen=True)
class Conversation:
    ticket: SupportTicket
    asker: str  # masked name, "" for a visitor who never bound an account
    messages: list[SupportMessage]
    # a question handed over (by message id) -> the title of the entry the 智能客服 answered
    # it with, "" when it was not sure
    answered: dict[int, str]


@dataclass(frozen=True)
class Waiting:
    """The conversations waiting for a staff reply, and the longest wait's start."""

    count: int
    since: datetime | None


class SupportDesk:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    # the id of the open conversation of the identity `i` (a wechat_identity) as a scalar
    # subquery, read with the sender's person (bot/conversation/event.py's Fact): one
    # statement a push for both
    OPEN_SQL = ("(SELECT MAX(t.id) FROM support_ticket t WHERE t.openid = i.openid AND "
                f"t.state IN ({', '.join(repr(s.value) for s in OPEN)}))")

    @staticmethod
    async def still_open(ticket_id: int) -> SupportTicket | None:
        """The conversation, if it is still open."""
        return await SupportTicket.filter(id=ticket_id, state__in=list(OPEN)).first()

    async def request(self, openid: str, person_id: int | None, roles: list[str],
                      now: datetime) -> tuple[SupportTicket, bool]:
        """The asker queued for a person (their open conversation when they have one: not
        queued twice); True when it is new."""
        async with in_transaction():
            held = await SupportTicket.select_for_update().filter(
                openid=openid, state__in=list(OPEN)).first()
            if held is not None:
                return held, False
            ticket = await SupportTicket.create(openid=openid, person_id=person_id,
                                                roles=roles, opened_at=now, asked_at=now)
            asked = await HelpQuestion.filter(openid=openid, asked_at__gte=now - SO_FAR
                                              ).order_by("id").limit(10)
            for q in asked:
                await SupportMessage.create(ticket_id=ticket.id, text=q.question, at=q.asked_at)
        return ticket, True

    async def callback(self, asker: str, phone: str, person_id: int | None, now: datetime
                       ) -> tuple[SupportTicket, bool]:
        """人工 sent by SMS: the asker queued for a call back to that number (`asker`: the
        number's key, as an openid is in chat), with the questions asked before."""
        ticket, new = await self.request(asker, person_id, [], now)
        seal = sealing.sealer()
        if not ticket.callback_phone_enc or seal.open_phone(ticket.callback_phone_enc) != phone:
            ticket.callback_phone_enc = seal.seal_phone(phone)  # sealed at rest
            ticket.callback_phone_masked = masked_phone(phone)
            await ticket.save(update_fields=["callback_phone_enc", "callback_phone_masked"])
        return ticket, new

    @staticmethod
    async def write(ticket: SupportTicket, text: str, now: datetime) -> bool:
        """The asker writes again: kept (masked) for the staff, the ticket back in the queue;
        False when the staff closed it meanwhile (nothing kept: the bot answers instead)."""
        async with in_transaction():
            if not await SupportTicket.filter(id=ticket.id, state__in=list(OPEN)).update(
                    state=SupportState.QUEUED, asked_at=now):
                return False
            await SupportMessage.create(ticket_id=ticket.id, text=mask_text(text)[:MESSAGE_MAX],
                                        at=now)
        return True

    @staticmethod
    async def leave(openid: str, now: datetime) -> bool:
        """The asker ends the conversation (结束客服); False when none was open."""
        return bool(await SupportTicket.filter(openid=openid, state__in=list(OPEN)).update(
            state=SupportState.CLOSED, closed_at=now))

    @staticmethod
    async def queue(state: SupportState | None) -> list[SupportTicket]:
        """The conversations in one state (all open ones by default), the longest waiting
        first."""
        query = (SupportTicket.filter(state=state) if state
                 else SupportTicket.filter(state__in=list(OPEN)))
        return await query.order_by("asked_at").limit(200)

    @staticmethod
    async def askers(tickets: list[SupportTicket]) -> dict[int, str]:
        """Each ticket's asker, masked."""
        names = dict(await Person.filter(id__in={t.person_id for t in tickets if t.person_id}
                                         ).values_list("id", "name"))
        return {t.id: mask_name(names.get(t.person_id or 0, "")) for t in tickets}

    async def conversation(self, ticket_id: int) -> Conversation:
        """A conversation with what the 智能客服 answered the questions asked before it."""
        ticket = await SupportTicket.get_or_none(id=ticket_id)
        if ticket is None:
            raise NotFound("support.not_found")
        asker = (await self.askers([ticket]))[ticket.id]
        messages = await SupportMessage.filter(ticket_id=ticket.id).order_by("id")
        return Conversation(ticket, asker, messages, await _bot_answers(ticket, messages))

    async def reply(self, ticket_id: int, text: str, staff: Person, now: datetime
                    ) -> SupportTicket:
        """The staff's reply, sent to the asker; the ticket answered."""
        words = text.strip()
        if not words:
            raise BadInput("support.reply_empty")
        if len(words) > MESSAGE_MAX:
            raise BadInput("support.reply_too_long", limit=MESSAGE_MAX)
        async with in_transaction():
            ticket = await SupportTicket.select_for_update().get_or_none(id=ticket_id)
            if ticket is None:
                raise NotFound("support.not_found")
            if ticket.state == SupportState.CLOSED:
                raise Conflict("support.closed", at=ticket.closed_at)
            if ticket.openid.startswith(BY_SMS):  # no chat to write to: a call back
                raise Conflict("support.by_phone")
            await SupportMessage.create(ticket_id=ticket.id, from_staff=True,
                                        staff_id=staff.id, text=words, at=now)
            ticket.state, ticket.answered_at = SupportState.ANSWERED, now
            await ticket.save(update_fields=["state", "answered_at"])
            async with self.outbox.change(now) as change:
                await change.notify("support.reply", {
                    "number": f"K{ticket.id:06d}", "content": words, "at": china_time(now)},
                    openid=ticket.openid, person_id=ticket.person_id)
        return ticket

    async def close(self, ticket_id: int, staff: Person, now: datetime) -> SupportTicket:
        """The staff close a conversation (answered, or nothing more to do); the asker is
        told, with the way to a person again (their next message is the bot's)."""
        async with in_transaction():
            ticket = await SupportTicket.select_for_update().get_or_none(id=ticket_id)
            if ticket is None:
                raise NotFound("support.not_found")
            if ticket.state != SupportState.CLOSED:
                ticket.state, ticket.closed_at, ticket.closed_by = \
                    SupportState.CLOSED, now, staff.id
                await ticket.save(update_fields=["state", "closed_at", "closed_by"])
                if ticket.openid.startswith(BY_SMS):  # called back: no chat to tell
                    return ticket
                async with self.outbox.change(now) as change:
                    await change.notify("support.ended", {
                        "number": f"K{ticket.id:06d}", "at": china_time(now)},
                        openid=ticket.openid, person_id=ticket.person_id)
        return ticket

    @staticmethod
    async def callback_number(ticket_id: int) -> str:
        """The number an asker by SMS is to be called back on, in full (the staff's reading
        is an access: miniapp_api/routes/help/support.py)."""
        ticket = await SupportTicket.get_or_none(id=ticket_id)
        if ticket is None:
            raise NotFound("support.not_found")
        if not ticket.callback_phone_enc:
            raise Conflict("support.no_callback")
        return sealing.sealer().open_phone(ticket.callback_phone_enc)

    @staticmethod
    async def waiting() -> Waiting:
        """How many wait for the staff, and since when the longest waiting has (the homes
        of the desk and of the administrator)."""
        queued = SupportTicket.filter(state=SupportState.QUEUED)
        oldest = await queued.order_by("asked_at").first()
        return Waiting(await queued.count(), oldest.asked_at if oldest else None)


async def _bot_answers(ticket: SupportTicket, messages: list[SupportMessage]
                       ) -> dict[int, str]:
    """What the 智能客服 answered each question handed over with the request."""
    asked = await HelpQuestion.filter(openid=ticket.openid, asked_at__gte=ticket.opened_at
                                      - SO_FAR, asked_at__lte=ticket.opened_at)
    keys = {(q.question, q.asked_at): q.answered_key for q in asked}
    titles = dict(await HelpEntry.filter(key__in={k for k in keys.values() if k}
                                         ).values_list("key", "title"))
    return {m.id: titles.get(keys[(m.text, m.at)], "") for m in messages
            if not m.from_staff and (m.text, m.at) in keys}
