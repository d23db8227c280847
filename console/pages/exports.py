"""The console's downloads (issue 19, item 6), each the API endpoint of its page turned into
rows: an activity's results and attendance (the agency, once unsealed), the reviewer's
queue, a batch's applications with their review outcome, the expert register and payment
orders (the administrator). Long lists are read page by page (keyset) from the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from console.app import page, person_of
from console.context import CONSOLE
from console.xlsx import Sheet, xlsx

RESULTS = ("GET", "/draws/activities/{activity_id}/results")
ATTENDANCE = ("GET", "/draws/activities/{activity_id}/attendance")
QUEUE = ("GET", "/review/queue")
APPLICATIONS = ("GET", "/admin/batches/{batch_id}/applications")
EXPERTS = ("GET", "/admin/experts")
ORDERS = ("GET", "/admin/payments")
PAGE = 1000


@page("GET", "/activities/{activity_id}/results.xlsx", uses=RESULTS)
async def results(request: web.Request) -> web.Response:
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    params = dict(request.match_info)
    drawn = await endpoints.call(request, person, *RESULTS, params=params)
    seen = await endpoints.call(request, person, *ATTENDANCE, params=params)
    return await xlsx(f"抽取结果-{params['activity_id']}.xlsx", [
        Sheet("抽取结果", ["姓名", "专家编号", "验证码", "补抽专家"],
              [(e.name, e.expert_number, e.verification_code, e.supplementary)
               for e in drawn.experts]),
        Sheet("到场情况", ["姓名", "验证码", "签到时间", "签退时间", "催促次数", "缺席"],
              [(a.name, a.verification_code, a.checkin_at, a.checkout_at, a.urges, a.absent)
               for a in seen.experts])])


@page("GET", "/review.xlsx", uses=QUEUE)
async def review_queue(request: web.Request) -> web.Response:
    listed = await request.app[CONSOLE].endpoints.call(request, person_of(request), *QUEUE)
    return await xlsx("待审核申请.xlsx", [Sheet(
        "待审核", ["编号", "批次", "申请人", "手机号", "地区", "行业", "环节", "提交时间"],
        [(a.id, a.batch, a.applicant, a.phone, a.region, a.industry, a.stage,
          a.submitted_at) for a in listed.applications])])


async def _pages(request: web.Request, endpoint: tuple[str, str], field: str,
                 params: dict[str, str] | None = None, cursor: str = "after"
                 ) -> AsyncIterator[Any]:
    """Every row of a paged API list, PAGE at a time: `cursor` is the query parameter, and
    `next_<cursor>` in the answer gives its next value (none: the last page)."""
    endpoints, person = request.app[CONSOLE].endpoints, person_of(request)
    query: dict[str, Any] = {"limit": PAGE}
    while True:
        got = await endpoints.call(request, person, *endpoint, params=params, query=query)
        for row in getattr(got, field):
            yield row
        if (following := getattr(got, f"next_{cursor}")) is None:
            return
        query[cursor] = following


@page("GET", "/batches/{batch_id}/applications.xlsx", uses=APPLICATIONS)
async def applications(request: web.Request) -> web.Response:
    rows = [(a.id, a.applicant, a.id_number, a.kind, a.status_title, a.region, a.industry,
             a.last_step, a.last_reason, a.last_at) async for a in _pages(
        request, APPLICATIONS, "applications", dict(request.match_info))]
    return await xlsx(f"批次申请-{request.match_info['batch_id']}.xlsx", [Sheet(
        "申请与审核结果", ["编号", "申请人", "身份证号", "类型", "状态", "地区", "行业",
                      "最近审核", "意见", "时间"], rows)])


@page("GET", "/experts.xlsx", uses=EXPERTS)
async def experts(request: web.Request) -> web.Response:
    rows = [(e.expert_number, e.name, e.phone, e.region, e.industry, e.title_level,
             e.work_unit, e.specialties, e.active) async for e in _pages(
        request, EXPERTS, "experts")]
    return await xlsx("专家名册.xlsx", [Sheet(
        "专家名册", ["专家编号", "姓名", "手机号", "常驻地区", "行业", "职称", "工作单位",
                 "专业（首选在前）", "在库"], rows)])


@page("GET", "/payments.xlsx", uses=ORDERS)
async def orders(request: web.Request) -> web.Response:
    listed = [o async for o in _pages(request, ORDERS, "orders", cursor="before")]
    return await xlsx("支付订单.xlsx", [Sheet(
        "支付订单", ["商户订单号", "费用", "缴费人", "金额（分）", "状态", "微信支付单号",
                 "支付时间", "确认方式", "最近查单", "创建时间"],
        [(o.out_trade_no, o.title, o.payer, o.amount_fen, o.status, o.transaction_id,
          o.paid_at, o.settled_by, o.checked_at, o.created_at) for o in listed])])

