"""One project's continuing income in a month is one payment (IIT-REG Art. 14: "属于同一项目
连续性收入的，以一个月内取得的收入为一次"): an expert paid a second time in the month for the
same project is taxed on the sum, less what the first withheld; the declaration lists the two
as one 次, and the ledger's tax adds up to the declaration's to the fen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Invitation
from sandbox.pay.gateway import PayGateway
from services.common.clock import CHINA
from services.fees.withholding import continuing, withhold
from tests.support.api import Api
from tests.support.draw_world import drawn
from tests.support.fees import evaluation_over, nine_today, worked
from tests.support.payouts import fees_ready, funded, paid_by_transfer, record
from tests.support.wechat import Chat

# (the month's earlier gross, its tax withheld, this payment) -> this payment's tax, in fen
GOLDEN = [
    ((0, 0, 90_000), 2_000),  # the first: 900 yuan, (900 − 800) × 20 %
    ((90_000, 2_000, 90_000), 18_000),  # 1,800 together: 200 − 20 already withheld
    ((300_000, 44_000, 200_000), 36_000),  # 3,000 then 2,000: 5,000 × 80 % × 20 % = 800 − 440
    ((200_000, 24_000, 200_001), 40_000),  # across 4,000: 4,000.01 → 640.00 − 240
    ((80_000, 0, 1), 0),  # 800.01 together: 0.2 fen rounds to nothing
    ((2_000_000, 320_000, 500_001), 80_000),  # across 25,000: 4,000.00 − 3,200
]


@pytest.mark.parametrize(("before", "tax"), GOLDEN)
def test_a_second_payment_is_taxed_on_the_sum_less_what_was_withheld(
        before: tuple[int, int, int], tax: int) -> None:
    gross_before, tax_before, gross = before
    got = continuing(gross, gross_before, tax_before)
    assert got.tax_fen == tax and got.gross_fen == gross and got.net_fen == gross - tax
    # together they withheld what the sum as one payment would
    if gross_before == 0 or tax_before == withhold(gross_before).tax_fen:
        assert tax_before + got.tax_fen == withhold(gross_before + gross).tax_fen


async def test_the_same_project_twice_in_a_month_is_one_payment_on_every_list(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    first_aid, token, (expert, other) = await fees_ready(api, chat, client, demo)
    for aid in (first_aid,):
        assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                               {"channel": "platform"})).status == 200
    assert (await record(api, first_aid, token, expert, "900.00", "连续评审")).status == 200
    await funded(api, demo, first_aid, token)
    first = await paid_by_transfer(api, pay_gateway, first_aid, token, expert)
    assert first.tax_fen == 2_000
    await paid_by_transfer(api, pay_gateway, first_aid, token, other)  # 400: nothing withheld
    # the project's second section, evaluated later the same month by the same expert
    second_aid, _ = await drawn(api, chat, demo)
    project = (await DrawActivity.get(id=first_aid)).project_id
    await DrawActivity.filter(id=second_aid).update(project_id=project)
    now = await evaluation_over(second_aid)
    served = await Invitation.filter(activity_id=second_aid, status="confirmed").order_by("id")
    again = next((i for i in served if i.expert_id == expert.expert_id), served[0])
    await Invitation.filter(id=again.id).update(expert_id=expert.expert_id,
                                                person_id=expert.person_id)
    for item in served:
        await worked(item, nine_today(now), 2.5)
    again = await Invitation.get(id=again.id)
    assert (await api.call("PUT", f"/draws/activities/{second_aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, second_aid, token, again, "900.00", "连续评审")).status == 200
    await funded(api, demo, second_aid, token, reference="HX2026002")
    second = await paid_by_transfer(api, pay_gateway, second_aid, token, again)
    # 1,800 together: (1,800 − 800) × 20 % = 200, of which 20 already withheld
    assert (second.gross_fen, second.tax_fen, second.amount_fen, second.taxable_fen) == (
        90_000, 18_000, 72_000, 100_000)
    month = f"{datetime.now(UTC).astimezone(CHINA):%Y-%m}"
    finance = await api.login(demo["finance"].mp_openid)
    listed = (await api.call("GET", "/finance/withholding", finance,
                             params={"month": month})).data
    (both,) = [p for p in listed["payments"] if p["payments"] == 2]
    assert (both["gross_yuan"], both["deduction_yuan"], both["taxable_yuan"], both["rate_pct"],
            both["tax_yuan"], both["net_yuan"]) == (
        "1800.00", "800.00", "1000.00", 20, "200.00", "1600.00")
    # the ledger and the declaration agree to the fen
    ledger = (await api.call("GET", "/finance/ledger", finance, params={"month": month})).data
    assert sum(float(a["tax_yuan"]) for a in ledger["agencies"]) == float(listed["tax_yuan"])
