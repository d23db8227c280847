"""Binding a WeChat identity to a person: by ID number + SMS code to the phone on record, or
by a one-time ticket shown (as a parametric QR code) where the person is already signed in.
No answer ever reveals whether an ID number exists."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime

from redis.asyncio import Redis
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.people import Person
from models.wechat import WeChatIdentity
from services.codes import CodeError, VerificationCodes
from services.identity_rules import parse_id_number
from services.people import People

TICKET_TTL = 600
PURPOSE = "bind"

SendCode = Callable[[str, str], Awaitable[None]]  # (phone, code)


class BindingError(CodeError):
    """A binding refusal with the Chinese message to show."""


class AlreadyBound(BindingError):
    message = "您已绑定账户。如需更换，请先回复「解绑」。"


class BoundElsewhere(BindingError):
    message = "该账户已绑定其他微信号。如需更换，请先在原微信号中解除绑定，或联系管理员。"


class TicketInvalid(BindingError):
    message = "这个绑定二维码已使用或已过期，请在小程序或网页上重新生成后再扫码。"


class Binding:
    def __init__(self, people: People, codes: VerificationCodes, redis: Redis,
                 prefix: str) -> None:
        self.people = people
        self.codes = codes
        self._redis = redis
        self._tickets = prefix + "bindticket:"

    async def start(self, actor: str, id_raw: str, send_code: SendCode) -> None:
        """Send a code to the phone on record for this ID number, if there is one. The
        caller answers the same whether or not there was (RuleError for a malformed number
        and CodeError for locks and throttling are the only refusals)."""
        number = parse_id_number(id_raw)
        person = await self.people.by_id_number(number.value)
        subject = f"p:{person.id}" if person else "h:" + self.people.vault.lookup_hash(
            number.value)

        async def deliver(code: str) -> None:
            assert person is not None
            await send_code(person.phone, code)

        await self.codes.issue(PURPOSE, actor, subject, str(person.id) if person else "",
                               deliver if person else None)

    async def confirm(self, actor: str, code: str) -> Person:
        """The person whose phone received `code`; CodeError otherwise."""
        pending = await self.codes.check(PURPOSE, actor, code)
        return await Person.get(id=int(pending.payload))

    async def bind(self, identity: WeChatIdentity, person: Person, now: datetime) -> None:
        """Link the identity to the person: one openid <-> one person, one per channel."""
        async with in_transaction():
            current = await WeChatIdentity.select_for_update().get(id=identity.id)
            if current.person_id is not None:
                if current.person_id == person.id:
                    return
                raise AlreadyBound()
            taken = await WeChatIdentity.filter(person_id=person.id, channel=current.channel
                                                ).exists()
            if taken:
                raise BoundElsewhere()
            try:
                await WeChatIdentity.filter(id=identity.id).update(person_id=person.id,
                                                                   bound_at=now)
            except IntegrityError:  # the other identity won a race
                raise BoundElsewhere() from None
        identity.person_id = person.id  # type: ignore[attr-defined]

    async def unbind(self, identity: WeChatIdentity) -> bool:
        """Drop the link; False if there was none."""
        updated = await WeChatIdentity.filter(id=identity.id, person_id__not_isnull=True
                                              ).update(person_id=None, bound_at=None)
        return bool(updated)

    async def issue_ticket(self, person: Person) -> str:
        """A one-time binding ticket for this person, valid 10 minutes."""
        ticket = secrets.token_urlsafe(12)
        await self._redis.set(self._tickets + ticket, str(person.id), ex=TICKET_TTL)
        return ticket

    async def redeem_ticket(self, ticket: str) -> Person:
        """The ticket's person; the ticket is gone afterwards (TicketInvalid if it was)."""
        person_id = await self._redis.getdel(self._tickets + ticket)
        person = await Person.get_or_none(id=int(person_id)) if person_id else None
        if person is None:
            raise TicketInvalid()
        return person
