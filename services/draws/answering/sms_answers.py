"""Answering an invitation by SMS: the reply an expert sends to the invitation's SMS (上行), from
the phone on record, is answered exactly as the same words in chat are — the same patterns
(1 / 2 / 3 or words, a reason may follow), the same engine call with the same races (late,
already answered, places taken), the same texts — and the answer goes back by SMS. SMS has
no conversation state: a reason sent on its own is kept for the person's latest 2 不参加 / 3
需回避 without one. Which invitation an answer is for is the chat's own decision
(services/draws/answering/answers.py `Answers.decide`): with several open it applies to none
and the SMS lists them, each with its own link; with none open an everyday word (好的, 没空) is
no answer. 收到 acknowledges a withdrawal notice, as in chat. The 6-digit verification code
sent back checks the expert in at the venue, and out on a later one, as the same code in
chat does (the venue's rules are the same: its window, its identity check, an absence
registered), alone or after 签到 / 签退: the way for an expert without WeChat (the
confirmation and the urges say so). Free text that is none of these, from anybody, is the
智能客服's (services/help/by_sms.py): answered in one SMS, or the hotline and a call back."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from models.draws import Invitation, InvitationStatus, Notice
from models.orm.statements import columns, model_from, models_from, rows
from models.orm.units import one_transaction_if, release
from models.people import PHONE_PERSON, Person, phone_values
from models.wechat import WeChatIdentity
from services.common.clock import china_time
from services.common.errors import DomainError
from services.common.pii import mask_phone
from services.common.texts import Texts
from services.draws.answering.answers import (
    RECENT,
    Answers,
    NotAnAnswer,
    Several,
    check_acknowledgement,
    parse_answer,
    said_parts,
)
from services.draws.followups.withdrawals import Withdrawals
from services.draws.news.notices import Notices, answer_params
from services.draws.running.replies import OPEN, OPEN_ORDER, ReplyOutcome
from services.draws.venue.attendance import Attendance, CheckResult
from services.draws.venue.identity_rule import identity_required
from services.help import HelpBySms
from services.notifications import Change, Outbox

log = logging.getLogger(__name__)

# a verification code on its own, or after the word 签到 / 签退 (a space or a colon between)
CODE = re.compile(r"^\s*(?:(?:签到|签退)\s*[:：]?\s*)?(\d{6})\s*[\u3002.]?\s*$")
HELP = "help"  # (a text's name) free text that answers nothing: the 智能客服's by SMS


@dataclass
class SmsReplies:
    answers: Answers
    outbox: Outbox
    texts: Texts
    answer_link: Callable[[int], str] | None = None  # each invitation's page, when several
    withdrawals: Withdrawals | None = None  # 收到 acknowledges a withdrawal notice
    attendance: Attendance | None = None  # the verification code checks in and out
    help_sms: HelpBySms | None = None  # free text that answers nothing: the 智能客服

    async def answer(self, phone: str, text: str, now: datetime) -> str | None:
        """What the person with this phone is told back (also queued as an SMS to them: an
        answer applied to an invitation queues it in the decision's own transaction); None
        when no person has this phone (nothing is sent to an unknown number). An answer, a
        code or 收到 is one transaction with the read of who sent it, on PostgreSQL (one
        commit: models/orm/units.py)."""
        async with one_transaction_if(answer_like(text.strip()[:200])):
            return await self._answer(phone, text, now)

    async def _answer(self, phone: str, text: str, now: datetime) -> str | None:
        person, waiting = await sender(phone, now)
        if person is None:
            if self.help_sms is not None and not answer_like(text):  # anybody's question
                return await self.help_sms.answer(phone, None, text.strip()[:200], now)
            log.info("SMS reply from %s, who is nobody on record: ignored", mask_phone(phone))
            return None
        told = Told(self.answer_link, self.texts, person.id)
        said = await self._reply(person, waiting, text.strip()[:200], now, told)
        # what was decided is committed (an answer's change committed the unit already):
        # its words, and the 智能客服's answer, are made outside it
        await release()
        if said is None:
            return told.text
        name, values = said
        if name == HELP and self.help_sms is not None:
            return await self.help_sms.answer(phone, person.id, text.strip()[:200], now)
        reply = self.texts.render(name, **values)
        await self.outbox.queue(now, "sms.reply", reply_params(reply, name, values), person.id)
        return reply

    def on_page(self, person_id: int) -> OnPage:
        """The `then` of an answer given on the invitation's page (its SMS, if any, queued
        with the decision)."""
        return OnPage(Told(self.answer_link, self.texts, person_id, "-"))

    async def confirmed_on_page(self, outcome: ReplyOutcome, on_page: OnPage, now: datetime
                                ) -> str:
        """A confirmation made on the invitation's page: what the page says (the code, and
        how to check in from there, with WeChat or without, as `on_page` found); the SMS
        whose words could not be made with the decision is tried again here."""
        item, wechat = outcome.invitation, bool(on_page.wechat)
        if not wechat and on_page.told.text is None:
            await self.outbox.notify(now, "sms.reply", await on_page.told.params(outcome),
                                     person_id=item.person_id)
        return self.texts.render("web/confirmed.j2", verification_code=item.code or "",
                                 **Notices.invitation_params(outcome.notice, item, 0),
                                 wechat=wechat, sms=not wechat, identity=bool(outcome.identity))

    async def _reply(self, person: Person, waiting: list[Invitation], text: str,
                     now: datetime, told: Told) -> tuple[str, dict[str, Any]] | None:
        """The answer's text name and values; None when it was queued with the decision
        (`told`)."""
        if check_acknowledgement(text) and self.withdrawals is not None \
                and await self.withdrawals.acknowledge(person.id, now) is not None:
            return "chat/draw/acknowledged.j2", {}
        code = CODE.match(text)
        if code is not None and self.attendance is not None:
            return await self._checkin(person, code.group(1), now, told)
        said = parse_answer(text)
        if said is None:
            return await self._reason(person, bool(waiting), text, now)
        told.reason = said.reason
        decision = await self.answers.decide(person.id, said, now, via="sms",
                                             waiting=waiting, then=told)
        if isinstance(decision, NotAnAnswer):
            return "sms/no_invitation.j2", {}
        if isinstance(decision, Several):
            shown = await Answers.listed(decision.invitations)
            link = self.answer_link
            for row, item in zip(shown, decision.invitations, strict=True):
                row["link"] = link(item.id) if link else ""
            return "sms/reply_several.j2", {"choices": shown, "count": str(len(shown))}
        # (a decline without a reason asks for one: the next SMS that is no answer is it)
        if told.text is not None:
            return None
        return await answer_words(self.answer_link, self.texts, decision.outcome,
                                  said.reason)

    async def _checkin(self, person: Person, code: str, now: datetime, told: Told
                       ) -> tuple[str, dict[str, Any]] | None:
        """The verification code: checked in, or out on a later one, its answer queued with
        the check-in (`told`; None); a refusal in its words (sent as the reply `refused`)."""
        assert self.attendance is not None

        async def then(change: Change, result: CheckResult) -> None:
            try:  # words that cannot be made must not undo the check-in: sent after it
                name, values = checkin_words(result, code)
                params = reply_params(self.texts.render(name, **values), name, values)
            except Exception:
                log.exception("the SMS answer to a check-in could not be made: the check-in "
                              "stands, its answer is tried after it")
                return
            await change.notify_each("sms.reply", params, [person.id])
            told.text = params["text"]

        try:
            result = await self.attendance.checkin_by_code(person.id, code, now,
                                                             wechat=False, then=then)
        except DomainError as exc:
            return "sms/checkin_refused.j2", {"why": self.texts.error(exc)}
        return None if told.text is not None else checkin_words(result, code)

    async def _reason(self, person: Person, waiting: bool, text: str, now: datetime
                      ) -> tuple[str, dict[str, Any]]:
        """Text that is no answer: the reason of the latest decline without one, if any."""
        latest = await Invitation.filter(
            person_id=person.id, replied_at__gt=now - RECENT, reason=None,
            status__in=[InvitationStatus.DECLINED, InvitationStatus.AVOIDED]
        ).order_by("-replied_at").first()
        if latest is not None and text:
            await self.answers.replies.set_reason(latest.id, person.id, text)
            return "chat/draw/reason_saved.j2", {}
        if waiting:
            return "sms/reply_help.j2", {}
        return (HELP, {}) if self.help_sms is not None and text else (
            "sms/no_invitation.j2", {})


def checkin_words(result: CheckResult, code: str) -> tuple[str, dict[str, Any]]:
    """A check-in's answer by SMS: its text's name and values."""
    item = result.invitation
    moment = item.checkout_at if result.action == "out" else item.checkin_at
    assert moment is not None
    return f"sms/checkin_{result.action}.j2", {
        "at": china_time(moment), "arrived": result.arrived, "expected": result.expected,
        "venue": result.venue, "code": code, "begun": "1" if result.begun else "",
        "leaving_from": china_time(result.leaving_from)}


async def answer_words(answer_link: Callable[[int], str] | None, texts: Texts,
                       outcome: ReplyOutcome, reason: str) -> tuple[str, dict[str, Any]]:
    """The SMS an applied answer is answered with: its text's name and values."""
    name, values, _ = said_parts(texts, outcome, reason)
    return await by_sms(answer_link, outcome.invitation, name, values, outcome.notice,
                        outcome.identity)


def answer_like(text: str) -> bool:
    """An answer, a code or 收到 (from a number nobody has: no answer, and no help either)."""
    return bool(CODE.match(text) or parse_answer(text) or check_acknowledgement(text))


@dataclass
class Told:
    """The answer sent back by SMS (to an SMS, or a call's keypress), queued in the reply's
    own transaction once its outcome is known (`then` of the draw engine's reply): the
    decision and its SMS are made together, with one nudge of the relay and in the
    statement that queues the agency's progress. A duplicate is not applied, and is told
    outside (`text` stays None)."""

    answer_link: Callable[[int], str] | None
    texts: Texts
    person_id: int
    reason: str = ""
    text: str | None = None  # what was queued, once it was

    async def params(self, outcome: ReplyOutcome) -> dict[str, str]:
        """The answer's notification (`reply_params`): its words made for this outcome."""
        name, values = await answer_words(self.answer_link, self.texts, outcome,
                                          self.reason)
        return reply_params(self.texts.render(name, **values), name, values)

    async def __call__(self, change: Change, outcome: ReplyOutcome) -> None:
        try:  # words that cannot be made (a text edited wrong) must not undo the decision
            params = await self.params(outcome)
        except Exception:
            log.exception("the SMS answer to invitation %s could not be made: the decision "
                          "stands, its answer is tried after it", outcome.invitation.id)
            return
        await change.notify_each("sms.reply", params, [self.person_id])
        self.text = params["text"]


@dataclass
class OnPage:
    """A confirmation made on the invitation's page: someone without WeChat (as the SMS
    sender is found) gets the SMS a confirmation by SMS gets, so that the code is on the
    phone, not only on a page; queued in the reply's own transaction, as `Told`'s."""

    told: Told
    wechat: bool | None = None  # whether the person has WeChat, once confirmed

    async def __call__(self, change: Change, outcome: ReplyOutcome) -> None:
        if outcome.status != "confirmed":
            return
        self.wechat = await WeChatIdentity.exists(person_id=outcome.invitation.person_id)
        if not self.wechat:
            await self.told(change, outcome)


@cache
def _sender_sql() -> str:
    """The person with a phone and their open invitations, a row each (one row with no
    invitation when none is open), in the order `decide` reads them."""
    return (f"SELECT {columns(Person, 'p')}, {columns(Invitation, 'v')} FROM "
            f"({PHONE_PERSON}) p LEFT JOIN draw_invitation v ON v.person_id = p.id "
            f"AND {OPEN} {OPEN_ORDER}")


async def sender(phone: str, now: datetime) -> tuple[Person | None, list[Invitation]]:
    """Who sent an SMS (not deregistered; `phone_is`'s rule) and their open invitations, in
    one statement: every SMS answer reads both."""
    found = await rows(_sender_sql(), *phone_values(phone), now)
    if not found:
        return None, []
    return (model_from(Person, found[0], "p"),
            [i for i in models_from(Invitation, found, "v") if i is not None])


async def by_sms(answer_link: Callable[[int], str] | None, item: Invitation, name: str,
                 values: dict[str, Any],
                 notice: Notice | None = None, identity: bool | None = None
                 ) -> tuple[str, dict[str, Any]]:
    """A reply as an SMS says it: a confirmation tells how to check in without WeChat (the
    code sent back, or the invitation's link; at a venue that checks identity, the ID card
    at the staff desk)."""
    if name != "chat/draw/confirmed.j2":
        return name, values
    return "sms/confirmed.j2", {**values, **answer_params(answer_link, item.id),
                                "identity": "1" if identity or (
                                    identity is None and await identity_required(item, notice))
                                else ""}


def reply_params(text: str, name: str, values: dict[str, Any]) -> dict[str, str]:
    """An SMS reply's notification: its words, and which reply it is with its values (a
    provider that sends approved templates only has one per `variant`: the template
    `sms.reply:confirmed`, say, with the verification code, time and place)."""
    variant = name.rpartition("/")[2].removesuffix(".j2")
    return {"text": text, "variant": variant,
            **{k: str(v) for k, v in values.items() if isinstance(v, str | int)}}
