"""Finance's monthly withholding declaration list (扣缴申报, IIT-LAW Art. 9, TAX-61 Art. 8):
every expert's fee paid in a China month (a WeChat transfer, or into a bank account), each
with the income, deduction, taxable income, rate, quick deduction, tax and the amount
transferred, and the month's totals. ID numbers are masked unless asked for in full (for
the declaration itself), and such a reading is recorded (个人信息访问记录)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.fees.common import FINANCE, TAG, fen_yuan
from miniapp_api.schemas import Model
from services.audit import WITHHOLDING
from services.common.clock import china_today
from services.common.pii import mask_name, public

api = Api()
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class DeclarationQuery(Model):
    month: str = Field(default="", pattern=r"^(20\d\d-(0[1-9]|1[0-2]))?$",
                       description="年月，如 2026-11（默认：本月，北京时间）")
    unmasked: bool = Field(default=False,
                           description="证件号码、姓名完整（申报用；每次读取都被记录）")


class DeclaredOut(Model):
    name: str
    id_type: str = Field(description="证件类型")
    id_number: str = Field(description="证件号码（脱敏；unmasked 时完整）")
    income_item: str = Field(description="所得项目")
    gross_yuan: Decimal = Field(description="收入额（应发）")
    deduction_yuan: Decimal = Field(description="减除费用")
    taxable_yuan: Decimal = Field(description="应纳税所得额")
    rate_pct: int = Field(description="预扣率（%）")
    quick_yuan: Decimal = Field(description="速算扣除数")
    tax_yuan: Decimal = Field(description="应扣缴税额（已代扣）")
    net_yuan: Decimal = Field(description="实发")
    paid_on: date = Field(description="支付日期（北京时间；合并的为最后一笔）")
    by_bank: bool = Field(description="银行转账（否则为微信支付转账）")
    payments: int = Field(description="合并为一次申报的支付笔数（同一项目同月多次支付为一次）")


class DeclarationOut(Model):
    month: str
    payments: list[DeclaredOut]
    gross_yuan: Decimal = Field(description="本月收入额合计")
    tax_yuan: Decimal = Field(description="本月代扣个人所得税合计")
    net_yuan: Decimal = Field(description="本月实发合计")


def month_of(query: DeclarationQuery, now: datetime) -> date:
    found = MONTH.match(query.month)
    if found is None:
        return china_today(now).replace(day=1)
    return date(int(found.group(1)), int(found.group(2)), 1)


@api.route("GET", "/finance/withholding", access=FINANCE, query=DeclarationQuery,
           response=DeclarationOut, tag=TAG,
           summary="财务：个人所得税扣缴申报明细（某月通过微信支付发放的专家劳务费）")
async def declaration(call: Call, query: DeclarationQuery) -> DeclarationOut:
    month = month_of(query, call.now)
    rows = await call.domain.fees.declaration.of_month(month)
    if query.unmasked:  # the declaration names each payee by their ID number, on record
        handed_out(call.request, people=len({r.person.id for r in rows}),
                   held=WITHHOLDING.everything(True), why=WITHHOLDING.why)
    people = call.domain.people
    texts = call.services.texts
    zero = Decimal(0)
    out = [DeclaredOut(
        name=r.person.name if query.unmasked else mask_name(r.person.name),
        id_type=texts.render("payout/id_type.j2").strip(),
        id_number=public(people.id_number_of(r.person)) if query.unmasked
        else r.person.id_masked,
        income_item=texts.render("payout/income_item.j2").strip(),
        gross_yuan=fen_yuan(r.gross_fen), deduction_yuan=fen_yuan(r.deduction_fen),
        taxable_yuan=fen_yuan(r.taxable_fen), rate_pct=r.rate_pct,
        quick_yuan=fen_yuan(r.quick_fen), tax_yuan=fen_yuan(r.tax_fen),
        net_yuan=fen_yuan(r.net_fen), paid_on=r.paid_on, by_bank=r.by_bank,
        payments=len(r.paid))
        for r in rows]
    return DeclarationOut(month=f"{month:%Y-%m}", payments=out,
                          gross_yuan=sum((p.gross_yuan for p in out), zero),
                          tax_yuan=sum((p.tax_yuan for p in out), zero),
                          net_yuan=sum((p.net_yuan for p in out), zero))
