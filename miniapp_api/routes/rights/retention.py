"""The retention report for administrators: the declared retention per kind of personal data
(the 清单, services/rights/data_inventory.py) and what each run of the retention job
anonymised or removed (services/rights/retention.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.rights import INVENTORY

api = Api()
TAG = "个人信息保护"


class PolicyOut(Model):
    key: str
    title: str
    retention: str
    keep: str = Field(description="期满后的处理（文字）")


class CountOut(Model):
    title: str
    count: int


class RunOut(Model):
    id: int
    started_at: datetime
    finished_at: datetime | None
    persons: int = Field(description="本次匿名化的注销人员数")
    counts: list[CountOut] = Field(description="按类别：匿名化或删除的记录数")


class RetentionOut(Model):
    policy: list[PolicyOut]
    runs: list[RunOut]


@api.route("GET", "/admin/retention", access={Role.ADMIN}, response=RetentionOut, tag=TAG,
           summary="个人信息保存期限与到期处理报告（最近50次）")
async def retention_report(call: Call) -> RetentionOut:
    pd, texts = call.domain.personal_data, call.services.texts
    titles = {k.key: pd.describe(k) for k in INVENTORY}
    runs = await call.domain.retention.runs()
    return RetentionOut(
        policy=[PolicyOut(key=k.key, title=titles[k.key]["title"],
                          retention=titles[k.key]["retention"],
                          keep=texts.word("retention_keep", k.keep)) for k in INVENTORY],
        runs=[RunOut(id=r.id, started_at=r.started_at, finished_at=r.finished_at,
                     persons=r.persons,
                     counts=[CountOut(title=titles[k]["title"], count=n)
                             for k, n in r.counts.items() if k in titles])
              for r in runs])
