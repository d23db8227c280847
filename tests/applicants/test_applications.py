"""Applications end to end through the mini-program API and chat: drafts, printing locks,
attachments, windows, the review workflow (as a transition table, with withdraw and
resubmit), reviewer scope, pushes and 进度."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from tortoise import connections

from models.applications import Application, Batch
from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is, sealed_phone
from services.common.errors import ClosedWindow
from services.common.windows import require_window_open
from services.demo import FINANCE_STAGES
from services.demo_codes import demo_credit_code
from services.people.reencrypt import Reencryption
from tests.support.api import Api
from tests.support.applications import (
    FILES,
    JPG,
    PDF,
    PNG,
    applicant,
    form,
    make_batch,
    ready_to_submit,
)
from tests.support.helpers import said
from tests.support.wechat import Chat
from web.context import DOMAIN


async def test_draft_at_any_step_then_print_locks(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    # sections saved in any order, one at a time
    partial = await api.call("PUT", f"/applications/{app_id}", token,
                             {"political_status": "群众", "region": "4401"})
    assert partial.status == 200 and "工作单位" in partial.data["missing"]
    early = await api.call("POST", f"/applications/{app_id}/print", token)
    assert early.status == 400 and "还有以下内容未填写" in early.message
    assert (await api.call("PUT", f"/applications/{app_id}", token, form())).status == 200
    # printing locks the attachments too: they come first, the signed form after
    unready = await api.call("POST", f"/applications/{app_id}/print", token)
    assert unready.status == 400 and "打印前请先上传" in unready.message
    for kind, content in FILES.items():
        assert (await api.upload(f"/applications/{app_id}/attachments/{kind}", token,
                                 content)).status == 200
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    assert printed.status == 200
    url = urlsplit(printed.data["form_url"])
    page = await api.client.get(f"{url.path}?{url.query}")
    assert page.status == 200 and "评标专家申请和资格审查表" in await page.text()
    locked = await api.call("PUT", f"/applications/{app_id}", token, {"notes": "改一下"})
    assert locked.status == 409 and "已锁定" in locked.message
    # HN-APPLY: "【打印表格】按钮点击后，系统将锁定所有已填写的申报信息，无法再进行修改":
    # no way back for the applicant (only a reviewer's return reopens what it names)
    assert (await api.call("POST", f"/applications/{app_id}/unlock", token)).status == 404
    for change in ({"notes": "改好了"}, {"region": "4403"}):
        still = await api.call("PUT", f"/applications/{app_id}", token, change)
        assert still.status == 409 and "无法再修改" in still.message
    assert (await api.call("POST", f"/applications/{app_id}/print", token)).status == 200


async def test_attachments_are_checked(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    base = f"/applications/{app_id}/attachments"
    fake = await api.upload(f"{base}/diploma", token, b"MZ\x90\x00 an exe", "d.pdf",
                            "application/pdf")
    assert fake.status == 400 and "只能上传" in fake.message  # the bytes decide, not the name
    big = await api.upload(f"{base}/photo", token, PNG + b"\x00" * (2 * 1024 * 1024))
    assert big.status == 413 and "不能超过 2 MB" in big.message
    assert (await api.upload(f"{base}/extra", token, PNG)).status == 400  # extra: JPG only
    for _ in range(3):
        assert (await api.upload(f"{base}/extra", token, JPG)).status == 200
    assert "最多上传 3 个" in (await api.upload(f"{base}/extra", token, JPG)).message
    # as the refusal says: delete one that is not needed, then the next one fits
    extras = [a for a in (await api.call("GET", f"/applications/{app_id}", token)
                          ).data["attachments"] if a["kind"] == "extra"]
    gone = await api.call("DELETE", f"{base}/extra/{extras[0]['id']}", token)
    assert gone.status == 200 and len([a for a in gone.data["attachments"]
                                       if a["kind"] == "extra"]) == 2
    assert (await api.call("DELETE", f"{base}/extra/{extras[0]['id']}", token)).status == 404
    assert (await api.upload(f"{base}/extra", token, JPG)).status == 200
    early_form = await api.upload(f"{base}/review_form", token, PDF, "f.pdf", "application/pdf")
    assert early_form.status == 409 and "请先打印" in early_form.message


@pytest.mark.parametrize(("offset", "allowed"), [(-1, True), (0, True), (1, False)])
def test_window_boundary(offset: int, allowed: bool) -> None:
    start = datetime(2026, 11, 15, 2, 30, tzinfo=UTC)
    end = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    now = end + timedelta(seconds=offset)
    if allowed:
        require_window_open(start, end, now, "apply")
    else:
        with pytest.raises(ClosedWindow) as closed:
            require_window_open(start, end, now, "apply")
        assert "申报已经截止（申报时间：2026年11月15日 10:30 至 2026年12月02日 18:30）" in \
            said(closed.value)
    with pytest.raises(ClosedWindow) as early:
        require_window_open(start, end, start - timedelta(seconds=1), "apply")
    assert "申报尚未开始" in said(early.value)


async def test_outside_the_window_the_reply_states_the_window(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    closed = await make_batch(opens=timedelta(days=-5), closes=timedelta(days=-1))
    refused = await api.call("POST", "/applications", token, {"batch_id": closed.id})
    assert refused.status == 400 and "申报已经截止（申报时间：" in refused.message


# (who, action, extra, expected status, expected stage title)
WORKFLOW = [
    ("reviewer", "return", {"reason": "职称证书不清晰", "items": ["attachment:title_cert"]},
     "returned", "市州行业部门预审"),
    ("applicant", "resubmit", {}, "in_review", "市州行业部门预审"),
    ("reviewer", "approve", {}, "in_review", "省行业部门审核"),
    ("reviewer_province", "approve", {}, "in_review", "省级复审"),
    ("reviewer_final", "approve", {}, "in_review", "终审"),
    ("reviewer_final", "approve", {"admitted": ["A0401"]}, "approved", None),
]


async def test_review_workflow_transition_table(api: Api, chat: Chat, demo: dict,
                                                client: TestClient) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = await ready_to_submit(api, token, batch)
    first = await api.call("POST", f"/applications/{app_id}/submit", token)
    assert first.status == 200 and first.data["stage"] == "市州行业部门预审"
    tokens = {k: await api.login(demo[k].mp_openid)
              for k in ("reviewer", "reviewer_province", "reviewer_final")}
    for step, (who, action, extra, status, stage) in enumerate(WORKFLOW):
        if who == "applicant":
            if action == "withdraw":
                answer = await api.call("POST", f"/applications/{app_id}/withdraw", token)
            else:
                if status == "in_review":
                    await api.call("POST", f"/applications/{app_id}/print", token)
                    await api.upload(f"/applications/{app_id}/attachments/review_form", token,
                                     PDF, "f.pdf", "application/pdf")
                answer = await api.call("POST", f"/applications/{app_id}/submit", token)
        else:
            answer = await api.call("POST", f"/review/applications/{app_id}/decision",
                                    tokens[who], {"action": action, **extra})
        assert answer.status == 200, (step, answer.data)
        assert (answer.data["status"], answer.data["stage"]) == (status, stage), step
    final = (await api.call("GET", f"/applications/{app_id}", token)).data
    assert [s["admitted"] for s in final["specialties"]] == [True, False]
    actions = [entry["action"] for entry in final["log"]]
    assert actions == ["submit", "return", "resubmit", "approve", "approve", "approve",
                       "approve"]
    kinds = await Notification.filter(person_id=(await Person.get(
        phone_is(demo["applicant"].phone))).id).values_list("kind", flat=True)
    assert kinds.count("application.submitted") == 2
    assert {"application.returned", "application.stage_passed", "application.approved"} \
        <= set(kinds)
    # each reviewer was told work waited at their stage, at most once within the hour
    # although applications reached their stage several times
    waiting = await Notification.filter(kind="review.waiting").values_list("person_id",
                                                                           flat=True)
    reviewers = {(await Person.get(phone_is(demo[k].phone))).id: k for k in tokens}
    assert sorted(reviewers[p] for p in waiting) == sorted(tokens)


async def test_return_reason_reaches_the_applicant_and_progress(api: Api, chat: Chat,
                                                                demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = await ready_to_submit(api, token, batch)
    await api.call("POST", f"/applications/{app_id}/submit", token)
    reviewer = await api.login(demo["reviewer"].mp_openid)
    missing_reason = await api.call("POST", f"/review/applications/{app_id}/decision",
                                    reviewer, {"action": "return", "items": ["education"]})
    assert missing_reason.status == 400 and "原因" in missing_reason.message
    await api.call("POST", f"/review/applications/{app_id}/decision", reviewer,
                   {"action": "return", "reason": "学历证书与填写不一致",
                    "items": ["education", "specialty:A0402"]})
    answer = await chat.say(demo["applicant"].openid, "进度")
    assert "退回修改" in answer.text and "学历证书与填写不一致" in answer.text
    assert "学历信息、评标专业「市政工程设计」" in answer.text
    assert "重新打印" in answer.text


async def test_reviewers_act_only_within_their_scope(api: Api, demo: dict,
                                                     client: TestClient) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = await ready_to_submit(api, token, batch)
    await api.call("POST", f"/applications/{app_id}/submit", token)
    # a city reviewer of another city, and a province reviewer at a city stage
    people = client.app[DOMAIN].people
    other = await people.by_phone(demo["reviewer_province"].phone)
    assert other is not None
    await RoleGrant.create(person_id=(await Person.get(phone_is(demo["verifier"].phone))).id,
                           role=Role.REVIEWER, level="city", region="4403", industry="住建")
    for key in ("verifier", "reviewer_province"):
        t = await api.login(demo[key].mp_openid)
        view = await api.call("GET", f"/review/applications/{app_id}", t)
        assert view.status == 403 and view.error == "review.out_of_scope", key
        act = await api.call("POST", f"/review/applications/{app_id}/decision", t,
                             {"action": "approve"})
        assert act.status == 403, key
        assert (await api.call("GET", "/review/queue", t)).data["applications"] == []
    mine = await api.call("GET", "/review/queue", await api.login(demo["reviewer"].mp_openid))
    assert [a["id"] for a in mine.data["applications"]] == [app_id]
    assert mine.data["applications"][0]["phone"].count("*") == 4


async def test_two_reviewers_at_once_one_decision(api: Api, demo: dict,
                                                  client: TestClient) -> None:
    import asyncio

    token = await applicant(api, demo)
    batch = await make_batch(stages=FINANCE_STAGES)
    app_id = await ready_to_submit(api, token, batch)
    await api.call("POST", f"/applications/{app_id}/submit", token)
    second = await Person.get(phone_is(demo["verifier"].phone))
    await RoleGrant.create(person_id=second.id, role=Role.REVIEWER, level="city", region="4401")
    tokens = [await api.login(demo[k].mp_openid) for k in ("reviewer", "verifier")]
    a, b = await asyncio.gather(*(api.call(
        "POST", f"/review/applications/{app_id}/decision", t, {"action": "approve"})
        for t in tokens))
    assert sorted([a.status, b.status]) == [200, 409]
    app = await Application.get(id=app_id)
    assert app.stage == 1


async def test_hunan_specialties_are_fixed_once_submitted(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch(rule="hunan", stages=FINANCE_STAGES)
    app_id = await ready_to_submit(api, token, batch)
    await api.call("POST", f"/applications/{app_id}/submit", token)
    reviewer = await api.login(demo["reviewer"].mp_openid)
    returned = await api.call("POST", f"/review/applications/{app_id}/decision", reviewer,
                              {"action": "return", "reason": "请核对专业和说明",
                               "items": ["specialties", "basic"]})
    assert returned.status == 200, returned.data
    # even returned, the specialties chosen for this 征集 stay (一经选择…不可修改)
    changed = await api.call("PUT", f"/applications/{app_id}", token,
                             {"specialties": ["A0401", "A0501"]})
    assert changed.status == 400 and "不可修改" in changed.message
    assert (await api.call("PUT", f"/applications/{app_id}", token, {"notes": "补充说明"})
            ).status == 200


async def test_a_renewal_keeps_the_age_limit(api: Api, client: TestClient, demo: dict
                                             ) -> None:
    """HN-APPLY's application form serves 征集 and 续聘 alike: "*超过65周岁无法申请成为专家"."""
    from datetime import date

    from models.experts import ExpertProfile
    from models.wechat import Channel, WeChatIdentity
    from services.demo_codes import demo_id

    old = demo_id("440104", date(1950, 5, 6), 11, True)  # 76 on the day of this test
    vault = client.app[DOMAIN].vault
    person = await Person.create(name="老专家", id_number_enc=vault.encrypt(old),
                                 id_number_hash=vault.lookup_hash(old),
                                 id_masked=old[:6] + "********" + old[-4:], gender="M",
                                 birth_year=1950, **sealed_phone("13900007777"))
    await RoleGrant.create(person=person, role=Role.EXPERT, expert_number="T-7777")
    await ExpertProfile.create(person_id=person.id, expert_number="T-7777", region="4401",
                               willing_regions=["4401"], work_unit="某设计院",
                               unit_credit_code=demo_credit_code(77), title_level="正高",
                               industry="住建")
    await WeChatIdentity.create(openid="mp_old_expert", channel=Channel.MINI_PROGRAM,
                                person_id=person.id, bound_at=datetime.now(UTC))
    batch = await make_batch("续聘批次")
    await Batch.filter(id=batch.id).update(kind="renew")
    token = await api.login("mp_old_expert")
    refused = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    assert refused.status == 403 and "超过65周岁" in refused.message


async def test_the_form_as_the_seeds_have_it(api: Api, demo: dict) -> None:
    """XJ-SIGNUP: * 从事专业类别 (一级 / 二级) and * 从事专业年限, 评标实践经验 (没有请填“无”),
    a PDF per practice qualification; JL-GP: up to 5 titles, each with its certificate."""
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    bare = form(practice_specialty=None, practice_years=None, evaluation_experience=None)
    assert (await api.call("PUT", f"/applications/{app_id}", token, bare)).status == 200
    early = await api.call("POST", f"/applications/{app_id}/print", token)
    assert early.status == 400 and "从事专业类别" in early.message
    assert "评标实践经验" in early.message
    yiji = await api.call("PUT", f"/applications/{app_id}", token,
                          {"practice_specialty": "A0200"})
    assert yiji.status == 400
    not_erji = await api.call("PUT", f"/applications/{app_id}", token,
                              {"practice_specialty": "A0502"[:3] + "99"})
    assert not_erji.status == 400 and "二级类别" in not_erji.message
    too_many = await api.call("PUT", f"/applications/{app_id}", token, {"more_titles": [
        {"name": f"职称{n}", "level": "中级"} for n in range(5)]})
    assert too_many.status == 400 and "职称信息最多填写5条（含第一条职称），当前为6条" in \
        too_many.message
    two = form(more_titles=[{"name": "注册监理工程师", "level": "中级"}])
    assert (await api.call("PUT", f"/applications/{app_id}", token, two)).status == 200
    base = f"/applications/{app_id}/attachments"
    jpg_qualification = await api.upload(f"{base}/qualification", token, JPG)
    assert jpg_qualification.status == 400 and "PDF" in jpg_qualification.message
    for kind, content in FILES.items():
        assert (await api.upload(f"{base}/{kind}", token, content)).status == 200, kind
    # printing locks the attachments too: what the form names must be there first
    short = await api.call("POST", f"/applications/{app_id}/print", token)
    assert short.status == 400 and "职称证书（还差1份）" in short.message
    assert (await api.upload(f"{base}/title_cert", token, PDF)).status == 200
    assert (await api.call("POST", f"/applications/{app_id}/print", token)).status == 200
    assert (await api.upload(f"{base}/review_form", token, PDF, "f.pdf",
                             "application/pdf")).status == 200
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200


async def test_the_pledge_to_sign_is_a_pdf_filled_with_the_applicants_data(
        api: Api, demo: dict) -> None:
    """XJ-SIGNUP: 下载打印诚信承诺书模板，经本人签字后，扫描为 pdf 文件格式并上传."""
    from pypdf import PdfReader

    token = await applicant(api, demo)
    batch = await make_batch("2026年第二批评标专家征集")
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    await api.call("PUT", f"/applications/{app_id}", token, form())
    resp = await api.client.get(f"/miniapp/v1/applications/{app_id}/pledge.pdf",
                                headers={"Authorization": f"Bearer {token}"})
    body = await resp.read()
    assert resp.status == 200 and body.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert "诚信承诺书" in text and "2026年第二批评标专家征集" in text
    assert demo["applicant"].id_number not in text  # masked, as everywhere
    other = await api.login(demo["expert"].mp_openid)
    assert (await api.client.get(f"/miniapp/v1/applications/{app_id}/pledge.pdf",
                                 headers={"Authorization": f"Bearer {other}"})).status == 404


async def test_xinjiang_first_choice_rows_must_all_be_admitted(api: Api, demo: dict) -> None:
    """XJ-SIGNUP's form has 首选专业 rows and 备选专业 rows: "“首选评标专业”为必选入库专业，
    “备选评标专业”将视情入库"; the limits (one 一级, two 二级, four 三级) count them together,
    all in the A 工程 大类别."""
    token = await applicant(api, demo)
    batch = await make_batch()
    app = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    app_id = app.data["id"]
    assert (await api.call("PUT", f"/applications/{app_id}", token, form(
        specialties=["A050201", "A050202", "A050301"],
        primary_specialties=["A050201", "A050202"]))
            ).status == 200
    for kind, content in FILES.items():
        await api.upload(f"/applications/{app_id}/attachments/{kind}", token, content)
    assert (await api.call("POST", f"/applications/{app_id}/print", token)).status == 200
    await api.upload(f"/applications/{app_id}/attachments/review_form", token, PDF, "f.pdf",
                     "application/pdf")
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    shown = (await api.call("GET", f"/applications/{app_id}", token)).data["specialties"]
    assert [(s["code"], s["primary"]) for s in shown] == [
        ("A050201", True), ("A050202", True), ("A050301", False)]
    decide = f"/review/applications/{app_id}/decision"
    for who in ("reviewer", "reviewer_province", "reviewer_final"):
        reviewer = await api.login(demo[who].mp_openid)
        assert (await api.call("POST", decide, reviewer, {"action": "approve"})).status == 200
    one_left_out = await api.call("POST", decide, reviewer,
                                  {"action": "approve", "admitted": ["A050201", "A050301"]})
    assert one_left_out.status == 400 and "首选专业必须入库" in one_left_out.message
    approved = await api.call("POST", decide, reviewer,
                              {"action": "approve", "admitted": ["A050201", "A050202"]})
    assert approved.status == 200 and approved.data["status"] == "approved"
    final = (await api.call("GET", f"/applications/{app_id}", token)).data["specialties"]
    assert [s["admitted"] for s in final] == [True, True, False]


async def test_xinjiang_refuses_to_print_outside_the_a_category(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    app_id = (await api.call("POST", "/applications", token,
                             {"batch_id": (await make_batch()).id})).data["id"]
    await api.call("PUT", f"/applications/{app_id}", token,
                   form(specialties=["B0101"], primary_specialties=["B0101"]))
    for kind, content in FILES.items():
        await api.upload(f"/applications/{app_id}/attachments/{kind}", token, content)
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    assert printed.status == 400 and "A 工程" in printed.message


async def test_the_review_form_is_a_pdf_once_printed(api: Api, demo: dict) -> None:
    """XJ-SIGNUP step 8: "确认信息无误后…导出 pdf 文件，打印后经本人签字、所在单位盖章后扫描形成
    pdf 文件"; HN-APPLY: 需下载资格审查表模板. The PDF says what the printed page says, phone
    and ID number masked; before printing (which locks the form) there is nothing to sign."""
    from pypdf import PdfReader

    token = await applicant(api, demo)
    batch = await make_batch("2026年第二批评标专家征集（新疆）")
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    await api.call("PUT", f"/applications/{app_id}", token, form())
    path = f"/miniapp/v1/applications/{app_id}/review-form.pdf"
    bearer = {"Authorization": f"Bearer {token}"}
    early = await api.client.get(path, headers=bearer)
    assert early.status == 409 and "打印申报表" in (await early.json())["message"]
    for kind, content in FILES.items():
        await api.upload(f"/applications/{app_id}/attachments/{kind}", token, content)
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    resp = await api.client.get(path, headers=bearer)
    body = await resp.read()
    assert resp.status == 200 and body.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    person = await Person.get(phone_is(demo["applicant"].phone))
    for expected in ("申请和资格审查表", "2026年第二批评标专家征集（新疆）", person.name,
                     person.id_masked, "A0401", "首选", "本人签字", "单位盖章"):
        assert expected in text, expected
    assert demo["applicant"].id_number not in text and demo["applicant"].phone not in text
    url = urlsplit(printed.data["form_url"])
    page = await api.client.get(f"{url.path}?{url.query}")
    html = await page.text()
    assert page.status == 200 and "申请和资格审查表" in html and person.id_masked in html
    other = await api.login(demo["expert"].mp_openid)
    assert (await api.client.get(path, headers={"Authorization": f"Bearer {other}"})
            ).status == 404


async def test_a_return_reopens_only_what_it_names_and_review_keeps_the_lock(
        api: Api, demo: dict) -> None:
    """HN-APPLY: printing locks every field (【打印表格】…点击后，系统将锁定所有已填写的申报
    信息); 市州行业部门可打回该专业要求申请人进行修改信息. XJ-SIGNUP: 如申请被驳回…点击“撤回”…
    根据驳回理由…修改补充. Under review nothing can be taken back; a return reopens its items
    only; the form signed before the return no longer counts."""
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = await ready_to_submit(api, token, batch)
    base = f"/applications/{app_id}"
    assert (await api.call("POST", f"{base}/submit", token)).status == 200
    held = await api.call("POST", f"{base}/withdraw", token)
    assert held.status == 409 and "审核中的申请不能撤回" in held.message
    reviewer = await api.login(demo["reviewer"].mp_openid)
    returned = await api.call("POST", f"/review/applications/{app_id}/decision", reviewer,
                              {"action": "return", "reason": "职称与证书不一致",
                               "items": ["title"]})
    assert returned.status == 200 and returned.data["status"] == "returned"
    email = await api.call("PUT", base, token, form(email="new@example.cn"))
    assert email.status == 400 and "基本信息不在退回范围内" in email.message
    title = await api.call("PUT", base, token, form(title_name="正高级工程师"))
    assert title.status == 200, title.data
    photo = await api.upload(f"{base}/attachments/photo", token, PNG)
    assert photo.status == 400 and "一寸照片" in photo.message
    assert (await api.upload(f"{base}/attachments/title_cert", token, PDF)).status == 200
    # 撤回 after the return: still only the returned items may change
    assert (await api.call("POST", f"{base}/withdraw", token)).status == 200
    still = await api.call("PUT", base, token, form(title_name="正高级工程师",
                                                   email="new@example.cn"))
    assert still.status == 400 and "基本信息" in still.message
    # printed again: the form signed before the return is gone; a new one must be signed
    assert (await api.call("POST", f"{base}/print", token)).status == 200
    unsigned = await api.call("POST", f"{base}/submit", token)
    assert unsigned.status in (400, 409) and "签字盖章的申报表" in unsigned.message
    await api.upload(f"{base}/attachments/review_form", token, PDF, "f.pdf", "application/pdf")
    again = await api.call("POST", f"{base}/submit", token)
    assert again.status == 200 and again.data["stage"] == "市州行业部门预审"
    shown = (await api.call("GET", base, token)).data
    assert shown["data"]["title_name"] == "正高级工程师"


async def test_printing_locks_the_attachments_too(api: Api, demo: dict) -> None:
    """HN-APPLY: printing locks what was filed; only the signed form may be uploaded (or
    taken back and uploaded again) until submission."""
    token = await applicant(api, demo)
    app_id = await ready_to_submit(api, token, await make_batch())
    base = f"/applications/{app_id}/attachments"
    late = await api.upload(f"{base}/photo", token, PNG)
    assert late.status == 409 and "签字盖章" in late.message
    listed = (await api.call("GET", f"/applications/{app_id}", token)).data["attachments"]
    photo = next(a for a in listed if a["kind"] == "photo")
    kept = await api.call("DELETE", f"{base}/photo/{photo['id']}", token)
    assert kept.status == 409
    signed = next(a for a in listed if a["kind"] == "review_form")
    assert (await api.call("DELETE", f"{base}/review_form/{signed['id']}", token)
            ).status == 200


async def test_the_applicants_own_phones_in_the_form_are_sealed_at_rest(
        api: Api, demo: dict) -> None:
    """GB-39786 (docs/sources.md: SM4 for important data at rest): the form's 备用手机 and 办公电话
    are the applicant's own numbers; the database holds their seals, the applicant reads them
    back (masked, as every reply masks a mobile), and the printed form's check (the data it
    shows, unchanged) still holds; a form an older release wrote in clear is sealed by
    `expertbot migrate`."""
    token = await applicant(api, demo)
    app_id = await ready_to_submit(api, token, await make_batch(),
                                   backup_phone="13912340000", office_phone="020-88886666")
    rows = await connections.get("default").execute_query_dict(
        "SELECT data FROM application")
    stored = " ".join(str(r["data"]) for r in rows)
    assert "13912340000" not in stored and "88886666" not in stored and "sm4:" in stored
    mine = await api.call("GET", f"/applications/{app_id}", token)
    assert mine.data["data"]["backup_phone"] == "139****0000"  # opened, masked as every reply
    assert mine.data["data"]["office_phone"] == "020-88886666"
    submitted = await api.call("POST", f"/applications/{app_id}/submit", token)
    assert submitted.status == 200, submitted.data  # the printed form still matches
    # as an older release wrote it: the phone in clear in the JSON
    plain = json.dumps({**(await Application.get(id=app_id)).data})
    await connections.get("default").execute_query(
        "UPDATE application SET data = " + ("$1" if connections.get("default").capabilities
                                             .dialect == "postgres" else "?")
        + f" WHERE id = {int(app_id)}", [plain])
    assert "13912340000" in str(await connections.get("default").execute_query_dict(
        "SELECT data FROM application"))
    assert (await Application.get(id=app_id)).data["backup_phone"] == "13912340000"
    assert await Reencryption.seal_form_phones() == 1
    assert "13912340000" not in str(await connections.get("default").execute_query_dict(
        "SELECT data FROM application"))
