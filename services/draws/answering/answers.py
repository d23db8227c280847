"""How an expert answers an invitation, whichever way the answer comes (chat, SMS, a keypress
on a call, the answer page): the words that mean 1 参加 / 2 不参加 / 3 需回避 (GD-DRAW), which
invitation a lone answer is for (`decide`), the list shown when several are open, and the
words of the reply to an applied answer. Each channel parses and replies through here, so
that one decision means the same everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import overload

from models.draws import AnsweredVia, Invitation, InvitationStatus
from services.common.clock import china_time
from services.common.texts import Texts
from services.draws.candidates.rules import KIN, SANCTIONED
from services.draws.facts.venue_roles import Venues
from services.draws.news.notices import Notices, notices_of
from services.draws.running.replies import OPEN, Replies, ReplyOutcome, Then

# an answer with no invitation open is taken for the latest one sent this recently (it is
# told it came late, or what was answered before)
RECENT = timedelta(days=2)
# What people answer an invitation with: GD-DRAW's 1 参加 / 2 不参加 / 3 需回避, full-width
# digits, and the words they use. The everyday words (好的, 没空, ...) count only while an
# invitation waits; the digits and the decision words also explain binding to the unbound.
PLAIN = {"1": 1, "2": 2, "3": 3, "１": 1, "２": 2, "３": 3, "参加": 1, "确认参加": 1,
         "不参加": 2, "回避": 3, "需回避": 3, "需要回避": 3}
EVERYDAY = {"同意": 1, "好的": 1, "可以": 1, "不去": 2, "没空": 2, "有事": 2}
CHOICES = {**PLAIN, **EVERYDAY}
ANSWER = (r"^\s*(?P<choice>" + "|".join(sorted(CHOICES, key=len, reverse=True)) + r")"
          r"(?:\s*[,，、:：.。 ]\s*(?P<reason>.+?))?\s*[。.!！]?\s*$")
# the acknowledgement of a withdrawal (退选) notice
ACKNOWLEDGE = ("收到", "已收到", "知道了", "收到了")
# which invitation a lone answer is for, as a scalar subquery over the person `p`, read in
# the statement that reads the sender (bot/conversation/event.py's Fact; its `?`: now): the
# one waiting for an answer, 0 when none waits, -1 when several do (`decide` lists them)
LONE_SQL = ("(SELECT CASE WHEN COUNT(*) = 1 THEN MIN(v.id) WHEN COUNT(*) = 0 THEN 0 "
            f"ELSE -1 END FROM draw_invitation v WHERE v.person_id = p.id AND {OPEN})")


@dataclass(frozen=True)
class Answer:
    choice: int  # 1 参加, 2 不参加, 3 需回避
    reason: str  # what followed the answer ("2，出差"), or ""
    plain: bool  # a digit or a decision word, not an everyday word (好的, 没空, ...)


class Answers:
    """An expert's answer, whichever way it comes: read from what they typed, applied to
    the invitation it is for (`decide`, the one rule every channel meets), and the words of
    its outcome."""

    def __init__(self, replies: Replies) -> None:
        self.replies = replies

    @overload
    async def decide(self, person_id: int, said: Answer, now: datetime, via: AnsweredVia, *,
                     invitation_id: int, then: Then | None = None) -> Applied: ...

    @overload
    async def decide(self, person_id: int, said: Answer, now: datetime, via: AnsweredVia,
                     waiting: list[Invitation] | None = None, then: Then | None = None, *,
                     lone: int | None = None) -> Decision: ...

    async def decide(self, person_id: int, said: Answer, now: datetime, via: AnsweredVia,
                     waiting: list[Invitation] | None = None, then: Then | None = None, *,
                     invitation_id: int | None = None, lone: int | None = None) -> Decision:
        """An expert's answer applied, whichever channel it came by: to the invitation the
        channel names (`invitation_id`: the page's button, the call's keypress, the row picked
        from a list; the reply checks it is the person's), or, for a lone answer (chat, SMS),
        to the one it is for when there is one. `waiting`: the person's open invitations,
        when the caller read them with the person; `lone`: LONE_SQL's value, when the caller
        read that with the person instead; `then`: the reply's."""
        if invitation_id is None and lone is not None and lone > 0:
            invitation_id = lone  # the one waiting: nothing more to read before the reply
        if invitation_id is not None:
            return Applied(await self.replies.reply(invitation_id, person_id, said.choice, now,
                                                     said.reason, via=via, then=then))
        if waiting is None and lone == 0:
            waiting = []
        if waiting is None:
            waiting = await self.replies.open_invitations(person_id, now)
        if len(waiting) > 1:
            return Several(waiting)
        if waiting:
            target = waiting[0]
        else:
            recent = await latest_invitation(person_id, now)
            if recent is None or not said.plain:
                return NotAnAnswer()
            target = recent
        return Applied(await self.replies.reply(target.id, person_id, said.choice, now,
                                                said.reason, via=via, then=then))


    @staticmethod
    def answer_from(match: re.Match[str]) -> Answer:
        """The answer a match of ANSWER says."""
        said = match.group("choice")
        return Answer(CHOICES[said], (match.group("reason") or "").strip(), said in PLAIN)

    @staticmethod
    async def listed(invitations: list[Invitation]) -> list[dict[str, str | int]]:
        """What a list of open invitations shows: time and place, never the project."""
        return [{"id": item.id, "gather_at": china_time(notice.gather_at),
                 "venue": Venues.venue_label(notice),
                 "due": china_time(item.due_at)}
                for item, notice in zip(invitations, await notices_of(invitations), strict=True)]

    @staticmethod
    def said(texts: Texts, outcome: ReplyOutcome, reason: str) -> tuple[str, bool]:
        """The reply to one applied answer, and whether its reason is still to be asked."""
        name, values, ask = said_parts(texts, outcome, reason)
        return texts.render(name, **values), ask


def parse_answer(text: str) -> Answer | None:
    """The answer a text says, or None when it says none."""
    match = re.match(ANSWER, text)
    return Answers.answer_from(match) if match else None


def check_acknowledgement(text: str) -> bool:
    """Whether the text is a 收到 (of a withdrawal notice)."""
    return text.strip().rstrip("。.!！") in ACKNOWLEDGE


@dataclass(frozen=True)
class Applied:
    """The answer was applied to its one invitation (an open one, or the latest one sent
    in RECENT when none is open: the outcome then says it came late, or what was
    answered before)."""

    outcome: ReplyOutcome


@dataclass(frozen=True)
class Several:
    """Several invitations are open: which one a lone answer is for cannot be told, and
    it is applied to none (the channel lists them)."""

    invitations: list[Invitation]


@dataclass(frozen=True)
class NotAnAnswer:
    """Nothing open and nothing recent, or an everyday word (好的, 没空) with nothing open:
    the words go their usual ways."""


Decision = Applied | Several | NotAnAnswer


async def latest_invitation(person_id: int, now: datetime) -> Invitation | None:
    """The invitation an answer is taken for when none is open: the latest one sent in the
    last RECENT, so that its expert is told it came late or what was answered before."""
    return await Invitation.filter(person_id=person_id, sent_at__gt=now - RECENT
                                   ).order_by("-sent_at").first()


def said_parts(texts: Texts, outcome: ReplyOutcome, reason: str
               ) -> tuple[str, dict[str, str], bool]:
    """The reply to one applied answer as its text's name and values (an SMS provider
    sends it as an approved template of its own), and whether its reason is still to be
    asked."""
    item = outcome.invitation
    if outcome.status == "late" or item.status == InvitationStatus.TIMEOUT:
        return "chat/draw/late.j2", {"due": china_time(item.due_at)}, False
    if outcome.status == "duplicate":
        return "chat/draw/duplicate.j2", {"decision": texts.word("invitation_status",
                                                                 item.status),
                                          "verification_code": item.code or ""}, False
    if outcome.status == "released" and item.reason == SANCTIONED:
        return "chat/draw/released_sanctioned.j2", {}, False
    if outcome.status == "released" and item.reason == KIN:
        return "chat/draw/released_kin.j2", {}, False
    if outcome.status == "released":
        return "chat/draw/released.j2", {}, False
    if outcome.status == "confirmed":
        return "chat/draw/confirmed.j2", {"verification_code": item.code or "",
                                          **Notices.invitation_params(outcome.notice, item,
                                                                      0)}, False
    decision = texts.word("invitation_status", item.status)
    if reason:
        return "chat/draw/declined_with_reason.j2", {"decision": decision}, False
    return "chat/draw/ask_reason.j2", {"decision": decision}, True
