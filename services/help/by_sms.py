"""Help by SMS, for people without WeChat: free text sent to the centre's SMS number that
answers no invitation (services/draws/answering/sms_answers.py decides that first), from a
person on record or from any number, is answered by the 智能客服 in one SMS — the entry's
title, its first sentence and its page in the 帮助中心, cut to fit — or, when it is not sure,
with the 客服热线 and the offer of a call back: 人工 sent back queues a callback at the
客服工作台 with the questions asked before. Each number gets at most HELP_SMS_BUDGET of these
replies, whoever it is (past it, nothing is sent); nobody's own data is ever in them."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime

from redis.asyncio import Redis

from services.common.pii import mask_phone
from services.common.redis_keys import RedisKeys
from services.common.texts import Texts
from services.help.service import Help
from services.help.support import BY_SMS, SupportDesk
from services.notifications import Outbox, SmsGateway, SmsMessage

log = logging.getLogger(__name__)

# How many help replies one number may receive: (window seconds, limit). Apart from the
# verification codes' budget (services/people/codes.py SMS_BUDGET): a person who asked for
# help can still receive a login code.
HELP_SMS_BUDGET = ((3600, 5), (86400, 10))
# One SMS is 70 characters, the signature (【…】, up to 10) included: our words fit in the rest
ONE_SMS = 70
SIGNATURE = 10
CALLBACK = re.compile(r"^\s*(?:人工|人工客服|回电|请回电|转人工)\s*[\u3002.!\uff01]?\s*$")
SENTENCE = re.compile(r"^(.+?[。！？；\n])")

# KEYS: the number's sorted set of recent replies; ARGV: now, an id for this reply, then the
# budget as window seconds and limits. 1: counted, may be sent; 0: over the budget.
_SPEND = """
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 86400)
for r = 3, #ARGV, 2 do
  local window, limit = tonumber(ARGV[r]), tonumber(ARGV[r + 1])
  if redis.call('ZCOUNT', KEYS[1], now - window, '+inf') >= limit then return 0 end
end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('EXPIRE', KEYS[1], 86400)
return 1
"""


class HelpBySms:
    def __init__(self, knowledge: Help, support: SupportDesk, texts: Texts,
                 page: Callable[[str], str], sms: SmsGateway, outbox: Outbox, redis: Redis,
                 keys: RedisKeys, number_key: Callable[[str], str],
                 roles_of: Callable[[int, datetime], Awaitable[set[str]]] | None = None
                 ) -> None:
        self._help, self._support, self._texts = knowledge, support, texts
        self._page = page  # a 帮助中心 path -> its address
        self._sms, self._outbox = sms, outbox
        self._redis, self._keys = redis, keys
        self._number_key = number_key  # a phone -> its keyed hash (the vault's)
        self._roles_of = roles_of
        self._spend = redis.register_script(_SPEND)

    async def answer(self, phone: str, person_id: int | None, text: str, now: datetime
                     ) -> str | None:
        """The reply sent to this number (None: over its budget, or nothing to answer)."""
        if not text.strip():
            return None
        number = self._number_key(phone)
        asker = BY_SMS + number[:56]  # the conversation's key, as an openid is in chat
        if not await self._spend(keys=[self._keys.sms_budget("help:" + number)],
                                 args=[repr(now.timestamp()), secrets.token_hex(8),
                                       *[x for rule in HELP_SMS_BUDGET for x in rule]]):
            log.info("help by SMS: %s is past its budget of replies: not answered",
                     mask_phone(phone))
            return None
        if CALLBACK.match(text):
            ticket, _ = await self._support.callback(asker, phone, person_id, now)
            name, values = "sms/help_callback.j2", {"number": f"K{ticket.id:06d}"}
        else:
            roles = await self._roles_of(person_id, now) if self._roles_of and person_id \
                else set()
            found = await self._help.ask(text, self._help.audiences_of(roles), now,
                                         (asker, person_id), channel="sms")
            if found.best is not None:
                name = "sms/help_answer.j2"
                values = self.fitted(found.best.title, found.best.body,
                                     self._page(f"/help/{found.best.key}"))
                values["key"] = found.best.key
            else:
                contact = self._help.contact
                name, values = "sms/help_unsure.j2", {"hotline": contact.hotline,
                                                      "hours": contact.hours}
        reply = self._texts.render(name, **values).strip()
        variant = name.rpartition("/")[2].removesuffix(".j2")
        params = {"text": reply, "variant": variant, **values}
        if person_id is not None:
            await self._outbox.queue(now, "sms.reply", params, person_id)
        else:  # nobody on record: no notification to keep, the gateway directly
            try:
                await self._sms.send(SmsMessage(phone, f"sms.reply:{variant}", reply, params))
            except Exception as exc:
                log.warning("help by SMS to %s not sent: %r", mask_phone(phone), exc)
        return reply

    def fitted(self, title: str, body: str, link: str) -> dict[str, str]:
        """The answer's values cut so that the SMS is one: the link whole, then the title,
        then as much of the first sentence as is left (an ellipsis where cut)."""
        room = ONE_SMS - SIGNATURE
        bare = len(self._texts.render("sms/help_answer.j2", title="", answer="", link=link
                                      ).strip())
        title = _cut(title, max(4, room - bare))
        left = room - bare - len(title)
        first = SENTENCE.match(body.strip())
        answer = (first.group(1) if first else body).strip()
        return {"title": title, "answer": _cut(answer, left) if left >= 6 else "",
                "link": link}


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:max(0, most - 1)] + "…"
