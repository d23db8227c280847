"""The administrator's review of what the 智能客服 could not answer well: the questions users
found 没用 and those it was not sure of, each added to an entry as a 相似问法, answered by a new
entry, or dismissed, with its history; and a weekly table per entry (asked, sure, 没用)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.help import HelpReview, ReviewState
from models.people import Role
from services.common.pii import mask_name
from services.help import Audience, EntryText, Kind, Process

api = Api()
TAG = "帮助中心"
ADMIN = {Role.ADMIN}


class StepOut(Model):
    state: str
    state_title: str = Field(
        description="这一步（文字）：待处理 / 已加为相似问法 / 已新增内容 / 不处理")
    entry_key: str
    by: str = Field(description="处理人（脱敏）；系统记下的为空")
    at: datetime
    note: str


class ReviewOut(Model):
    id: int
    question: str = Field(description="提问（手机号、身份证号已打码）")
    reason: str = Field(description="useless 用户评价没用 / unsure 智能客服没有把握")
    reason_title: str
    answered_key: str = Field(description="被评价没用的那条内容")
    times: int = Field(description="同样的提问次数")
    state: str
    state_title: str
    entry_key: str = Field(description="加入的或新写的内容")
    opened_at: datetime
    last_at: datetime
    steps: list[StepOut]


class ReviewsQuery(Model):
    state: ReviewState | None = Field(default=ReviewState.OPEN,
                                      description="open / attached / written / dismissed")


class ReviewsOut(Model):
    reviews: list[ReviewOut]


class WeekOut(Model):
    monday: str = Field(description="这一周的星期一（北京时间）")
    week_title: str = Field(description="这一周（文字）")
    asked: int = Field(description="这条内容排在最前的提问数")
    sure: int = Field(description="智能客服有把握、用它回答的次数")
    useful: int
    useless: int
    useless_share: str = Field(description="评价中“没用”的比例（文字）；无人评价为“—”")


class EntryWeeksOut(Model):
    key: str
    title: str
    weeks: list[WeekOut]


class WeeklyOut(Model):
    entries: list[EntryWeeksOut]


class AttachIn(Model):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$", description="加到哪条内容")
    note: str = Field(default="", max_length=200, description="说明（记入两边的记录）")


class WriteIn(Model):
    title: str = Field(min_length=4, max_length=100)
    kind: Kind = Kind.FAQ
    process: Process = Process.OTHER
    audiences: list[Audience] = Field(min_length=1, max_length=7)
    keywords: list[str] = Field(default=[], max_length=20)
    similar: list[Annotated[str, Field(max_length=80)]] = Field(default=[], max_length=19)
    body: str = Field(min_length=10, max_length=2000)
    note: str = Field(default="", max_length=200)


class DismissIn(Model):
    note: str = Field(default="", max_length=200, description="为什么不处理")


async def reviews_out(call: Call, found: list[HelpReview]) -> list[ReviewOut]:
    words = call.services.texts.word
    steps, names = await call.domain.knowledge.reviews.steps([r.id for r in found])
    out = []
    for r in found:
        out.append(ReviewOut(
            id=r.id, question=r.question, reason=r.reason,
            reason_title=words("help_review_reason", r.reason), answered_key=r.answered_key,
            times=r.times, state=r.state, state_title=words("help_review_state", r.state),
            entry_key=r.entry_key, opened_at=r.opened_at, last_at=r.last_at,
            steps=[StepOut(state=s.state, state_title=words("help_review_state", s.state),
                           entry_key=s.entry_key, at=s.at, note=s.note,
                           by=mask_name(names.get(s.by, "")) if s.by else "")
                   for s in steps if s.review_id == r.id]))
    return out


def note_of(call: Call, note: str, review_id: int) -> str:
    """The administrator's note, or the words saying which review item it came from."""
    return note or call.services.texts.render("help/review_note.j2", number=review_id).strip()


@api.route("GET", "/admin/help/reviews", access=ADMIN, query=ReviewsQuery,
           response=ReviewsOut, tag=TAG,
           summary="待处理的提问：用户评价没用的和智能客服没有把握的（含处理记录）")
async def reviews(call: Call, query: ReviewsQuery) -> ReviewsOut:
    found = await call.domain.knowledge.reviews.items(query.state)
    return ReviewsOut(reviews=await reviews_out(call, found))


@api.route("POST", "/admin/help/reviews/{review_id}/attach", access=ADMIN, body=AttachIn,
           response=ReviewOut, tag=TAG,
           summary="把提问加为一条内容的相似问法（智能客服随即按新版本回答）")
async def attach(call: Call, body: AttachIn) -> ReviewOut:
    review_id = call.path_int("review_id")
    done = await call.domain.knowledge.reviews.attach(
        review_id, body.key, note_of(call, body.note, review_id),
        call.caller.need_person().id, call.now)
    return (await reviews_out(call, [done]))[0]


@api.route("POST", "/admin/help/reviews/{review_id}/write", access=ADMIN, body=WriteIn,
           response=ReviewOut, tag=TAG, summary="为提问新写一条常见问题（提问记为它的相似问法）")
async def write(call: Call, body: WriteIn) -> ReviewOut:
    review_id = call.path_int("review_id")
    text = EntryText(title=body.title, audiences=body.audiences, keywords=body.keywords,
                     similar=body.similar, body=body.body)
    done = await call.domain.knowledge.reviews.write(
        review_id, text, body.kind, body.process, note_of(call, body.note, review_id),
        call.caller.need_person().id, call.now)
    return (await reviews_out(call, [done]))[0]


@api.route("POST", "/admin/help/reviews/{review_id}/dismiss", access=ADMIN, body=DismissIn,
           response=ReviewOut, tag=TAG, summary="这条提问不处理（保留记录）")
async def dismiss(call: Call, body: DismissIn) -> ReviewOut:
    done = await call.domain.knowledge.reviews.dismiss(
        call.path_int("review_id"), body.note, call.caller.need_person().id, call.now)
    return (await reviews_out(call, [done]))[0]


def week_title(call: Call, monday: str) -> str:
    start = date.fromisoformat(monday)
    return call.services.texts.render("help/week.j2", start=start,
                                      end=start + timedelta(days=6)).strip()


@api.route("GET", "/admin/help/weekly", access=ADMIN, response=WeeklyOut, tag=TAG,
           summary="每条内容近8周的情况：被问到、有把握回答、评价没用的比例（按北京时间的周）")
async def weekly(call: Call) -> WeeklyOut:
    knowledge, texts = call.domain.knowledge, call.services.texts
    table = await knowledge.reviews.weekly(call.now)
    titles = {e.key: e.title for e in await knowledge.all_entries(call.now)}
    return WeeklyOut(entries=[EntryWeeksOut(key=key, title=titles.get(key, key), weeks=[
        WeekOut(monday=w.monday, week_title=week_title(call, w.monday),
                asked=w.asked, sure=w.sure, useful=w.useful, useless=w.useless,
                useless_share=texts.render("help/share.j2", share=w.useless_share).strip())
        for w in weeks]) for key, weeks in sorted(table.items(), key=lambda kv: titles.get(
            kv[0], kv[0]))])
