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
    found = await knowledge.ask(body.question, audiences, call.now)
    return AskOut(answered=found.best is not None,
                  entry=entry_out(call, found.best) if found.best else None,
                  closest=[entry_out(call, e) for e in found.closest])
