"""The administrator keeps the knowledge base: every entry (withdrawn ones too), an entry's
words changed or withdrawn with a note, each change a new version, and the versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.help.knowledge import EntryOut, entry_out
from miniapp_api.schemas import Model
from models.help import HelpEntry, HelpEntryVersion
from models.people import Role
from services.common.pii import mask_name
from services.help import Audience, EntryText

api = Api()
TAG = "帮助中心"
ADMIN = {Role.ADMIN}


class KeptOut(EntryOut):
    keywords: list[str] = Field(description="用户常用的说法（智能客服据此匹配）")
    similar: list[str] = Field(description="相似问法：同一个问题的其他问法")
    version: int
    retired: bool = Field(description="已撤下（不在帮助中心显示，智能客服不用它回答）")
    edited: bool = Field(description="管理员改过（否则为系统发布的原文）")
    updated_at: datetime


class KeptListOut(Model):
    entries: list[KeptOut]


class AskedOut(Model):
    question: str = Field(description="提问（手机号、身份证号已打码）")
    asked_at: datetime
    ranked_by: str = Field(description="排出这次回答的方式：lexical / local / province")
    ranked_by_title: str = Field(description="同上，中文（词语匹配、本地语义模型、省级模型服务）")


class UnansweredOut(Model):
    asked: int = Field(description="近30天向智能客服提的问题数（公众号、小程序、帮助中心、短信）")
    unanswered: list[AskedOut] = Field(
        description="其中智能客服没有把握、给出最接近几条并提供人工客服的（最新100条）")


class EntryIn(Model):
    title: str = Field(min_length=4, max_length=100)
    audiences: list[Audience] = Field(min_length=1, max_length=7)
    keywords: list[str] = Field(default=[], max_length=20)
    similar: list[Annotated[str, Field(max_length=80)]] = Field(default=[], max_length=20)
    body: str = Field(min_length=10, max_length=2000)
    retired: bool = False
    note: str = Field(default="", max_length=200, description="修改说明（记入版本记录）")


class VersionOut(Model):
    version: int
    title: str
    audience_titles: list[str]
    keywords: list[str]
    body: str
    retired: bool
    edited_by: str = Field(description="修改人（脱敏）；系统发布的原文为空")
    edited_at: datetime
    note: str


class HistoryOut(Model):
    key: str
    versions: list[VersionOut]


def kept_out(call: Call, e: HelpEntry) -> KeptOut:
    return KeptOut(**entry_out(call, e).model_dump(), keywords=list(e.keywords),
                   similar=list(e.similar),
                   version=e.version, retired=e.retired,
                   edited=e.edited_by is not None, updated_at=e.updated_at)


@api.route("GET", "/admin/help/entries", access=ADMIN, response=KeptListOut, tag=TAG,
           summary="管理知识库：全部常见问题和办理指南（含已撤下的）")
async def kept(call: Call) -> KeptListOut:
    found = await call.domain.knowledge.all_entries(call.now)
    return KeptListOut(entries=[kept_out(call, e) for e in found])


@api.route("PUT", "/admin/help/entries/{key}", access=ADMIN, body=EntryIn, response=KeptOut,
           tag=TAG, summary="修改或撤下一条常见问题、办理指南（保留每个版本）")
async def edit(call: Call, body: EntryIn) -> KeptOut:
    text = EntryText(title=body.title, audiences=body.audiences, keywords=body.keywords,
                     similar=body.similar, body=body.body)
    entry = await call.domain.knowledge.edit(call.path("key"), text, body.retired, body.note,
                                             call.caller.need_person().id, call.now)
    return kept_out(call, entry)


@api.route("GET", "/admin/help/questions", access=ADMIN, response=UnansweredOut, tag=TAG,
           summary="智能客服近30天没能回答的提问（用来补充相似问法或新增常见问题）")
async def unanswered(call: Call) -> UnansweredOut:
    asked, found = await call.domain.knowledge.unanswered(call.now)
    words = call.services.texts.word
    return UnansweredOut(asked=asked, unanswered=[AskedOut(
        question=q.question, asked_at=q.asked_at, ranked_by=q.ranked_by,
        ranked_by_title=words("help_ranker", q.ranked_by)) for q in found])


def version_out(call: Call, v: HelpEntryVersion, names: dict[int, str]) -> VersionOut:
    words = call.services.texts.word
    return VersionOut(
        version=v.version, title=v.title,
        audience_titles=[words("help_audience", a) for a in v.audiences],
        keywords=list(v.keywords), body=v.body, retired=v.retired,
        edited_by=mask_name(names.get(v.edited_by, "")) if v.edited_by else "",
        edited_at=v.edited_at, note=v.note)


@api.route("GET", "/admin/help/entries/{key}/history", access=ADMIN, response=HistoryOut,
           tag=TAG, summary="一条常见问题或办理指南的全部版本（最新在前）")
async def history(call: Call) -> HistoryOut:
    key = call.path("key")
    await call.domain.knowledge.entry(key, call.now, shown_only=False)
    versions, names = await call.domain.knowledge.history(key)
    return HistoryOut(key=key, versions=[version_out(call, v, names) for v in versions])
