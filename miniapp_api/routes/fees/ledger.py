"""Finance's ledger of experts' fees per agency and per China month
(services/fees/ledger.py): the fee sheets funded, their approval, each fee paid with
its gross, tax withheld and net, and the totals. Experts' names are masked unless asked for
in full (the Excel file), and such a reading is recorded (个人信息访问记录)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.fees.common import FINANCE, TAG, fen_yuan
from miniapp_api.routes.fees.declaration import DeclarationQuery, month_of
from miniapp_api.schemas import Model
from services.audit import FEE_LEDGER
from services.common.pii import mask_name

api = Api()


class LedgerQuery(DeclarationQuery):
    agency_id: int | None = Field(default=None, ge=1, description="只看这个代理机构")


class SheetOut(Model):
    activity_id: int
    project: str = Field(description="项目名称")
    total_yuan: Decimal = Field(description="专家费清单金额（代理机构转入）")
    reference: str = Field(description="代理机构转账凭证号")
    state: str = Field(description="submitted 待财务确认 / approved 已批准 / returned 已退回")
    submitted_on: date = Field(description="提交日期（北京时间）")
    approved_on: date | None = Field(description="批准日期（北京时间）")


class FeeOut(Model):
    activity_id: int
    project: str
    name: str = Field(description="专家姓名（脱敏；unmasked 时完整）")
    gross_yuan: Decimal = Field(description="应发")
    tax_yuan: Decimal = Field(description="代扣个人所得税")
    net_yuan: Decimal = Field(description="实发")
    by_bank: bool = Field(description="银行转账（否则为微信支付商家转账）")
    paid_on: date = Field(description="发放日期（北京时间）")
    reference: str = Field(description="微信转账单号或银行转账凭证号")
    payout_id: int | None = Field(default=None, description=(
        "微信转账的编号（其电子回单：/finance/transfers/{payout_id}/receipt）"))
    receipt: bool = Field(default=False, description="电子回单已归档")


class AgencyLedgerOut(Model):
    agency_id: int
    agency: str
    sheets: list[SheetOut]
    fees: list[FeeOut]
    funded_yuan: Decimal = Field(description="本月提交的清单金额合计")
    gross_yuan: Decimal = Field(description="本月发放应发合计")
    tax_yuan: Decimal = Field(description="本月代扣个人所得税合计")
    net_yuan: Decimal = Field(description="本月实发合计（= 应发 − 代扣税）")


class LedgerOut(Model):
    month: str
    agencies: list[AgencyLedgerOut]


@api.route("GET", "/finance/ledger", access=FINANCE, query=LedgerQuery, response=LedgerOut,
           tag=TAG, summary="财务：专家劳务费台账（按代理机构、按月：清单入账、批准与每笔发放）")
async def fee_ledger(call: Call, query: LedgerQuery) -> LedgerOut:
    month = month_of(query, call.now)
    books = await call.domain.fees.ledger.of_month(month, query.agency_id)
    archived = await call.domain.fees.receipts.archived(
        [f.payout_id for b in books for f in b.fees if f.payout_id is not None])
    if query.unmasked:
        handed_out(call.request, people=len({f.person.id for b in books for f in b.fees}),
                   held=FEE_LEDGER.everything(True), why=FEE_LEDGER.why)
    return LedgerOut(month=f"{month:%Y-%m}", agencies=[AgencyLedgerOut(
        agency_id=b.agency_id, agency=b.agency,
        sheets=[SheetOut(activity_id=s.activity_id, project=s.project,
                         total_yuan=fen_yuan(s.total_fen), reference=s.reference,
                         state=s.state, submitted_on=s.submitted_on,
                         approved_on=s.approved_on) for s in b.sheets],
        fees=[FeeOut(activity_id=f.activity_id, project=f.project,
                     name=f.person.name if query.unmasked else mask_name(f.person.name),
                     gross_yuan=fen_yuan(f.gross_fen), tax_yuan=fen_yuan(f.tax_fen),
                     net_yuan=fen_yuan(f.net_fen), by_bank=f.by_bank, paid_on=f.paid_on,
                     reference=f.reference, payout_id=f.payout_id,
                     receipt=f.payout_id in archived) for f in b.fees],
        funded_yuan=fen_yuan(b.funded_fen), gross_yuan=fen_yuan(b.gross_fen),
        tax_yuan=fen_yuan(b.tax_fen), net_yuan=fen_yuan(b.net_fen)) for b in books])
