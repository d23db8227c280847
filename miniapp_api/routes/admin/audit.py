"""The audit trail for the audit administrator (审计管理员; GB/T 22239-2019 level 3, 安全审计
and the separation of administrators): the latest entries with who, when, what and on which
item, whether the chain of the last days holds (the whole chain: `expertbot audit-log
verify`), and the record of access to personal data. Read only: nothing edits the trail;
each reading is itself an entry, so the auditor's own work is audited too."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.schemas import Model
from models.people import Role
from services.audit import recent_access
from services.common.clock import CHINA
from services.common.errors import DomainError

api = Api()
TAG = "审计"
AUDIT = {Role.AUDIT_ADMIN}


class TrailEntryOut(Model):
    seq: int | None = Field(description="在链中的序号（链建立之前的记录为空）")
    at: datetime
    who: str = Field(description="操作人（脱敏）；系统或未识别为空")
    action: str
    title: str
    what: str = Field(description="操作的接口或页面，及其编号")


class TrailOut(Model):
    entries: list[TrailEntryOut]
    earlier: int | None = Field(default=None, description="更早一页：下次请求的 before")
    holds: bool = Field(description="所校验天数内的审计链完整")
    days: int
    checked: int
    broken_at: int | None
    why: str


class TrailQuery(Model):
    action: str | None = Field(default=None, pattern="^[a-z_]{1,24}$")
    days: int = Field(default=7, ge=1, le=366, description="校验最近多少天的审计链")
    day: date | None = Field(default=None, description="只看这一天（北京时间）的记录")
    before: int | None = Field(default=None, ge=1, le=2**63 - 1,
                               description="翻页：只看编号小于此值的记录（上一页的 earlier）")


def _refusal(detail: dict[str, Any], texts: Any) -> str:
    """A refused change's reason (安全审计 b): "事件是否成功"), without its parameters (they
    may name people)."""
    try:
        said = texts.error(DomainError(str(detail.get("error", ""))))
    except Exception:
        said = ""
    return str(said).split("。")[0]


def _what(detail: dict[str, Any], texts: Any) -> str:
    """The entry in words (texts/audit/what.j2), by what its detail holds."""
    def say(case: str, **values: Any) -> str:
        return str(texts.render("audit/what.j2", case=case, **values)).strip()

    if "role" in detail and "to" in detail:  # a grant: to whom, which role
        return say("grant", to=detail["to"], role=texts.word("role", detail["role"]))
    if "days" in detail:  # an auditor's reading and the verification it ran
        return say("verify", days=detail["days"], holds=detail.get("holds"),
                   broken_at=detail.get("broken_at"))
    if detail.get("filter") == "access_log":
        return say("access_log")
    if "op" in detail:
        params = "、".join(f"{texts.word('audit_param', k)} {v}"
                          for k, v in (detail.get("params") or {}).items())
        outcome = detail.get("outcome")
        return say("op", title=str(detail.get("title") or detail["op"]), params=params,
                   outcome=outcome,
                   refusal=_refusal(detail, texts) if outcome == "refused" else "")
    if "log" in detail:
        return say("draw_log", log=detail["log"])
    if "how" in detail:  # a sign-in or its second factor: by what
        return say("sign_in", how=texts.word("sign_in_how", str(detail["how"])),
                   account=detail.get("account") or "")
    return "、".join(f"{k}={v}" for k, v in detail.items() if k != "browser")


PAGE = 100


@api.route("GET", "/admin/audit-trail", access=AUDIT, query=TrailQuery,
           response=TrailOut, tag=TAG,
           summary="审计记录（每页100条，可按日期和操作筛选、向前翻页）与最近几天审计链的校验结果")
async def audit_trail(call: Call, query: TrailQuery) -> TrailOut:
    chain, texts = call.domain.audit, call.services.texts
    await chain.chain_draw_logs(call.now)  # what the sweep has not joined yet
    found = await chain.verify(call.now - timedelta(days=query.days))
    start = datetime.combine(query.day, time(), CHINA) if query.day else None
    entries = await chain.recent(PAGE + 1, [query.action] if query.action else None,
                                 before=query.before, start=start,
                                 end=start + timedelta(days=1) if start else None)
    earlier = entries[PAGE - 1].id if len(entries) > PAGE else None
    reader = call.caller.need_person()  # this reading and its result, on the trail itself
    await chain.append("audit_read", call.now, person_id=reader.id, name=reader.name,
                       days=query.days, holds=found.broken_at is None,
                       broken_at=found.broken_at, filter=query.action or "",
                       **({"day": query.day.isoformat()} if query.day else {}))
    return TrailOut(entries=[TrailEntryOut(
        seq=e.seq, at=e.at, who=e.actor_name, action=e.action,
        title=texts.word("access_action", e.action), what=_what(e.detail, texts))
        for e in entries[:PAGE]], earlier=earlier, holds=found.broken_at is None,
        checked=found.checked, broken_at=found.broken_at, why=found.why, days=query.days)


class AccessOut(Model):
    at: datetime
    who: str = Field(description="管理员（脱敏）")
    action: str
    title: str
    rows: int | None


class AccessListOut(PageOut):
    entries: list[AccessOut]


@api.route("GET", "/admin/access-log", access=AUDIT, query=PageQuery, response=AccessListOut,
           tag=TAG,
           summary="个人信息访问记录：完整读取专家名册和导出文件的每一次（最新在前，分页）")
async def access_log(call: Call, query: PageQuery) -> AccessListOut:
    texts = call.services.texts
    found = await recent_access(query.limit, query.after)
    reader = call.caller.need_person()
    await call.domain.audit.append("audit_read", call.now, person_id=reader.id,
                                   name=reader.name, filter="access_log")
    return AccessListOut(entries=[AccessOut(
        at=e.at, who=e.actor_name, action=e.action,
        title=texts.word("access_action", e.action), rows=e.detail.get("rows"))
        for e in found.rows], next=found.next)
