"""The system administrator's desk: every batch with its windows, stages, fee,
exam and where its applications stand; the notifications that failed or died, with the last
error and a re-send; payment orders with their reconciliation state."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.paging import PageOut, PageQuery
from miniapp_api.routes.applicants.applications import BatchOut, batch_out
from miniapp_api.schemas import Model
from models.people import Role
from services.common.errors import Conflict
from services.common.paging import CURSOR_MAX, decode, encode
from services.common.pii import mask_name, mask_phone, public

api = Api()
TAG = "管理"
ADMIN = {Role.ADMIN}
FINANCE = {Role.FINANCE}  # the centre's money: payments and their reconciliation


class ExamBriefOut(Model):
    id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    pass_score: int


class BatchOverviewOut(BatchOut):
    apply_from: datetime
    apply_until: datetime
    pay_until: datetime | None
    exam_required: bool
    exam: ExamBriefOut | None
    applications: dict[str, int] = Field(description="按状态统计的申请数")


class BatchOverviewsOut(Model):
    batches: list[BatchOverviewOut]


@api.route("GET", "/admin/batches", access=ADMIN, response=BatchOverviewsOut,
           summary="全部批次：时间窗口、审核环节、费用、考试和申请数", tag=TAG)
async def list_batches(call: Call) -> BatchOverviewsOut:
    out = []
    for view in await call.domain.admin_views.batches(await call.domain.reads.db()):
        b, e = view.batch, view.exam
        out.append(BatchOverviewOut(
            **batch_out(call, b, call.now).model_dump(), apply_from=b.apply_from,
            apply_until=b.apply_until, pay_until=b.pay_until, exam_required=b.exam_required,
            exam=None if e is None else ExamBriefOut(
                id=e.id, title=e.title, opens_at=e.opens_at, closes_at=e.closes_at,
                pass_score=e.pass_score),
            applications=dict(view.applications)))
    return BatchOverviewsOut(batches=out)


class StuckQuery(PageQuery):
    state: str | None = Field(default=None, pattern="^(failed|dead)$",
                              description="failed 未送达 / dead 多次重试仍失败；不填为两者")


class StuckOut(Model):
    id: int
    kind: str
    person: str | None = Field(description="收件人（脱敏）")
    status: str
    channel: str | None
    attempts: int
    last_error: str | None = Field(description="最后一次的技术详情（运维用，英文；页面不显示）")
    kind_title: str = Field(description="通知事项")
    status_title: str = Field(description="状态（中文）")
    channel_title: str | None = Field(description="渠道（中文）")
    reason: str = Field(description="未能发送的原因（中文）")
    tried: list[str] = Field(description="每次尝试遇到的问题（中文，先后顺序）")
    created_at: datetime


class StuckListOut(PageOut):
    notifications: list[StuckOut]


@api.route("GET", "/admin/notifications", access=ADMIN, query=StuckQuery,
           response=StuckListOut, summary="发送失败的通知（最新在前，分页）及最后的错误", tag=TAG)
async def stuck(call: Call, query: StuckQuery) -> StuckListOut:
    found = await call.domain.admin_views.stuck_notifications(query.state, query.limit, query.after)
    rows = found.rows
    names = await call.domain.people.names_of({r.person_id for r in rows if r.person_id})
    texts = call.services.texts
    out = []
    for r in rows:
        last = r.last_error.splitlines()[-1] if r.last_error else None
        out.append(StuckOut(
            id=r.id, kind=r.kind, kind_title=texts.word("notification_kind", r.kind),
            person=mask_name(names[r.person_id]) if r.person_id in names else None,
            status=r.status, channel=r.channel, attempts=r.attempts, last_error=last,
            status_title=texts.word("send_status", r.status),
            channel_title=texts.word("channel_kind", r.channel) if r.channel else None,
            reason=call.domain.outbox.failures.failure_words(texts, last, r.channels),
            tried=call.domain.outbox.failures.attempts_words(texts, r.last_error, r.channels),
            created_at=r.created_at))
    return StuckListOut(notifications=out, next=found.next)


class ResentOut(Model):
    id: int
    status: str


@api.route("POST", "/admin/notifications/{notification_id}/resend", access=ADMIN,
           response=ResentOut, summary="重新发送一条失败的通知", tag=TAG)
async def resend(call: Call) -> ResentOut:
    who = mask_name(call.caller.need_person().name)
    if not await call.domain.outbox.resend(call.path_int("notification_id"), call.now, who):
        raise Conflict("admin.not_resendable")
    return ResentOut(id=call.path_int("notification_id"), status="queued")


class OrdersQuery(Model):
    status: str | None = Field(default=None, pattern="^[a-z]{2,12}$",
                               description="creating / open / closing / closed / paid / "
                                           "duplicate / refunded")
    since: datetime | None = None
    before: int | None = Field(default=None, ge=1, description="上一页的 next_before")
    after: str | None = Field(default=None, max_length=CURSOR_MAX,
                              description="下一页：上一页返回的 next")
    limit: int = Field(default=200, ge=1, le=1000)


class OrderOut(Model):
    out_trade_no: str
    title: str
    payer: str | None = Field(description="缴费人（脱敏）")
    amount_fen: int
    status: str
    trade_type: str
    transaction_id: str | None
    paid_at: datetime | None
    settled_by: str | None = Field(description="notify 支付通知 / reconcile 主动查单")
    checked_at: datetime | None = Field(description="最近一次查单时间")
    created_at: datetime


class OrdersOut(PageOut):
    orders: list[OrderOut]
    next_before: int | None = Field(description="更早一页的 before；为空表示没有更多")


@api.route("GET", "/admin/payments", access=FINANCE, query=OrdersQuery, response=OrdersOut,
           summary="支付订单及对账状态（新的在前，分页）", tag=TAG)
async def payments(call: Call, query: OrdersQuery) -> OrdersOut:
    after = decode(query.after, int)  # newest first by id: the key is the id
    below = [k for k in (query.before, after[0] if after else None) if k is not None]
    rows = await call.domain.admin_views.orders(query.status, query.since,
                                                min(below) if below else None, query.limit + 1)
    more, rows = len(rows) > query.limit, rows[:query.limit]
    names = await call.domain.people.names_of({r.payable.person_id for r in rows})
    return OrdersOut(orders=[OrderOut(
        out_trade_no=r.out_trade_no, title=r.payable.title,
        payer=mask_name(names[r.payable.person_id]) if r.payable.person_id in names else None,
        amount_fen=r.amount_fen, status=r.status, trade_type=r.trade_type,
        transaction_id=r.transaction_id, paid_at=r.paid_at, settled_by=r.settled_by,
        checked_at=r.checked_at, created_at=r.created_at) for r in rows],
        next_before=rows[-1].id if more else None, next=encode(rows[-1].id) if more else None)


class LongPageQuery(Model):
    """The register's and a batch's long lists, read whole by the exports a page at a time
    (oldest first by id)."""

    after: str | None = Field(default=None, max_length=CURSOR_MAX,
                              description="下一页：上一页返回的 next（或 next_after）")
    limit: int = Field(default=500, ge=1, le=1000)

    def after_id(self) -> int:
        key = decode(self.after, int)
        return key[0] if key else 0


class ExpertsQuery(LongPageQuery):
    unmasked: bool = Field(default=False, description=(
        "是：完整姓名和手机号（管理专家库的办公室使用；每次读取都记入访问记录）"))


class ExpertRowOut(Model):
    id: int
    expert_number: str
    name: str = Field(description="姓名（脱敏；unmasked 时完整）")
    phone: str = Field(description="手机号（脱敏；unmasked 时完整）")
    region: str
    industry: str | None
    title_level: str | None
    work_unit: str
    specialties: list[str] = Field(description="专业代码，首选在前")
    active: bool


class ExpertsOut(PageOut):
    experts: list[ExpertRowOut]
    next_after: int | None = Field(description="下一页的 after；为空表示没有更多")


@api.route("GET", "/admin/experts", access=ADMIN, query=ExpertsQuery, response=ExpertsOut,
           summary="专家名册（分页；默认脱敏，完整姓名和手机号的每次读取都有记录）", tag=TAG)
async def experts(call: Call, query: ExpertsQuery) -> ExpertsOut:
    # the listing may lag (the replica); the record of an unmasked read goes to the primary
    rows, after = await call.domain.admin_views.experts_page(query.after_id(), query.limit,
                                                             await call.domain.reads.db())
    if query.unmasked:  # the office that keeps the register reads it in full, on record
        # (miniapp_api/audit.py: one entry for the reading, or for the console's export)
        handed_out(call.request, people=len(rows), full=True)
    return ExpertsOut(experts=[ExpertRowOut(
        id=e.id, expert_number=e.expert_number,
        name=p.name if query.unmasked else mask_name(p.name),
        phone=public(p.phone) if query.unmasked else mask_phone(p.phone),
        region=e.region, industry=e.industry,
        title_level=e.title_level, work_unit=e.work_unit, specialties=codes, active=e.active)
        for e, p, codes in rows], next_after=after, next=encode(after) if after else None)


class ApplicationRowOut(Model):
    id: int
    applicant: str = Field(description="申请人（脱敏）")
    id_number: str = Field(description="身份证号（脱敏）")
    kind: str
    status: str
    status_title: str
    region: str | None
    industry: str | None
    last_step: str | None = Field(description="最近一步审核：环节、操作")
    last_reason: str | None
    last_at: datetime | None


class ApplicationsOut(PageOut):
    applications: list[ApplicationRowOut]
    next_after: int | None


@api.route("GET", "/admin/batches/{batch_id}/applications", access=ADMIN, query=LongPageQuery,
           response=ApplicationsOut, summary="批次的申请及审核结果（分页，已脱敏）", tag=TAG)
async def batch_applications(call: Call, query: LongPageQuery) -> ApplicationsOut:
    rows, after = await call.domain.admin_views.applications_page(
        call.path_int("batch_id"), query.after_id(), query.limit, await call.domain.reads.db())
    texts = call.services.texts
    return ApplicationsOut(applications=[ApplicationRowOut(
        id=a.id, applicant=mask_name(p.name), id_number=p.id_masked, kind=a.kind,
        status=a.status, status_title=texts.word("application_status", a.status),
        region=a.region, industry=a.industry,
        last_step=None if step is None else
        f"{step.stage_title or ''} {texts.render('review/action.j2', action=step.action)}".strip(),
        last_reason=step.reason if step else None, last_at=step.at if step else None)
        for a, p, step in rows], next_after=after, next=encode(after) if after else None)
