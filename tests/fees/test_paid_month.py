"""One month for tax and money (IIT-REG Art. 14: "属于同一项目连续性收入的，以一个月内取得的收入
为一次"): a transfer belongs to the China month it was paid in, in the withholding of a later
fee, the declaration (扣缴申报), the ledger and the statistics alike. A golden table across
month ends: made on the 31st and paid on the 1st, paid across 31 December, a corrected fee
paid in the next month, a cancelled transfer re-issued in the next month; the four places
agree to the fen for every month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation
from models.money.payouts import Payout, PayoutAccount, PayoutState
from sandbox.pay.gateway import PayGateway
from sandbox.pay.transfer import TransferDesk
from services.common.clock import CHINA
from services.fees.money import Money
from services.fees.month_income import earlier, withholding_of
from services.fees.paid_month import paid_month
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.helpers import eventually
from tests.support.payouts import bill_of, fees_ready, funded
from tests.support.wechat import Chat


def at(text: str) -> datetime:
    """A China moment, 2026-12-31 23:50."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


@dataclass(frozen=True)
class Transfer:
    expert: int  # 0 or 1: which of the evaluation's experts
    yuan: int
    made: str
    ended: str  # when WeChat Pay paid it, or it was cancelled or expired
    state: str = PayoutState.PAID
    by_bank: bool = False


# the transfers in the order made; each one's tax is withheld when it is made
TABLE = [
    # made on the 31st and paid on the 1st, then the project's next fee in the month it was
    # paid: one payment of 1,800 yuan in February, (1,800 − 800) × 20 % = 200
    Transfer(0, 900, "2027-01-31 23:50", "2027-02-01 00:10"),
    Transfer(0, 900, "2027-02-05 10:00", "2027-02-05 10:05"),
    # paid across 31 December: December's own, then one paid on 1 January
    Transfer(1, 900, "2026-12-10 10:00", "2026-12-10 10:05"),
    Transfer(1, 600, "2027-01-02 09:00", "2027-01-02 09:10", by_bank=True),
    Transfer(1, 900, "2026-12-31 23:30", "2027-01-01 00:05"),
    # a wrong fee withdrawn on the month's last day, the corrected fee paid in the next
    Transfer(0, 400, "2027-03-31 18:00", "2027-03-31 18:30", PayoutState.CANCELLED),
    Transfer(0, 1_200, "2027-04-01 09:00", "2027-04-01 09:20"),
    # a transfer not confirmed in 24 hours expires in the next month and is made again
    Transfer(1, 900, "2027-03-31 20:00", "2027-04-01 20:00", PayoutState.EXPIRED),
    Transfer(1, 900, "2027-04-01 21:00", "2027-04-01 21:30"),
]
# per China month: (expert, gross, tax withheld), in fen — the same in every place
GOLDEN = {
    date(2026, 12, 1): {1: (90_000, 2_000)},
    # 900 made on 31 December with December's 900 paid: 180 withheld then (1,800 − 800) ×
    # 20 % − 20; January's 600 on top of it: (1,500 − 800) × 20 % = 140 is less than the 180
    # already withheld, so nothing more. A tax fixed when the transfer is made can come out
    # above the month's, never below it; the annual settlement (汇算清缴) squares the rest.
    date(2027, 1, 1): {1: (150_000, 18_000)},
    date(2027, 2, 1): {0: (180_000, 20_000)},
    date(2027, 3, 1): {},
    date(2027, 4, 1): {0: (120_000, 8_000), 1: (90_000, 2_000)},
}


async def _make(row: Transfer, item: Invitation, root: DrawActivity, number: int) -> None:
    made, ended = at(row.made), at(row.ended)
    fee = row.yuan * 100
    await Invitation.filter(id=item.id).update(fee_fen=fee)
    tax = await withholding_of(await Invitation.get(id=item.id), root, made)
    money = {"amount_fen": tax.net_fen, "gross_fen": tax.gross_fen,
             "taxable_fen": tax.taxable_fen, "tax_rate": tax.rate_pct, "tax_fen": tax.tax_fen}
    if row.by_bank:
        await PayoutAccount.create(invitation_id=900_000 + number, activity_id=root.id,
                                   person_id=item.person_id, asked_by=0, asked_at=made,
                                   paid_at=ended, paid_by=0, paid_ref=f"BANK{number}", **money)
        return
    # a fee of its own (another section's evaluation of the project) unless made again
    await Payout.create(invitation_id=900_000 + number, activity_id=root.id,
                        person_id=item.person_id, out_bill_no=f"GOLD{number:08d}",
                        openid="o-gold", state=row.state, created_by=0, created_at=made,
                        expires_at=made + timedelta(days=1), finished_at=ended,
                        transfer_bill_no=f"WX{number}", **money)


async def test_a_transfer_counts_in_the_month_it_was_paid_in_everywhere(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    aid, _, served = await fees_ready(api, chat, client, demo)
    root = await DrawActivity.get(id=aid)
    for number, row in sorted(enumerate(TABLE), key=lambda n_row: at(n_row[1].made)):
        await _make(row, served[row.expert], root, number)
    person = {i: served[i].person_id for i in (0, 1)}
    person_of = {p: i for i, p in person.items()}
    finance = await api.login(demo["finance"].mp_openid)
    for month, golden in GOLDEN.items():
        want = {person[e]: v for e, v in golden.items()}
        # 1. the withholding of a fee made at the month's end counts these
        end = datetime.combine(month + timedelta(days=31), datetime.min.time(), CHINA
                               ).replace(day=1) - timedelta(minutes=1)
        assert {p: await earlier(p, root.project_id, end, besides=0) for p in want} == want, \
            month
        # 2. the declaration: one line per expert and project, the tax withheld
        declared = (await api.call("GET", "/finance/withholding", finance,
                                   params={"month": f"{month:%Y-%m}"})).data["payments"]
        assert sorted((_fen(p["gross_yuan"]), _fen(p["tax_yuan"])) for p in declared) == sorted(
            want.values()), month
        # 3. the ledger
        books = (await api.call("GET", "/finance/ledger", finance,
                                params={"month": f"{month:%Y-%m}"})).data["agencies"]
        fees = [f for b in books for f in b["fees"] if f["activity_id"] == aid]
        assert (sum(_fen(f["gross_yuan"]) for f in fees), sum(_fen(f["tax_yuan"]) for f in fees)
                ) == _total(want), month
        # 4. the statistics' money
        rows = await Money.by_month([month])
        assert (sum(r.transfer_fen + r.bank_fen for r in rows), sum(r.tax_fen for r in rows)
                ) == _total(want), month
    # every transfer paid is in the month the table says
    for row in await Payout.filter(out_bill_no__startswith="GOLD", state="paid"):
        assert person_of[row.person_id] in GOLDEN[paid_month(row)]


def _fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def _total(by_person: dict[int, tuple[int, int]]) -> tuple[int, int]:
    return (sum(g for g, _ in by_person.values()), sum(t for _, t in by_person.values()))


async def test_a_transfer_is_paid_at_the_services_moment_when_wechat_pay_tells_of_it(
        api: Api, chat: Chat, client: TestClient, demo: dict, clock: MovedClock,
        pay_gateway: PayGateway) -> None:
    """WeChat Pay's notification is applied at the moment the service reads from its clock,
    as every request is: a transfer made on the month's last evening and confirmed by the
    expert after midnight is paid in the next month, in the declaration too."""
    aid, token, served = await fees_ready(api, chat, client, demo)
    chosen = await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                            {"channel": "platform"})
    assert chosen.status == 200, chosen.data
    await funded(api, demo, aid, token)
    item = served[0]
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
    today = datetime.now(CHINA).date()
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    after_midnight = datetime.combine(next_month, datetime.min.time(), CHINA) + timedelta(
        minutes=10)
    clock.advance(after_midnight.timestamp() - clock.time())
    bill = bill_of(pay_gateway, item)
    TransferDesk(pay_gateway).confirm(bill.package_info, bill.openid)

    async def paid() -> bool:
        return await Payout.filter(invitation_id=item.id, state="paid").exists()
    await eventually(paid, timeout=10)
    payout = await Payout.get(invitation_id=item.id, state="paid")
    assert payout.finished_at is not None
    assert abs((payout.finished_at - after_midnight).total_seconds()) < 60
    assert paid_month(payout) == next_month
    finance = await api.login(demo["finance"].mp_openid)
    declared = await api.call("GET", "/finance/withholding", finance,
                              params={"month": f"{next_month:%Y-%m}"})
    assert [p["gross_yuan"] for p in declared.data["payments"]] == ["400.00"]
