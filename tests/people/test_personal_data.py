"""Personal-data rights and retention (PIPL, GPL-42, CSL-21 in docs/sources.md): the 清单 of what is
held and why (个人信息保护法 Art. 44 知情权, 《网络数据安全管理条例》 2025 Art. 21), a copy (PIPL
Art. 45), correction (Art. 46), anonymisation when the retention ends (Art. 47) while the records
the law keeps stay readable (政府采购法 Art. 42), log rows removed after their period (网络安全法
Art. 21: at least 6 months). The retention is shortened here to 30 days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config.settings import Settings
from models.audit import AuditEntry, RetentionRun
from models.draws import DrawActivity, Invitation
from models.money.payouts import PayoutAccount
from models.notifications import Notification
from models.people import Person, phone_is
from models.wechat import Channel, WeChatIdentity
from services.jobs import DOMAIN_CTX, enforce_retention
from services.rights.data_inventory import INVENTORY
from tests.support.api import Api
from tests.support.draw_world import drawn, make_experts, prepared
from tests.support.settings import make_settings
from tests.support.wechat import Chat
from web.context import DOMAIN

RETENTION_DAYS = 30


@pytest.fixture
def settings(infra: dict[str, str], wechat: TestServer) -> Settings:
    """The test's own retention: 30 days after deregistration instead of 15 years."""
    return make_settings(infra, WECHAT_API_BASE=str(wechat.make_url("")).rstrip("/"),
                         PERSONAL_DATA_RETENTION_DAYS=RETENTION_DAYS)


OTHERS = ("王晓明", "张丽华", "陈志强", "刘芳", "赵敏", "周平", "孙卫东")  # demo people


async def test_an_expert_exports_what_the_list_says_and_nothing_of_others(
        api: Api, client: TestClient, demo: dict) -> None:
    """PIPL Art. 44/45 and the 2025 regulation's 清单: the list names every kind with its
    purpose, legal basis, place and retention, with the caller's own values; the copy is a
    JSON file holding exactly those kinds and fields, and nothing of anyone else."""
    token = await api.login(demo["expert"].mp_openid)
    listed = await api.call("GET", "/me/personal-data", token)
    assert listed.status == 200, listed.data
    kinds = {k["key"]: k for k in listed.data["kinds"]}
    assert list(kinds) == [k.key for k in INVENTORY]
    identity = kinds["identity"]
    assert identity["title"] == "身份信息" and identity["values"]["name"] == "李建国"
    assert "个人信息保护法第十三条" in identity["basis"] and "15年" in identity["retention"]
    assert identity["values"]["id_number"].count("*") == 8  # masked as the 清单 says
    assert "****" in kinds["contact"]["values"]["phone"]
    assert "不少于6个月" in kinds["notifications"]["retention"]
    assert "不另行征求单独同意" in listed.data["consent"]  # nothing beyond the legal duty

    resp = await client.get("/miniapp/v1/me/personal-data/export",
                            headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200 and resp.content_type == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = await resp.text()
    copy = json.loads(text)
    assert [k["key"] for k in copy["kinds"]] == list(kinds)
    for item in copy["kinds"]:  # each kind holds the fields the list declares, no more
        assert set(item["values"]) == set(kinds[item["key"]]["values"])
    assert copy["kinds"][0]["values"]["name"] == "李建国"
    assert not [name for name in OTHERS if name in text]
    me = await Person.get(phone_is(demo["expert"].phone))
    assert await AuditEntry.exists(action="personal_data_export", person_id=me.id)
    # the OpenAPI document declares the file as what it is: JSON of its own model, not bytes
    # (a client generated from it would otherwise read the copy as a binary download), and
    # the copy is held to that model as the API answers it (tests/support/contract.py)
    doc = await (await client.get("/miniapp/v1/openapi.json")).json()
    content = doc["paths"]["/me/personal-data/export"]["get"]["responses"]["200"]["content"]
    assert content == {"application/json": {
        "schema": {"$ref": "#/components/schemas/PersonalDataCopyOut"}}}
    again = await api.call("GET", "/me/personal-data/export", token)
    assert again.status == 200 and [k["key"] for k in again.data["kinds"]] == list(kinds)


async def test_a_handler_finds_the_handler_details_typed_on_their_activities_masked(
        api: Api, client: TestClient, demo: dict) -> None:
    """PIPL Art. 44/45 for the agency's 经办人: the phone and ID number typed on an activity
    (GD-DRAW's 经办人信息, sealed at rest) are data about the handler who signed in: their
    list and their copy name the activity with the details masked, never in clear."""
    aid, token = await prepared(api, demo, total=1, verify=False, submitted=False)
    handler = demo["handler"]
    listed = await api.call("GET", "/me/personal-data", token)
    assert listed.status == 200, listed.data
    draws = next(k for k in listed.data["kinds"] if k["key"] == "draws")
    assert "经办人" in "".join(draws["fields"]) and "加密保存" in draws["where"]
    (handled,) = draws["values"]["handled_activities"]
    assert handled["activity"] == "某市第一中学教学楼新建工程(施工)"
    assert (handled["handler_name"], handled["handler_phone"],
            handled["handler_id_number"]) == (
        handler.name, handler.phone[:3] + "****" + handler.phone[-4:],
        handler.id_number[:6] + "********" + handler.id_number[-4:])
    resp = await client.get("/miniapp/v1/me/personal-data/export",
                            headers={"Authorization": f"Bearer {token}"})
    text = await resp.text()
    assert resp.status == 200 and handled["handler_phone"] in text
    assert handler.phone not in text and handler.id_number not in text
    copied = next(k for k in json.loads(text)["kinds"] if k["key"] == "draws")
    assert copied["values"]["handled_activities"] == [handled]
    # an expert handles nothing: their list says so, and holds nothing of the handler's
    expert = await api.login(demo["expert"].mp_openid)
    theirs = await api.call("GET", "/me/personal-data", expert)
    assert next(k for k in theirs.data["kinds"] if k["key"] == "draws"
                )["values"]["handled_activities"] == []
    # PIPL Art. 47: once the handler's retention ends, the activity stays and reads as
    # theirs does (已注销用户<id>), its phone and ID number gone, sealed and masked alike
    me = await Person.get(phone_is(handler.phone))
    await Person.filter(id=me.id).update(
        deregistered_at=datetime.now(UTC) - timedelta(days=RETENTION_DAYS + 1))
    counts = await enforce_retention({DOMAIN_CTX: client.app[DOMAIN]})
    assert counts["draws"] == 1
    row = (await DrawActivity.filter(id=aid).values())[0]
    assert row["handler_name"] == f"已注销用户{me.id}"
    assert [row[c] for c in ("handler_phone_enc", "handler_phone_masked", "handler_id_enc",
                             "handler_id_masked")] == ["", "", "", ""]


async def test_the_chat_keyword_answers_with_the_list_and_a_link_to_the_copy(
        chat: Chat, client: TestClient, demo: dict) -> None:
    """PIPL Art. 44/45 by chat: 个人信息 answers with the 清单 in words and a signed link to
    the copy; a forged link is refused with what to do."""
    answer = (await chat.say(demo["expert"].openid, "个人信息")).text
    for kind in ("身份信息", "联系方式", "抽取与评标记录", "通知发送记录"):
        assert kind in answer
    link = next(w for w in answer.split() if "/personal-data.json?t=" in w)
    path = link[link.index("/personal-data.json"):].split("）")[0]
    got = await client.get(path)
    assert got.status == 200 and "李建国" in await got.text()
    forged = await client.get(path[:-3] + "abc")
    assert forged.status == 403 and "个人信息" in await forged.text()


async def test_corrections_go_where_each_field_is_decided(api: Api, demo: dict) -> None:
    """PIPL Art. 46: the email is corrected at once; a field under review becomes a change
    request (JL-GP: changes go through the same review stages); name and ID number cannot
    change (HN-APPLY) and the answer says what to do."""
    token = await api.login(demo["expert"].mp_openid)
    name = await api.call("POST", "/me/personal-data/corrections", token, {"field": "name"})
    assert name.status == 400 and "不能修改" in name.message and "联系" in name.message
    email = await api.call("POST", "/me/personal-data/corrections", token,
                           {"field": "email", "value": "new@example.cn"})
    assert email.status == 200 and "邮箱已更正" in email.data["message"]
    assert (await Person.get(phone_is(demo["expert"].phone))).email == "new@example.cn"
    unit = await api.call("POST", "/me/personal-data/corrections", token,
                          {"field": "work_unit"})
    assert unit.status == 200, unit.data
    assert unit.data["outcome"] == "change_request" and unit.data["application_id"]
    phone = await api.call("POST", "/me/personal-data/corrections", token, {"field": "phone"})
    assert "验证码" in phone.data["message"]
    applicant = await api.login(demo["applicant"].mp_openid)  # their application is in review
    busy = await api.call("POST", "/me/personal-data/corrections", applicant,
                          {"field": "work_unit"})
    assert busy.status == 409 and "审核" in busy.message


async def test_a_deregistered_expert_is_anonymised_after_retention_and_records_still_read(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """PIPL Art. 47: once the retention ends the identifying fields are replaced; 政府采购法
    Art. 42: the draw record stays and reads 已注销用户<id>; a person deregistered more
    recently is untouched; the run's report counts it; 网络安全法 Art. 21: finished
    notifications older than the log period (365 days) are removed."""
    await make_experts(client, 4)
    aid, agency = await drawn(api, chat, demo, total=2)
    now = datetime.now(UTC)
    start = now - timedelta(days=60)  # the evaluation took place two months ago
    await DrawActivity.filter(id=aid).update(bid_open_at=start - timedelta(hours=1),
                                             eval_start=start,
                                             eval_end=start + timedelta(hours=6))
    invited = await Invitation.filter(activity_id=aid).order_by("id")
    first, second = [await Person.get(id=i.person_id) for i in invited
                     if i.status == "confirmed"]
    for person in (first, second):
        bound = await WeChatIdentity.get_or_none(person_id=person.id,
                                                 channel=Channel.MINI_PROGRAM)
        mp = bound.openid if bound else demo["expert"].mp_openid  # 李建国 may be drawn too
        done = await api.call("POST", "/expert/deregister", await api.login(mp),
                              {"confirm": "确认注销"})
        assert done.status == 200, done.data
        # told what stays, for how long and why, and what is anonymised then (PIPL 17, 47)
        said = done.message
        assert "抽取与评标记录：不少于15年" in said and "政府采购法第四十二条" in said
        assert f"注销后保存{RETENTION_DAYS}天" in said and "匿名化" in said
        told = await Notification.get(kind="account.deregistered", person_id=person.id)
        assert told.params["period"] == f"{RETENTION_DAYS}天"
    await Person.filter(id=first.id).update(deregistered_at=now - timedelta(days=31))
    await Person.filter(id=second.id).update(deregistered_at=now - timedelta(days=29))
    expert = await Person.get(phone_is(demo["expert"].phone))
    old = await Notification.create(kind="system.test", person_id=expert.id, status="sent",
                                    next_attempt_at=now, client_msg_id="old")
    await Notification.filter(id=old.id).update(created_at=now - timedelta(days=400))

    # the bank account they gave for a fee (sealed, shown by its last 4 digits)
    vault = client.app[DOMAIN].vault
    paid = await PayoutAccount.create(
        invitation_id=invited[0].id, activity_id=aid, person_id=first.id, amount_fen=80000,
        asked_by=1, asked_at=now, holder=first.name, bank="中国工商银行天河支行",
        number_enc=vault.encrypt("6222020200112233445", b"payout-account"),
        number_masked="****3445", given_at=now, paid_at=now, paid_ref="HX20261125001")

    counts = await enforce_retention({DOMAIN_CTX: client.app[DOMAIN]})

    account = await PayoutAccount.get(id=paid.id)  # the transfer stays, whose account not
    assert (account.holder, account.bank, account.number_enc, account.number_masked) == (
        "", "", "", "")
    assert (account.amount_fen, account.paid_ref) == (80000, "HX20261125001")
    gone = await Person.get(id=first.id)
    assert gone.name == f"已注销用户{first.id}"
    assert (gone.phone, gone.email, gone.id_masked, gone.birth_year) == ("", None, "", 0)
    assert gone.id_number_hash == f"anon:{first.id}"
    # nothing of them in the row: not the name, nor the phone sealed, hashed or masked
    row = str(await Person.filter(id=first.id).values())
    assert first.name not in row and first.phone_hash not in row \
        and first.phone_masked not in row and first.phone_enc not in row
    kept = await Person.get(id=second.id)
    assert (kept.name, kept.phone, kept.id_masked) == (second.name, second.phone,
                                                      second.id_masked)
    results = await api.call("GET", f"/draws/activities/{aid}/results", agency)
    assert results.status == 200, results.data
    shown = json.dumps(results.data, ensure_ascii=False)
    assert f"已注销用户{first.id}" in shown and second.name in shown
    assert first.name not in shown
    assert not await Notification.exists(id=old.id)
    run = await RetentionRun.all().order_by("-id").first()
    assert run is not None and run.persons == 1 and run.counts == counts
    assert counts["identity"] == 1 and counts["notifications"] >= 1
    assert await AuditEntry.exists(action="retention")
    admin = await api.login(demo["admin"].mp_openid)
    report = await api.call("GET", "/admin/retention", admin)
    assert report.data["runs"][0]["persons"] == 1
    assert {"title": "身份信息", "count": 1} in report.data["runs"][0]["counts"]
    # a second run finds nobody new: the anonymised stay as they are
    again = await enforce_retention({DOMAIN_CTX: client.app[DOMAIN]})
    assert again["identity"] == 0
