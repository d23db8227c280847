"""Proving who you are and binding a WeChat identity to that person: by ID number + SMS code
to the phone on record, by phone + SMS code, by phone / ID number + password, or by a one-time
ticket shown (as a parametric QR code) where the person is already signed in.

Every attempt counts against the openid, the identifier typed (`u:<keyed hash>`, normalised:
however the phone or ID number was written) and the person behind it (`p:<id>`), whichever
path it came by. The tries left a reply tells count only the first two: the person's counter
locks but is not told (it would link identifiers to one person). An identifier that matches
nobody gets the same answers as one that does. Codes go out
in the background, so neither the SMS gateway's speed nor its failures show whether an
identifier exists."""

from __future__ import annotations

import contextlib
import math
import secrets
from datetime import datetime

from redis.asyncio import Redis
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.people import Person
from models.wechat import Channel, WeChatIdentity
from services.common.errors import BadInput, Conflict, Locked
from services.common.redis_keys import TICKET_TTL, RedisKeys
from services.notifications import CodeSms
from services.people.codes import VerificationCodes
from services.people.identity_rules import IdentityRules, normalise_identifier
from services.people.lockout import asker, person_parties
from services.people.persons import People, WrongPassword

PURPOSE = "bind"
LOGIN = "login"
SECOND_FACTOR = "second_factor"  # a desk sign-in's SMS code after its password



class BoundElsewhere(Conflict):
    """The person is bound to another WeChat user of this channel."""

    def __init__(self) -> None:
        super().__init__("binding.bound_elsewhere")


class BadCredentials(BadInput):
    """A wrong account or password, with the tries left (the same for unknown accounts)."""

    def __init__(self, remaining: int) -> None:
        super().__init__("auth.bad_credentials", remaining=remaining)
        self.remaining = remaining


class Binding:
    def __init__(self, people: People, codes: VerificationCodes, code_sms: CodeSms,
                 redis: Redis, keys: RedisKeys) -> None:
        self.people = people
        self.codes = codes
        self._sms = code_sms
        self._redis = redis
        self._keys = keys

    def _typed(self, identifier: str) -> str:
        """The (normalised) identifier as a party, by its keyed hash."""
        return "u:" + self.people.vault.lookup_hash(identifier)

    def _subject(self, person: Person | None, identifier: str) -> str:
        """Who a wrong attempt locks: the person, else the identifier itself."""
        return f"p:{person.id}" if person is not None else self._typed(identifier)

    async def start(self, actor: str, id_raw: str) -> None:
        """Send a code to the phone on record for this ID number, if there is one. The
        caller answers the same whether or not there was (BadInput for a malformed number,
        Locked for locks and throttling are the only refusals)."""
        number = IdentityRules.parse_id_number(normalise_identifier(id_raw))
        person = await self.people.by_id_number(number.value)
        await self._issue(PURPOSE, actor, person, number.value)

    async def start_sms_login(self, actor: str, phone_raw: str) -> None:
        """Send a login code to this phone if it belongs to someone; answers as `start`."""
        phone = IdentityRules.parse_phone(normalise_identifier(phone_raw))
        person = await self.people.by_phone(phone)
        await self._issue(LOGIN, actor, person, phone)

    async def start_second_factor(self, actor: str, person: Person) -> None:
        """A code to the phone on record, as the second factor of a password sign-in."""
        await self._issue(SECOND_FACTOR, actor, person, person.phone)

    async def _issue(self, purpose: str, actor: str, person: Person | None,
                     identifier: str) -> None:
        deliver = None
        typed = self._typed(identifier)
        quiet: tuple[str, ...] = ()
        if person is not None:
            phone = person.phone
            quiet = (self._typed(phone),)  # the phone on record: its budget, not told

            async def deliver(code: str) -> None:
                await self._sms.send(purpose, phone, code)

        # the number typed has its budget told, whether it is on record or not
        await self.codes.issue(purpose, actor, self._subject(person, identifier),
                               str(person.id) if person else "", deliver, detach=True,
                               shown=typed, destinations=(typed,), quiet=quiet)

    async def confirm(self, actor: str, code: str, purpose: str = PURPOSE) -> Person:
        """The person whose phone received `code`; WrongCode, Locked or BadInput otherwise."""
        pending = await self.codes.redeem(purpose, actor, code)
        return await Person.get(id=int(pending.payload))

    async def password_login(self, actor: str, account: str, password: str) -> Person:
        """The person whose phone or ID number `account` is and whose password this is;
        BadCredentials (with the tries left) or Locked otherwise. At most MAX_FAILURES
        passwords are checked per asker, and PERSON_FAILURES per person from everyone,
        within the lock window (services/people/lockout.py); past those, the person's
        password is refused for everyone (`auth.password_paused`) until an SMS code to the
        phone on record signs them in, which lifts it."""
        identifier = normalise_identifier(account)
        person = await self.people.by_account(identifier)
        parties = (asker(actor), *person_parties(self._subject(person, identifier),
                                                 by_code=False))
        lockout = self.codes.lockout
        try:
            attempt = await lockout.reserve(parties)
        except Locked as exc:
            if await lockout.locked_until(parties[0].key) is not None:
                raise  # the asker's own failures: they wait
            # everyone's failures together: the password alone no longer signs in; an SMS
            # code to the phone on record does, and lifts this (an unknown account alike)
            raise Locked("auth.password_paused", **exc.params) from None
        assert attempt is not None  # no guard
        found = await self.people.login_with_password(identifier, password)
        if found is not None and person is not None and found.id == person.id:
            await lockout.clear(parties)
            return found
        raise BadCredentials((await lockout.failed(attempt, parties)).remaining)

    async def change_password(self, actor: str, person: Person, old: str, new: str) -> None:
        """A new password, once the old one checks out; the old one is counted and locked
        like a login (a stolen session cannot try passwords without limit)."""
        parties = (asker(actor), *person_parties(f"p:{person.id}", by_code=False))
        lockout = self.codes.lockout
        attempt = await lockout.reserve(parties)
        assert attempt is not None
        try:
            await self.people.change_password(person, old, new)
        except WrongPassword:
            raise BadCredentials((await lockout.failed(attempt, parties)).remaining) from None
        await lockout.clear(parties)

    async def bind(self, identity: WeChatIdentity, person: Person, now: datetime) -> None:
        """Link the identity to the person: one openid <-> one person, one per channel."""
        async with in_transaction():
            current = await WeChatIdentity.select_for_update().get(id=identity.id)
            if current.person_id is not None:
                if current.person_id == person.id:
                    return
                raise Conflict("binding.already_bound")
            taken = await WeChatIdentity.filter(person_id=person.id, channel=current.channel
                                                ).exists()
            if taken:
                raise BoundElsewhere()
            try:
                await WeChatIdentity.filter(id=identity.id).update(person_id=person.id,
                                                                   bound_at=now)
            except IntegrityError:  # the other identity won a race
                raise BoundElsewhere() from None
        identity.person_id = person.id

    async def mini_program_identity(self, openid: str, unionid: str | None, now: datetime
                                    ) -> tuple[WeChatIdentity, Person | None]:
        """The mini-program identity of `openid` (made at its first login) and the person it
        is bound to. A WeChat user already bound through the official account (the same
        unionid) is bound here too."""
        identity, _ = await WeChatIdentity.get_or_create(
            openid=openid, defaults={"channel": Channel.MINI_PROGRAM, "unionid": unionid})
        if unionid and identity.unionid != unionid:
            identity.unionid = unionid
            await identity.save(update_fields=["unionid"])
        if identity.person_id is None and unionid:
            oa = await WeChatIdentity.filter(unionid=unionid, channel=Channel.OFFICIAL_ACCOUNT,
                                             person_id__not_isnull=True).first()
            if oa is not None:
                with contextlib.suppress(BoundElsewhere, IntegrityError):
                    await self.bind(identity, await Person.get(id=oa.person_id), now)
        person = await Person.get_or_none(id=identity.person_id) if identity.person_id else None
        return identity, person

    async def unbind(self, identity: WeChatIdentity) -> bool:
        """Drop the link; False if there was none."""
        updated = await WeChatIdentity.filter(id=identity.id, person_id__not_isnull=True
                                              ).update(person_id=None, bound_at=None)
        return bool(updated)

    async def issue_ticket(self, person: Person) -> str:
        """A one-time binding ticket for this person, valid TICKET_TTL seconds."""
        ticket = secrets.token_urlsafe(12)
        expires = self.codes.clock.time() + TICKET_TTL
        await self._redis.set(self._keys.bind_ticket(ticket), f"{person.id}:{expires!r}",
                              ex=TICKET_TTL)
        return ticket

    async def redeem_ticket(self, ticket: str) -> Person:
        """The ticket's person; the ticket is gone afterwards (refused if it was, or if it
        has expired)."""
        value = await self._redis.getdel(self._keys.bind_ticket(ticket))
        person_id, _, expires = (value or "").partition(":")
        person = None
        if person_id and self.codes.clock.time() < float(expires or math.inf):
            person = await Person.get_or_none(id=int(person_id))
        if person is None:
            raise Conflict("binding.ticket_invalid")
        return person
