"""Finance's view of the daily reconciliation: payments against WeChat Pay's trade bill
(services/payments/bill.py) and transfers to experts against its fund-flow bill
(services/payments/transfers/bill.py) — or, while a day's bill is not out, each order and
transfer asked one by one — each recent day's run and what differed; and a day run now,
today included, from finance's desk."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.payments import BillDue, Report, TransferReport

api = Api()
TAG = "管理"
FINANCE = {Role.FINANCE}


class ReconciliationQuery(Model):
    days: int = Field(default=7, ge=1, le=92,
                      description="最近多少天（中国时间）的对账；微信支付只提供三个月内的账单")


class MismatchOut(Model):
    kind: str = Field(description="missing_here 微信支付已收款、本系统未记为已支付 / "
                                  "missing_there 本系统已支付、账单中没有（逐笔查单：微信支付"
                                  "未收款） / amount_differs 金额不符 / refund_unknown 账单中有"
                                  "退款（逐笔查单：微信支付已退款）、本系统未退款 / "
                                  "refund_differs 退款金额不是全额 / unreadable 账单行无法识别 / "
                                  "unanswered 逐笔查单时微信支付未答复")
    out_trade_no: str
    transaction_id: str | None
    our_fen: int | None = Field(description="本系统订单金额（分）；为空表示本系统无此订单")
    their_fen: int | None = Field(description="账单金额或退款金额（分）；逐笔查单时为微信支付"
                                               "订单金额")
    our_status: str | None = Field(description="本系统订单状态；为空表示无此订单")
    note: str | None = Field(description="无法识别的账单行：行号和原因")


STATUS = ("ok 账单一致 / mismatches 账单有差异 / bill_unavailable 账单尚未生成 / failed "
          "获取或读取账单失败 / queried 账单尚未生成，已逐笔向微信支付查询（差异见 mismatches），"
          "账单生成后由账单核对替换")


class BillDueOut(Model):
    expected_at: datetime | None = Field(description="微信支付预计提供该日账单的时间（次日10:00，"
                                                     "中国时间）；为空表示已过该时间、微信支付"
                                                     "仍在生成")
    check_at: datetime | None = Field(description="系统下一次自动用账单核对该日的时间；为空表示"
                                                  "当天已没有自动核对，请稍后手动核对")


class RunOut(Model):
    bill_date: date = Field(description="核对的日期（中国时间）")
    ran_at: datetime
    status: str = Field(description=STATUS)
    bill_rows: int = Field(description="账单中的交易和退款笔数；逐笔查单时为查询的订单数")
    our_paid: int = Field(description="本系统当天支付成功的订单数")
    mismatch_count: int
    note: str | None = Field(description="账单不可用或失败的原因（微信支付的错误码）")
    bill_due: BillDueOut | None = Field(description="账单尚未生成时：何时生成、何时自动核对")
    mismatches: list[MismatchOut] = Field(description="差异（每天最多列出200条）")


class TransferMismatchOut(Model):
    kind: str = Field(description="missing_here 资金账单中有商家转账（逐笔查单：微信支付转账"
                                  "成功）、本系统未记为已发放 / missing_there 本系统已发放、"
                                  "资金账单中没有（逐笔查单：微信支付未转账成功） / "
                                  "amount_differs 金额不符 / unreadable 账单行无法识别 / "
                                  "unanswered 逐笔查单时微信支付未答复")
    out_bill_no: str = Field(description="商户单号（业务凭证号）")
    transfer_bill_no: str | None = Field(description="微信转账单号（微信支付业务单号）")
    our_fen: int | None = Field(description="本系统实发金额（分）；为空表示本系统无此转账")
    their_fen: int | None = Field(description="资金账单中的支出金额（分）；逐笔查单时为微信支付"
                                               "转账金额")
    our_state: str | None = Field(description="本系统转账状态；为空表示无此转账")
    note: str | None = Field(description="无法识别的账单行：行号和原因")


class TransferRunOut(Model):
    bill_date: date = Field(description="核对的日期（中国时间）")
    ran_at: datetime
    status: str = Field(description=STATUS)
    bill_rows: int = Field(description="资金账单（运营账户）中的商家转账笔数；逐笔查单时为查询的"
                                       "转账数")
    our_paid: int = Field(description="本系统当天发放成功的转账数")
    mismatch_count: int
    note: str | None = Field(description="账单不可用或失败的原因（微信支付的错误码）")
    bill_due: BillDueOut | None = Field(description="账单尚未生成时：何时生成、何时自动核对")
    mismatches: list[TransferMismatchOut] = Field(description="差异（每天最多列出200条）")


class ReconciliationOut(Model):
    runs: list[RunOut]
    transfer_runs: list[TransferRunOut] = Field(
        description="专家劳务费商家转账与微信支付资金账单的核对")


class RunIn(Model):
    bill_date: date = Field(description="要核对的日期（中国时间），不晚于今天；账单尚未生成的"
                                        "日期（今天，或次日10:00前）逐笔查单")


class RunNowOut(Model):
    payments: RunOut
    transfers: TransferRunOut


def due_out(due: BillDue | None) -> BillDueOut | None:
    return None if due is None else BillDueOut(expected_at=due.expected, check_at=due.check)


def run_out(r: Report) -> RunOut:
    return RunOut(
        bill_date=r.day, ran_at=r.ran_at, status=r.status, bill_rows=r.bill_rows,
        our_paid=r.our_paid, mismatch_count=r.mismatch_count, note=r.note,
        bill_due=due_out(r.due),
        mismatches=[MismatchOut(kind=m.kind, out_trade_no=m.out_trade_no,
                                transaction_id=m.transaction_id, our_fen=m.our_fen,
                                their_fen=m.their_fen, our_status=m.our_status, note=m.note)
                    for m in r.mismatches])


def transfer_run_out(r: TransferReport) -> TransferRunOut:
    return TransferRunOut(
        bill_date=r.day, ran_at=r.ran_at, status=r.status, bill_rows=r.bill_rows,
        our_paid=r.our_paid, mismatch_count=r.mismatch_count, note=r.note,
        bill_due=due_out(r.due),
        mismatches=[TransferMismatchOut(
            kind=m.kind, out_bill_no=m.out_bill_no, transfer_bill_no=m.transfer_bill_no,
            our_fen=m.our_fen, their_fen=m.their_fen, our_state=m.our_state, note=m.note)
            for m in r.mismatches])


@api.route("GET", "/admin/reconciliation", access=FINANCE, query=ReconciliationQuery,
           response=ReconciliationOut, summary="每日对账：本系统订单与微信支付交易账单的差异",
           tag=TAG)
async def reconciliation(call: Call, query: ReconciliationQuery) -> ReconciliationOut:
    reports = await call.domain.bill_reconcile.recent(query.days, call.now)
    transfers = await call.domain.transfer_reconcile.recent(query.days, call.now)
    return ReconciliationOut(runs=[run_out(r) for r in reports],
                             transfer_runs=[transfer_run_out(r) for r in transfers])


@api.route("POST", "/admin/reconciliation/run", access=FINANCE, body=RunIn,
           response=RunNowOut, tag=TAG,
           summary="立即核对某一天：交易账单（缴费）和资金账单（专家劳务费转账），账单尚未生成时"
                   "逐笔查单；结果替换当天原有结果")
async def reconcile_now(call: Call, body: RunIn) -> RunNowOut:
    domain = call.domain
    call.decided["day"] = body.bill_date.isoformat()  # the trail names the day checked
    payments = await domain.bill_reconcile.reconcile_day(body.bill_date, call.now)
    transfers = await domain.transfer_reconcile.reconcile_day(body.bill_date, call.now)
    return RunNowOut(payments=run_out(payments), transfers=transfer_run_out(transfers))
