"""The system administrator's part of performance records (履职评价): the conduct items the
agency may tick (招标投标法实施条例 Art. 71–72 and any added), the deadline in working days
(财库〔2016〕198号: 5), and the review of records an expert disputed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import actor
from miniapp_api.routes.draws.record.performance import PerformanceIn, RecordOut, record_out
from miniapp_api.schemas import Model, Ok
from models.people import Role
from models.performance import ConductItem, ReviewOutcome

api = Api()
TAG = "履职评价"
ADMIN = {Role.ADMIN}


class ItemOut(Model):
    id: int
    code: str
    name: str
    article: str
    active: bool = Field(description="停用后代理机构不能再选，已选用的记录不变")
    position: int = Field(description="排列顺序（小的在前）")
    changed_at: datetime | None


def item_out(item: ConductItem) -> ItemOut:
    return ItemOut(id=item.id, code=item.code, name=item.name, article=item.article,
                   active=item.active, position=item.position, changed_at=item.changed_at)


class CatalogueOut(Model):
    deadline_days: int = Field(description="评标结束后记录履职情况的期限（工作日）")
    items: list[ItemOut]


class ItemIn(Model):
    name: str = Field(min_length=1, max_length=200)
    article: str = Field(default="", max_length=64, description="出处")
    position: int = Field(default=100, ge=0, le=9999)
    active: bool = True


class SettingsIn(Model):
    deadline_days: int = Field(ge=1, le=30)


async def catalogue_out(call: Call) -> CatalogueOut:
    return CatalogueOut(deadline_days=await call.domain.conduct.deadline_days(),
                        items=[item_out(i) for i in await call.domain.conduct.items()])


@api.route("GET", "/admin/conduct-items", access=ADMIN, response=CatalogueOut, tag=TAG,
           summary="履职问题目录与记录期限")
async def catalogue(call: Call) -> CatalogueOut:
    return await catalogue_out(call)


@api.route("POST", "/admin/conduct-items", access=ADMIN, body=ItemIn, response=CatalogueOut,
           tag=TAG, summary="新增履职问题")
async def add_item(call: Call, body: ItemIn) -> CatalogueOut:
    await call.domain.conduct.add_item(body.name, body.article, body.position, call.now)
    return await catalogue_out(call)


@api.route("PUT", "/admin/conduct-items/{item_id}", access=ADMIN, body=ItemIn,
           response=CatalogueOut, tag=TAG, summary="修改、停用或启用履职问题")
async def change_item(call: Call, body: ItemIn) -> CatalogueOut:
    await call.domain.conduct.change_item(call.path_int("item_id"), body.name, body.article,
                                          body.position, body.active, call.now)
    return await catalogue_out(call)


@api.route("DELETE", "/admin/conduct-items/{item_id}", access=ADMIN, response=Ok, tag=TAG,
           summary="删除未被任何记录选用的履职问题")
async def remove_item(call: Call) -> Ok:
    await call.domain.conduct.remove_item(call.path_int("item_id"))
    return Ok()


@api.route("PUT", "/admin/performance/settings", access=ADMIN, body=SettingsIn,
           response=CatalogueOut, tag=TAG, summary="设置履职情况的记录期限（工作日）")
async def settings(call: Call, body: SettingsIn) -> CatalogueOut:
    await call.domain.conduct.set_deadline_days(body.deadline_days,
                                                call.caller.need_person().id, call.now)
    return await catalogue_out(call)


class DisputedOut(Model):
    waiting: list[RecordOut] = Field(description="待复核")
    reviewed: list[RecordOut] = Field(description="已复核（最近的在前）")


async def disputed_out(call: Call) -> DisputedOut:
    shown = [await record_out(call,
                              s) for s in await call.domain.draws.record.performance.disputed()]
    return DisputedOut(waiting=[r for r in shown if r.reviewed_at is None],
                       reviewed=[r for r in shown if r.reviewed_at is not None])


@api.route("GET", "/admin/performance/disputed", access=ADMIN, response=DisputedOut, tag=TAG,
           summary="专家有异议的履职记录")
async def disputed(call: Call) -> DisputedOut:
    return await disputed_out(call)


class ReviewIn(Model):
    outcome: Literal["kept", "corrected"] = Field(description="kept 维持 / corrected 更正")
    review_note: str = Field(min_length=1, max_length=500, description="复核意见（专家可见）")
    correction: PerformanceIn | None = Field(default=None, description="更正后的记录")


@api.route("POST", "/admin/performance/{record_id}/review", access=ADMIN, body=ReviewIn,
           response=DisputedOut, tag=TAG, summary="复核一条有异议的履职记录（维持或更正）")
async def review(call: Call, body: ReviewIn) -> DisputedOut:
    call.decided["decision"] = body.outcome  # kept / corrected: the trail says which
    await call.domain.draws.record.performance.review(
        call.path_int("record_id"), ReviewOutcome(body.outcome),
        body.review_note, body.correction.entry() if body.correction else None, call.now,
        actor(call, "admin"))
    return await disputed_out(call)
