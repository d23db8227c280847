"""The 帮助中心 and the 智能客服, for anyone: the knowledge base's entries (常见问题 and 办理指南)
for an audience, one entry, and a question in a person's own words answered from them. Public:
the entries are the centre's words, nobody's data."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.help import HelpEntry
from services.common.errors import Locked
from services.help import SEARCHES_PER_MINUTE, Audience

api = Api()
TAG = "帮助中心"


class EntryOut(Model):
    key: str
    kind: str = Field(description="faq 常见问题 / guide 办理指南")
    kind_title: str
    process: str
    process_title: str = Field(description="所属事项（文字）")
    audiences: list[str]
    audience_titles: list[str] = Field(description="适用对象（文字）")
    title: str
    body: str
    page: str = Field(description="帮助中心里这一条的网页地址")


class EntriesQuery(Model):
    audience: str | None = Field(default=None, pattern="^[a-z]{3,12}$",
                                 description="applicant / expert / agency / reviewer / verifier"
                                             " / finance；不填为全部")


class EntriesOut(Model):
    entries: list[EntryOut]
    hotline: str = Field(description="客服热线（未设置时为空）")
    hours: str = Field(description="人工客服的服务时间（未设置时为空）")


class AskIn(Model):
    question: str = Field(min_length=1, max_length=200)
    audience: Audience | None = Field(
        default=None, description="提问人的身份（小程序按登录用户的角色填写；不填按申请人）")


class AskOut(Model):
    answered: bool = Field(description="有把握的解答；否则 closest 列出最接近的几条，可转人工客服")
    entry: EntryOut | None
    closest: list[EntryOut]
    answer_id: int = Field(description="这次解答的编号：评价“有用 / 没用”时带上（空白提问为0）")
    token: str = Field(description="评价这次解答用的凭据（只有提问的人拿到）")


class RateIn(Model):
    token: str = Field(min_length=8, max_length=24, description="提问时返回的 token")
    useful: bool = Field(description="true 有用 / false 没用")


class RateOut(Model):
    feedback: str = Field(description="useful 有用 / useless 没用（同一次解答只记一次）")
    said: str = Field(description="给用户看的一句话")


def entry_out(call: Call, e: HelpEntry) -> EntryOut:
    words = call.services.texts.word
    return EntryOut(
        key=e.key, kind=e.kind, kind_title=words("help_kind", e.kind), process=e.process,
        process_title=words("help_process", e.process), audiences=list(e.audiences),
        audience_titles=[words("help_audience", a) for a in e.audiences], title=e.title,
        body=e.body, page=call.domain.links.address(f"/help/{e.key}"))


@api.route("GET", "/help/entries", access=Access.PUBLIC, query=EntriesQuery,
           response=EntriesOut, tag=TAG, summary="帮助中心：常见问题和办理指南（可按适用对象筛选）")
async def entries(call: Call, query: EntriesQuery) -> EntriesOut:
    found = await call.domain.knowledge.entries(call.now, query.audience)
    contact = call.domain.knowledge.contact
    return EntriesOut(entries=[entry_out(call, e) for e in found], hotline=contact.hotline,
                      hours=contact.hours)


@api.route("GET", "/help/entries/{key}", access=Access.PUBLIC, response=EntryOut, tag=TAG,
           summary="帮助中心的一条常见问题或办理指南")
async def entry(call: Call) -> EntryOut:
    return entry_out(call, await call.domain.knowledge.entry(call.path("key"), call.now))


@api.route("POST", "/help/ask", access=Access.PUBLIC, body=AskIn, response=AskOut, tag=TAG,
           summary="智能客服：用自己的话提问，从帮助中心找解答（没有把握时给出最接近的几条；"
                   "同一地址一分钟内提问过多时返回429，与帮助中心的搜索相同）")
async def ask(call: Call, body: AskIn) -> AskOut:
    if await call.services.over_limit(call.request, "help-ask", SEARCHES_PER_MINUTE):
        raise Locked("help.busy", limit=SEARCHES_PER_MINUTE)  # as the 帮助中心's search
    knowledge = call.domain.knowledge
    audiences = frozenset({body.audience}) if body.audience else knowledge.audiences_of(set())
    found = await knowledge.ask(body.question, audiences, call.now, channel="miniapp")
    return AskOut(answered=found.best is not None,
                  entry=entry_out(call, found.best) if found.best else None,
                  closest=[entry_out(call, e) for e in found.closest],
                  answer_id=found.asked.id if found.asked else 0,
                  token=found.asked.token if found.asked else "")


@api.route("POST", "/help/answers/{answer_id}/feedback", access=Access.PUBLIC, body=RateIn,
           response=RateOut, tag=TAG,
           summary="评价智能客服的一次解答：有用或没用（没用的提问交管理员补充帮助中心内容）")
async def rate(call: Call, body: RateIn) -> RateOut:
    rated = await call.domain.knowledge.reviews.rate(call.path_int("answer_id"), body.token,
                                                      body.useful, call.now)
    return RateOut(feedback=rated.feedback, said=call.services.texts.render(
        "help/rated.j2", useful=rated.feedback == "useful").strip())
