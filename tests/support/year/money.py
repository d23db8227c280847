"""The year's money: each month's evaluation's fees recorded, funded, approved by finance and
sent by WeChat transfer (some above 800 yuan, so that tax is withheld by month), and at the
month's end the same money to the fen in the ledger, the 扣缴申报 and the statistics, and as
the year itself paid it (IIT-REG Art. 14: a transfer belongs to the China month it was paid
in)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.draws import Invitation
from models.money.payouts import Payout
from sandbox.pay.transfer import TransferDesk
from services.fees.paid_month import paid_month
from tests.support.fees import EXAMPLE, publish
from tests.support.helpers import eventually
from tests.support.payouts import bill_of
from tests.support.year.world import Year

OVER = "900.00"  # an expert who stayed on: above 800 yuan, so tax is withheld


async def standard(year: Year) -> None:
    """The fee standard the year's fees follow, in force from its first day."""
    published = await publish(year.api, year.demo, year.today(), **{**EXAMPLE,
                                                                     "daily_cap_yuan": "1200.00"})
    if published.status != 200:
        year.broke(f"fee standard: {published.data}")


async def fees_funded(year: Year, aid: int, token: str, n: int) -> None:
    """Paid through WeChat Pay: one expert's fee above 800 yuan with its reason, the other's
    by the standard; the sheet funded by bank transfer and approved by finance."""
    api, where = year.api, f"/draws/activities/{aid}"
    chosen = await api.call("PUT", f"{where}/fee-channel", token, {"channel": "platform"})
    if chosen.status != 200:
        year.broke(f"{year.today()} fee channel of {aid}: {chosen.message or chosen.data}")
    sheet = await api.call("GET", f"{where}/fees", token)
    rows = sorted(sheet.data.get("experts", []), key=lambda r: r["invitation_id"])
    for k, row in enumerate(rows):
        computed = str(row["computed_yuan"])
        fee = await api.call("PUT", f"{where}/fees/{row['invitation_id']}", token, {
            "amount_yuan": OVER if k == 0 else computed, "paid": False,
            "reason": "经双方确认延长评审" if k == 0 and computed != OVER else ""})
        if fee.status != 200:
            year.broke(f"{year.today()} fee of {row['invitation_id']}: "
                       f"{fee.message or fee.data}")
    submitted = await api.call("POST", f"{where}/fee-funding", token,
                               {"reference": f"HX{year.today():%Y%m}{n:03d}"})
    if submitted.status != 200:
        year.broke(f"{year.today()} funding of {aid}: {submitted.message or submitted.data}")
        return
    finance = await api.login(year.demo["finance"].mp_openid)
    approved = await api.call("POST", f"/finance/fee-sheets/{aid}/decision", finance, {
        "approve": True, "total_yuan": submitted.data["funding"]["total_yuan"]})
    if approved.status != 200:
        year.broke(f"{year.today()} approval of {aid}: {approved.message or approved.data}")
        return
    year.ran("fee sheets approved")


async def send(year: Year, aid: int, token: str) -> list[Invitation]:
    """Every recorded fee of the evaluation sent by WeChat transfer (made now)."""
    served = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    for item in served:
        sent = await year.api.call("POST", f"/draws/activities/{aid}/payouts", token,
                                   {"invitation_id": item.id})
        if sent.status != 200:
            year.broke(f"{year.today()} transfer to {item.id}: {sent.message or sent.data}")
    year.ran("transfers made", len(served))
    return list(served)


async def confirmed(year: Year, served: list[Invitation]) -> None:
    """Each expert confirms the transfer in WeChat now: WeChat Pay pays it and tells the
    service, whose clock says when (and so which month)."""
    for item in served:
        if not await Payout.filter(invitation_id=item.id).exists():
            # an expert without the mini-program is asked for a bank account instead
            year.ran("fees asked to a bank account")
            continue
        bill = bill_of(year.gateway, item)
        TransferDesk(year.gateway).confirm(bill.package_info, bill.openid)

        async def paid(item_id: int = item.id) -> bool:
            return await Payout.filter(invitation_id=item_id, state="paid").exists()
        try:
            await eventually(paid, timeout=10)
        except AssertionError:
            year.broke(f"{year.today()} transfer to {item.id} not paid")
            continue
        payout = await Payout.get(invitation_id=item.id, state="paid")
        month = paid_month(payout)
        if month != year.today().replace(day=1):
            year.broke(f"{year.today()} transfer {payout.out_bill_no} paid in {month:%Y-%m}")
        tally = year.paid.setdefault(month, [0, 0])
        tally[0] += payout.gross_fen
        tally[1] += payout.tax_fen
        year.ran("transfers paid")
        if payout.tax_fen:
            year.ran("tax withheld (yuan)", payout.tax_fen // 100)


def _fen(yuan: str | Decimal) -> int:
    return int(Decimal(str(yuan)) * 100)


async def month_agrees(year: Year, month: date) -> None:
    """The month's fees, gross and tax, the same in the ledger, the declaration, the
    statistics and the year's own tally."""
    finance = await year.api.login(year.demo["finance"].mp_openid)
    admin = await year.api.login(year.demo["admin"].mp_openid)
    key = {"month": f"{month:%Y-%m}"}
    declared = await year.api.call("GET", "/finance/withholding", finance, params=key)
    books = await year.api.call("GET", "/finance/ledger", finance, params=key)
    stats = await year.api.call("GET", "/admin/statistics", admin,
                                params={"from_month": key["month"], "to_month": key["month"]})
    if declared.status != 200 or books.status != 200 or stats.status != 200:
        year.broke(f"{month:%Y-%m} money: {declared.status} {books.status} {stats.status} "
                   f"{stats.data if stats.status != 200 else ''}"[:200])
        return
    places = {
        "declaration": (sum(_fen(p["gross_yuan"]) for p in declared.data["payments"]),
                        sum(_fen(p["tax_yuan"]) for p in declared.data["payments"])),
        "ledger": (sum(_fen(f["gross_yuan"]) for b in books.data["agencies"] for f in b["fees"]),
                   sum(_fen(f["tax_yuan"]) for b in books.data["agencies"] for f in b["fees"])),
        "statistics": (sum(_fen(r["transfer_yuan"]) + _fen(r["bank_yuan"])
                           for r in stats.data["money"]),
                       sum(_fen(r["tax_yuan"]) for r in stats.data["money"])),
        "the year's own": tuple(year.paid.get(month, [0, 0])),
    }
    if len(set(places.values())) != 1:
        year.broke(f"{month:%Y-%m} money differs: " + ", ".join(
            f"{k} {g / 100:.2f}/{t / 100:.2f}" for k, (g, t) in places.items()))
    else:
        year.ran("money checked (yuan)", places["ledger"][0] // 100)

