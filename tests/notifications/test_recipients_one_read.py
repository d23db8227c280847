"""A relay's batch learns who each notice goes to in one statement: the person's phone, their
official-account identity, their mini-program openid and the subscribe messages they granted
(those with none left are not offered); rows addressed to an openid alone take a second."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.relay.recipients import recipients_of
from models.notifications import Notification, SubscribeConsent
from models.wechat import WeChatIdentity
from tests.support.queries import QueryCounter


async def test_a_batch_reads_its_recipients_and_their_consents_at_once(demo: dict) -> None:
    applicant = demo["applicant"]
    person_id = (await WeChatIdentity.get(openid=applicant.openid)).person_id
    await SubscribeConsent.create(mp_openid=applicant.mp_openid, template_id="tpl-Exam_1",
                                  remaining=2)
    await SubscribeConsent.create(mp_openid=applicant.mp_openid, template_id="tpl-used",
                                  remaining=0)
    now = datetime.now(UTC)
    mine = [await Notification.create(kind="system.test", person_id=person_id, params={},
                                      next_attempt_at=now, client_msg_id=f"r-{n}")
            for n in range(2)]
    async with QueryCounter() as counted:
        found = await recipients_of(mine)
    assert len(counted.alone) == 1, counted.alone
    for item in mine:
        to = found[item.id]
        assert to.oa is not None and to.oa.openid == applicant.openid
        assert to.mp_openid == applicant.mp_openid
        assert to.consents == {"tpl-Exam_1": 2}
    by_openid = await Notification.create(kind="system.test", openid="o_stranger", params={},
                                          next_attempt_at=now, client_msg_id="r-openid")
    async with QueryCounter() as counted:
        found = await recipients_of([*mine, by_openid])
    assert len(counted.alone) == 2, counted.alone
    assert found[by_openid.id].oa is None and found[by_openid.id].consents == {}
    assert found[mine[0].id].consents == {"tpl-Exam_1": 2}
