"""Answering an invitation by a key pressed on its call (GD-DRAW): 1 参加,
2 不参加, 3 需回避, applied by the same engine call as a chat reply (the same races: late,
already answered, places taken), and the outcome sent back by SMS, in the chat's words. The
call names the invitation and the person (ours, kept on the notification), never the
number the provider reports: a keypress cannot answer anyone else's invitation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from models.notifications import Notification
from models.orm.units import one_transaction_if
from models.people import Person
from services.common.pii import mask_phone
from services.common.texts import Texts
from services.draws.answering.answers import Answer, Answers
from services.draws.answering.sms_answers import Told, answer_words, reply_params
from services.draws.followups.withdrawals import BY_VOICE, Withdrawals
from services.draws.running.calls import CALL_KIND
from services.notifications import Outbox

log = logging.getLogger(__name__)
KEYS = {"1": 1, "2": 2, "3": 3}
WITHDRAWAL_KIND = "draw.cancelled"


@dataclass
class VoiceReplies:
    answers: Answers
    withdrawals: Withdrawals
    outbox: Outbox
    texts: Texts
    answer_link: Callable[[int], str] | None = None  # in the SMS a confirmation sends back

    async def answered(self, call: Notification, now: datetime) -> None:
        """A call was picked up: a withdrawal notice's is its delivery (GD-DRAW)."""
        if call.kind == WITHDRAWAL_KIND and call.person_id is not None \
                and "invitation" in call.params:
            await self.withdrawals.acknowledge_invitation(
                int(call.params["invitation"]), call.person_id, now, by=BY_VOICE)

    async def keypress(self, call: Notification, key: str, mobile: str,
                       now: datetime) -> str | None:
        """What the callee is told back by SMS; None when the key or call answers nothing.
        On PostgreSQL the read of who pressed it and the answer are one transaction."""
        if call.kind != CALL_KIND or call.person_id is None or key not in KEYS:
            return None
        async with one_transaction_if(True):
            return await self._answered(call, key, mobile, now)

    async def _answered(self, call: Notification, key: str, mobile: str,
                        now: datetime) -> str | None:
        person = await Person.get_or_none(id=call.person_id, deregistered_at=None)
        if person is None or person.phone != mobile:
            log.warning("keypress on call %s from %s, not the number called: ignored",
                        call.id, mask_phone(mobile))
            return None
        told = Told(self.answer_link, self.texts, person.id)
        outcome = (await self.answers.decide(person.id, Answer(KEYS[key], "", True), now,
                                             "voice", invitation_id=int(call.params["invitation"]),
                                             then=told)).outcome
        if told.text is not None:  # queued with the decision
            return told.text
        name, values = await answer_words(self.answer_link, self.texts, outcome, "")
        said = self.texts.render(name, **values)
        await self.outbox.queue(now, "sms.reply", reply_params(said, name, values), person.id)
        return said
