"""The 智能客服 learns from its users (NDRC-195: 建立用户评价反馈机制…以用户反馈驱动模型迭代优化):
each answer may be called 有用 or 没用, once per answer (the token it was given with); a
没用 and a question the 智能客服 was not sure of become review items on the administrator's
帮助中心内容, the same words asked again counting on the open item. The administrator adds the
question to an entry as a 相似问法 (the ranker sees it at once: an edit is a new version),
writes a new entry for it, or dismisses it; every step is kept (who, when, what)."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from tortoise.transactions import in_transaction

from models.help import (
    HelpEntry,
    HelpQuestion,
    HelpReview,
    HelpReviewStep,
    ReviewReason,
    ReviewState,
)
from models.people import Person
from services.common.clock import CHINA
from services.common.errors import BadInput, Conflict, NotFound
from services.help.knowledge import EntryText, Kind, Process

SIMILAR_MAX, SIMILAR_CHARS = 20, 80  # EntryText's limits on 相似问法
WEEKS = 8  # weeks in the administrator's table
RATE_WINDOW = timedelta(minutes=10)  # how long after an answer in chat 1 / 2 rates it
_NOISE = re.compile(r"[\s\W_]+")


def words_of(question: str) -> str:
    """The question as compared for "asked again": no spaces or punctuation, lower case."""
    return _NOISE.sub("", question).lower()[:200]


@dataclass(frozen=True)
class Week:
    """One China week (Monday to Sunday) of one entry: how often it came first, how often it
    answered sure, and the 有用 / 没用 said of it."""

    monday: str  # ISO date of the week's Monday, China time
    asked: int
    sure: int
    useful: int
    useless: int

    @property
    def useless_share(self) -> float | None:
        """没用 among the answers rated (None when none was)."""
        rated = self.useful + self.useless
        return self.useless / rated if rated else None


class Keeper(Protocol):
    """What a review needs of the knowledge base (services/help/service.py's Help)."""

    async def entry(self, key: str, now: datetime, shown_only: bool = True) -> HelpEntry: ...

    async def edit(self, key: str, text: EntryText, retired: bool, note: str,
                   editor_id: int, now: datetime) -> HelpEntry: ...

    async def add(self, key: str, text: EntryText, kind: Kind, process: Process, note: str,
                  editor_id: int, now: datetime) -> HelpEntry: ...


class HelpReviews:
    def __init__(self, knowledge: Keeper) -> None:
        self._help = knowledge

    async def rate(self, question_id: int, token: str, useful: bool, now: datetime
                   ) -> HelpQuestion:
        """有用 / 没用 said of one answer: kept once (the same said again changes nothing; the
        other word replaces it); 没用 of an answer opens a review item."""
        asked = await HelpQuestion.get_or_none(id=question_id)
        if asked is None or not asked.token or not hmac.compare_digest(
                asked.token.encode(), token.encode()):
            raise NotFound("help.no_answer")
        said = "useful" if useful else "useless"
        if asked.feedback == said:
            return asked
        if not await HelpQuestion.filter(id=asked.id, feedback=asked.feedback).update(
                feedback=said, feedback_at=now):
            return await HelpQuestion.get(id=asked.id)  # rated at the same moment elsewhere
        asked.feedback, asked.feedback_at = said, now
        if not useful and asked.answered_key:  # (one it was not sure of is open already)
            await self.open_item(asked, ReviewReason.USELESS, now)
        return asked

    async def rate_latest(self, openid: str, useful: bool, now: datetime
                          ) -> HelpQuestion | None:
        """1 有用 / 2 没用 in chat: said of the asker's latest answer within RATE_WINDOW, if
        it was a sure one not yet rated (None: nothing to rate, the digit is not a rating)."""
        latest = await HelpQuestion.filter(openid=openid, asked_at__gte=now - RATE_WINDOW
                                           ).order_by("-id").first()
        if latest is None or not latest.answered_key or latest.feedback:
            return None
        return await self.rate(latest.id, latest.token, useful, now)

    @staticmethod
    async def open_item(asked: HelpQuestion, reason: ReviewReason, now: datetime) -> None:
        """A question for the administrator to look at (the open item with the same words
        and reason counts it once more)."""
        words = words_of(asked.question)
        if not words:
            return
        key = asked.answered_key if reason == ReviewReason.USELESS else ""
        async with in_transaction():
            held = await HelpReview.select_for_update().filter(
                words=words, reason=reason, answered_key=key, state=ReviewState.OPEN).first()
            if held is not None:
                held.times, held.last_at = held.times + 1, now
                await held.save(update_fields=["times", "last_at"])
                return
            item = await HelpReview.create(question=asked.question, words=words, reason=reason,
                                           answered_key=key, opened_at=now, last_at=now)
            await HelpReviewStep.create(review_id=item.id, state=ReviewState.OPEN, at=now)

    @staticmethod
    async def items(state: ReviewState | None = ReviewState.OPEN) -> list[HelpReview]:
        """Review items in one state (all when None), the most asked first, then the latest."""
        query = HelpReview.filter(state=state) if state else HelpReview.all()
        return await query.order_by("-times", "-last_at").limit(200)

    @staticmethod
    async def steps(review_ids: list[int]) -> tuple[list[HelpReviewStep], dict[int, str]]:
        """The history of these items, oldest first, and the names of who acted (by id)."""
        found = await HelpReviewStep.filter(review_id__in=review_ids).order_by("id")
        names = dict(await Person.filter(id__in={s.by for s in found if s.by}
                                         ).values_list("id", "name"))
        return found, names

    async def attach(self, review_id: int, key: str, note: str, by: int, now: datetime
                     ) -> HelpReview:
        """The question added to an entry as a 相似问法: the entry's new version is what the
        智能客服 answers from next."""
        item = await self._open(review_id)
        entry = await self._help.entry(key, now, shown_only=False)
        similar = list(entry.similar)
        question = item.question[:SIMILAR_CHARS]
        if question not in similar:
            if len(similar) >= SIMILAR_MAX:
                raise BadInput("help.similar_full", limit=SIMILAR_MAX)
            similar.append(question)
        await self._help.edit(key, _text_of(entry, similar), entry.retired, note, by, now)
        return await self._decide(item, ReviewState.ATTACHED, key, note, by, now)

    async def write(self, review_id: int, text: EntryText, kind: Kind, process: Process,
                    note: str, by: int, now: datetime) -> HelpReview:
        """A new entry written for the question (the question its first 相似问法)."""
        item = await self._open(review_id)
        similar = list(dict.fromkeys([*text.similar, item.question[:SIMILAR_CHARS]]))
        text = text.model_copy(update={"similar": similar[:SIMILAR_MAX]})
        entry = await self._help.add(f"added-{item.id}", text, kind, process, note, by, now)
        return await self._decide(item, ReviewState.WRITTEN, entry.key, note, by, now)

    async def dismiss(self, review_id: int, note: str, by: int, now: datetime) -> HelpReview:
        """Nothing to do for it (kept, with who said so)."""
        item = await self._open(review_id)
        return await self._decide(item, ReviewState.DISMISSED, "", note, by, now)

    @staticmethod
    async def _open(review_id: int) -> HelpReview:
        item = await HelpReview.get_or_none(id=review_id)
        if item is None:
            raise NotFound("help.no_review")
        if item.state != ReviewState.OPEN:
            raise Conflict("help.review_decided")
        return item

    @staticmethod
    async def _decide(item: HelpReview, state: ReviewState, key: str, note: str, by: int,
                      now: datetime) -> HelpReview:
        async with in_transaction():
            if not await HelpReview.filter(id=item.id, state=ReviewState.OPEN).update(
                    state=state, entry_key=key):
                raise Conflict("help.review_decided")
            await HelpReviewStep.create(review_id=item.id, state=state, entry_key=key, by=by,
                                        at=now, note=note[:200])
        item.state, item.entry_key = state, key
        return item

    @staticmethod
    async def weekly(now: datetime, weeks: int = WEEKS) -> dict[str, list[Week]]:
        """Per entry, its China weeks (the latest first, only those it was asked in): asked
        (it came first), sure (it answered), 有用 and 没用."""
        today = now.astimezone(CHINA).date()
        first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
        since = datetime.combine(first, datetime.min.time(), CHINA)
        rows = await HelpQuestion.filter(asked_at__gte=since).values_list(
            "top_key", "answered_key", "feedback", "asked_at")
        counts: dict[tuple[str, str], list[int]] = {}
        for top, answered, feedback, at in rows:
            day = at.astimezone(CHINA).date()
            monday = (day - timedelta(days=day.weekday())).isoformat()
            if top:
                counts.setdefault((top, monday), [0, 0, 0, 0])[0] += 1
            if answered:
                row = counts.setdefault((answered, monday), [0, 0, 0, 0])
                row[1] += 1
                row[2] += feedback == "useful"
                row[3] += feedback == "useless"
        table: dict[str, list[Week]] = {}
        for (key, monday), (asked, sure, useful, useless) in sorted(
                counts.items(), key=lambda kv: kv[0][1], reverse=True):
            table.setdefault(key, []).append(Week(monday, asked, sure, useful, useless))
        return table


def _text_of(entry: HelpEntry, similar: list[str]) -> EntryText:
    return EntryText.model_validate({"title": entry.title, "audiences": entry.audiences,
                                     "keywords": entry.keywords, "similar": similar,
                                     "body": entry.body})
