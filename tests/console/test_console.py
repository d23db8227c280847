"""The web console, over real HTTP: sign-in by password and by SMS code with the
API's rules, the session cookie's flags, CSRF on every form, the forced password change,
sign-out, and every page authorised exactly as the API endpoint it uses (one table: the
API's)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient

from console.context import CONSOLE
from console.pages import every_page
from models.applications import Application
from models.draws import DrawActivity, Invitation
from models.notifications import Notification
from models.people import Person, Role, phone_is
from sandbox.platform import Platform
from services.common.clock import CHINA
from services.demo import DEMO_PEOPLE
from tests.support.api import Api
from tests.support.applications import PDF, applicant, make_batch, ready_to_submit
from tests.support.console import Desk
from tests.support.draw_world import (
    DESK_ACTIVITY_FORM,
    DESK_PROJECT_FORM,
    TENDERER,
    drawn,
    finish,
    make_experts,
    prepared,
    the_evaluation_starts_now,
)
from tests.support.helpers import eventually
from tests.support.sign_in import sent_code
from tests.support.wechat import Chat


async def test_signed_out_pages_lead_to_sign_in_and_the_cookie_is_guarded(
        client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    resp, _ = await desk.get("/console/home", follow=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/sign-in?next=")
    signed = await desk.sign_in(demo["handler"].phone)
    assert signed.status == 303 and signed.headers["Location"] == "/console/home"
    raw = "; ".join(signed.headers.getall("Set-Cookie"))
    assert "eb_console=" in raw and "HttpOnly" in raw and "SameSite=Lax" in raw
    assert "Path=/console" in raw and "Secure" not in raw  # Secure in production only
    home, text = await desk.get("/console/home")
    assert home.status == 200 and demo["handler"].name in text and "今日评标的活动" in text
    assert home.headers["Cache-Control"] == "no-store"
    out, _ = await desk.post("/console/sign-out", {})
    assert out.status == 303
    again, _ = await desk.get("/console/home", follow=False)
    assert again.status == 303  # the session is gone from the server, not only the cookie


async def test_every_form_needs_its_csrf_token(client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    await desk.get("/console/sign-in")
    forged, text = await desk.post("/console/sign-in", {
        "account": demo["verifier"].phone, "password": "Demo2026ok"}, csrf=False)
    assert forged.status == 403 and "安全校验" in text
    await desk.sign_in(demo["verifier"].phone)
    kept, text = await desk.post("/console/sign-out", {}, csrf=False)
    assert kept.status == 403
    still, _ = await desk.get("/console/home", follow=False)
    assert still.status == 200  # the forged sign-out did nothing
    # another session's token does not pass for this one
    mine = desk.csrf
    client.session.cookie_jar.clear()
    other = Desk(client)
    await other.sign_in(demo["handler"].phone)
    assert other.csrf and other.csrf != mine
    other.csrf = mine
    crossed, _ = await other.post("/console/sign-out", {})
    assert crossed.status == 403
    # the console's root and HEAD requests answer as a browser expects
    root = await client.get("/console", allow_redirects=False)
    assert root.status == 308 and root.headers["Location"] == "/console/"
    head = await client.head("/console/home")
    assert head.status == 200 and head.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_a_wrong_password_is_told_and_an_sms_code_signs_in(
        client: TestClient, demo: dict, platform: Platform) -> None:
    desk = Desk(client)
    wrong = await desk.sign_in(demo["verifier"].phone, "Wrong-password1")
    assert wrong.status == 400
    await desk.get("/console/sign-in?tab=sms")
    sent, text = await desk.post("/console/sign-in/code", {"phone": demo["verifier"].phone})
    assert sent.status == 200 and "验证码已发送" in text
    await eventually(lambda: bool(platform.sms_to(demo["verifier"].phone)))
    code = sent_code(platform, demo["verifier"].phone)
    signed, _ = await desk.post("/console/sign-in/sms", {"phone": demo["verifier"].phone,
                                                         "code": code})
    assert signed.status == 303
    home, text = await desk.get("/console/home")
    assert home.status == 200 and "待核验" in text


async def test_an_initial_password_is_changed_before_anything_else(
        client: TestClient, demo: dict) -> None:
    """Migrated experts sign in with the last 8 of their ID number and must change it."""
    migrated = demo["migrated"]
    desk = Desk(client)
    first = await desk.sign_in(migrated.phone, migrated.id_number[-8:])
    assert first.status == 303 and first.headers["Location"] == "/console/password"
    held, _ = await desk.get("/console/home", follow=False)
    assert held.status == 303 and held.headers["Location"] == "/console/password"
    await desk.get("/console/password")
    weak, text = await desk.post("/console/password", {
        "old_password": migrated.id_number[-8:], "new_password": "short"})
    assert weak.status == 400 and "密码" in text
    changed, _ = await desk.post("/console/password", {
        "old_password": migrated.id_number[-8:], "new_password": "Changed2026ok"})
    assert changed.status == 303
    home, text = await desk.get("/console/home")
    assert home.status == 200 and "密码已修改" in text


@pytest.mark.slow  # every page and form as every demo person: the whole matrix
@pytest.mark.parametrize("key", [d.key for d in DEMO_PEOPLE if d.key != "migrated"] + [None])
async def test_every_page_admits_exactly_the_roles_of_its_api_endpoint(
        client: TestClient, demo: dict, key: str | None) -> None:
    """The console's matrix, as the API's: each page with each demo role and signed out."""
    console = next(app for app in client.app._subapps if CONSOLE in app)
    table = console[CONSOLE].endpoints
    pages = [p for p in every_page() if p.method == "GET" and p.uses is not None]
    forms = [p for p in every_page() if p.method == "POST" and p.uses is not None]
    assert len(pages) >= 6 and len(forms) >= 6
    who = next((d for d in DEMO_PEOPLE if d.key == key), None)
    desk = Desk(client)
    roles: set[Role] = set()
    if who is not None:
        assert (await desk.sign_in(who.phone)).status == 303, who.key
        person = await Person.get(phone_is(who.phone))
        roles = {Role(g.role) for g in await table.services.domain.people.active_roles(
            person.id, datetime.now(UTC))}
    for spec in pages:
        path = "/console" + re.sub(r"\{\w+\}", "999999", spec.path)
        resp, _ = await desk.get(path, follow=False)
        if who is None:
            assert resp.status == 303, path
        elif table.admits(roles, spec.uses):
            assert resp.status in (200, 404), (who.key, path, resp.status)
        else:
            assert resp.status == 403, (who.key, path, resp.status)
    await desk.get("/console/home")
    for spec in forms:  # the forms too, with a valid token: the role decides
        path = "/console" + re.sub(r"\{\w+\}", "999999", spec.path)
        resp, _ = await desk.post(path, {})
        if who is not None and not table.admits(roles, spec.uses):
            assert resp.status == 403, (who.key, path, resp.status)
        elif who is None:
            assert resp.status in (303, 403), path


async def test_the_verifier_approves_in_the_console_and_the_agency_watches_the_counts(
        api: Api, client: TestClient, demo: dict) -> None:
    """GD-DRAW: 交易中心核验 before a draw; the agency follows its activity."""
    await make_experts(client, 4)
    aid, _ = await prepared(api, demo, total=2, verify=False)
    verifier = Desk(client)
    await verifier.sign_in(demo["verifier"].phone)
    queue, text = await verifier.get("/console/verify")
    assert queue.status == 200 and f'data-testid="pending-{aid}"' in text
    refused, _ = await verifier.post(f"/console/verify/{aid}", {"decision": "refuse",
                                                               "request": "submission"})
    assert refused.status == 303
    said = await verifier.flash("/console/verify")
    assert "原因" in said and "已退回" not in said  # a refusal needs its reason
    _, text = await verifier.get("/console/verify")
    assert f'data-testid="pending-{aid}"' in text  # nothing decided
    approved, _ = await verifier.post(f"/console/verify/{aid}", {
        "decision": "approve", "request": "submission", "small_pool_ok": "1"})
    assert approved.status == 303
    _, text = await verifier.get("/console/verify")
    assert "已核验通过" in text and f'data-testid="pending-{aid}"' not in text
    agency = Desk(client)
    await agency.sign_in(demo["handler"].phone)
    listed, text = await agency.get("/console/activities")
    assert listed.status == 200 and f"/console/activities/{aid}" in text
    shown, text = await agency.get(f"/console/activities/{aid}")
    assert shown.status == 200 and "已确认参加" in text
    live = await client.get(f"/console/activities/{aid}/progress")
    assert live.status == 200 and (await live.json())["planned"] == 2


async def test_a_reviewer_reads_an_application_as_printed_and_returns_one_item(
        api: Api, client: TestClient, demo: dict) -> None:
    """HN-APPLY: 市州行业部门可打回该专业要求申请人进行修改信息 — the reviewer reads the form
    and its attachments in the page and returns what must change, with the reason."""
    token = await applicant(api, demo)
    app_id = await ready_to_submit(api, token, await make_batch("2026年第二批评标专家征集"))
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    desk = Desk(client)
    await desk.sign_in(demo["reviewer"].phone)
    _, home = await desk.get("/console/home")
    assert "待审核 1 份申请" in home and 'data-testid="review-due"' in home
    _, queue = await desk.get("/console/review")
    assert f'data-testid="open-{app_id}"' in queue and demo["applicant"].phone not in queue
    shown, page = await desk.get(f"/console/review/{app_id}")
    person = await Person.get(phone_is(demo["applicant"].phone))
    assert shown.status == 200 and person.id_masked in page and "职称证书" in page
    assert demo["applicant"].id_number not in page
    listed = (await api.call("GET", f"/applications/{app_id}", token)).data["attachments"]
    photo = next(a for a in listed if a["kind"] == "photo")
    image = await client.get(f"/console/review/{app_id}/attachments/{photo['id']}")
    assert image.status == 200 and image.headers["Content-Disposition"] == "inline"
    returned, _ = await desk.post(f"/console/review/{app_id}", {
        "action": "return", "reason": "职称证书不清晰，请重新上传", "items": "title"})
    assert returned.status == 303
    _, queue = await desk.get("/console/review")
    assert "已提交审核决定：退回修改" in queue
    status = (await api.call("GET", f"/applications/{app_id}", token)).data
    assert status["status"] == "returned" and "职称" in status["returned_items"]
    # the reviewer's own record, and the application still readable (not decidable) there
    _, mine = await desk.get("/console/review/history")
    assert mine.count("退回修改") == 2 and "职称证书不清晰，请重新上传" in mine  # mine; now
    again, page = await desk.get(f"/console/review/{app_id}")
    assert again.status == 200 and 'data-testid="read-only"' in page
    assert 'data-testid="decide"' not in page
    # a reviewer of another level (the province's) cannot open it at the city's stage,
    # and one without the role is refused by the page itself
    for key in ("reviewer_province", "verifier"):
        other = Desk(client)
        await other.sign_in(demo[key].phone)
        refused, _ = await other.get(f"/console/review/{app_id}")
        assert refused.status == 403, key


async def test_an_agency_prepares_submits_and_runs_a_draw_from_the_desk(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """GD-DRAW from the desk: 登记项目 → 创建抽取活动 → 通知、条件（预览人数）、回避 → 上传申请
    附件并提交核验 → 交易中心核验 → 输入随机串开始抽取 → experts answer in chat → ended."""
    await make_experts(client, 4)
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    await desk.get("/console/projects")
    made, _ = await desk.post("/console/projects", {
        "name": "某区人民医院门诊楼改造工程", "number": "GZ-2026-1123", **DESK_PROJECT_FORM,
        "tenderer_name": TENDERER[0], "tenderer_credit_code": TENDERER[1],
        "sections": "1 施工\n2 监理"})
    assert made.status == 303 and "activities/new?project_id=" in made.headers["Location"]
    _, page = await desk.get(made.headers["Location"])
    project = re.search(r'name="project_id" value="(\d+)"', page)
    sections = re.findall(r'name="section_ids" value="(\d+)"', page)
    assert project and len(sections) == 2
    start = (datetime.now(UTC) + timedelta(days=2)).astimezone(CHINA)
    local = "%Y-%m-%dT%H:%M"
    typed = {**DESK_ACTIVITY_FORM, "project_id": project.group(1), "section_ids": sections[0],
             "bid_open_at": (start - timedelta(hours=1)).strftime(local),
             "eval_start": start.strftime(local),
             "eval_end": (start + timedelta(hours=6)).strftime(local), "total": "2"}
    # no place of bid opening picked: said what to do, in words, not a pattern's "格式不正确"
    refused, _ = await desk.post("/console/activities/new", {**typed, "bid_open_region": ""})
    said = await desk.flash(refused.headers["Location"])
    assert "请从地区列表中选择开标地点" in said and "格式不正确" not in said, said
    created, _ = await desk.post("/console/activities/new", typed)
    assert created.status == 303, created.headers
    page_path = created.headers["Location"]
    aid = int(page_path.rsplit("/", 1)[1])
    activity = await DrawActivity.get(id=aid)
    assert activity.eval_start.astimezone(CHINA).strftime(local) == start.strftime(local)
    do = f"/console/activities/{aid}/do/"
    await desk.get(page_path)
    await desk.post(f"{do}notice", {"venue": "广州公共资源交易中心"})
    refusal = await desk.flash(page_path)
    assert "市：" in refusal and "集合时间：" in refusal  # each field refused, in its words
    await desk.post(f"{do}notice", {
        "venue": "广州公共资源交易中心", "city": "广州市", "district": "天河区",
        "street": "天润路333号", "room": "5楼评标室", "contact_name": "陈志强",
        "contact_phone": "020-12345678", "notes": "请携带身份证",
        "gather_at": (start - timedelta(minutes=30)).strftime(local)})
    _, page = await desk.get(page_path)
    notice = re.search(r'name="notice_id"><option value="(\d+)"', page)
    assert notice, "the notice was not added"
    # the seed's conditions: title level, qualification, industry department (GD-DRAW)
    condition = {"notice_id": notice.group(1), "region_list": "4401",
                 "main_specialty": "A0103", "title_level": "副高", "industry": "住建",
                 "qualification": "", "planned": "2"}
    await desk.post(f"/console/activities/{aid}/preview", {**condition,
                                                          "qualification": "一级建造师"})
    assert "当前符合条件、未被回避的专家：0 人" in await desk.flash(page_path)
    await desk.post(f"/console/activities/{aid}/preview", condition)
    said = await desk.flash(page_path)
    assert "当前符合条件、未被回避的专家" in said and "：0 人" not in said
    assert "其中愿意应急的" in said  # an urgent draw invites them first
    await desk.post(f"{do}condition", condition)
    _, page = await desk.get(page_path)
    # in words, as it will be drawn, in GD-DRAW's columns
    assert "<td>副高及以上</td><td></td><td>住建</td>" in page
    await desk.post(f"{do}avoid", {"kind": "unit", "name": "广州某某建设集团有限公司",
                                   "reason": "投标人"})
    await desk.post(f"{do}submit", {"reason": "按招标计划抽取评标专家"})
    assert "附件" in await desk.flash(page_path)  # the evidence comes first (GD-DRAW)
    uploaded, _ = await desk.upload(f"/console/activities/{aid}/evidence",
                                    {"purpose": "submission"}, "专家抽取申请.pdf", PDF)
    assert uploaded.status == 303 and "附件已上传" in await desk.flash(page_path)
    await desk.post(f"{do}submit", {"reason": "按招标计划抽取评标专家"})
    assert "已提交交易中心核验" in await desk.flash(page_path)
    verifier = Desk(client)
    await verifier.sign_in(demo["verifier"].phone)
    await verifier.get("/console/verify")
    await verifier.post(f"/console/verify/{aid}", {"decision": "approve",
                                                   "request": "submission",
                                                   "small_pool_ok": "1"})
    await desk.sign_in(demo["handler"].phone)  # one browser (cookie jar): sign in again
    await desk.get(page_path)
    started, text = await desk.post(f"{do}start", {"nonce": "7391"})
    assert started.status == 303, text
    assert "抽取已开始" in await desk.flash(page_path), await desk.flash(page_path)
    confirmed = await finish(chat, aid)
    assert len(confirmed) == 2
    _, page = await desk.get(page_path)
    # drawn, its evaluation still ahead: 抽取完成, not 已结束
    assert 'data-testid="status" data-count="status_title">抽取完成' in page


async def test_the_results_unseal_and_print_and_the_venue_follows_them(
        api: Api, chat: Chat, client: TestClient, demo: dict, platform: Platform) -> None:
    """GD-DRAW: the results stay sealed until 30 minutes before the evaluation, then show
    with the printable page; at the venue the QR code, arrivals, an absence and a 补抽."""
    await make_experts(client, 6)
    aid, _ = await drawn(api, chat, demo)
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    sealed, text = await desk.get(f"/console/activities/{aid}/results")
    assert sealed.status == 400 and "解封" in text
    # the activity's counts line says the names wait for the unsealing only while they do
    _, page = await desk.get(f"/console/activities/{aid}")
    assert re.search(r"<span data-when-sealed>，结果解封前只显示人数</span>", page)
    await the_evaluation_starts_now(aid, datetime.now(UTC))
    _, page = await desk.get(f"/console/activities/{aid}")
    assert re.search(r"<span data-when-sealed hidden>", page)
    progress = await client.get(f"/console/activities/{aid}/progress")
    assert (await progress.json())["sealed"] is False
    shown, text = await desk.get(f"/console/activities/{aid}/results")
    confirmed = await Invitation.filter(activity_id=aid, status="confirmed").order_by("id")
    assert shown.status == 200 and all(i.code in text for i in confirmed)
    # nobody here yet, the code still works: a late expert can still check in
    assert "<th class=\"nw\">签退</th>" in text and "迟到的专家到场后仍可签到" in text
    # everyone came and left: the check-out times, and nothing about coming late
    now = datetime.now(UTC)
    for n, item in enumerate(confirmed):
        await Invitation.filter(id=item.id).update(checkin_at=now - timedelta(minutes=30),
                                                   checkout_at=now - timedelta(minutes=n))
    _, text = await desk.get(f"/console/activities/{aid}/results")
    for n, item in enumerate(confirmed):
        left = (now - timedelta(minutes=n)).astimezone(CHINA).strftime("%Y年%m月%d日 %H:%M")
        assert f'data-testid="checkout-{item.id}">{left}</td>' in text
    assert "迟到" not in text and f"已到场 {len(confirmed)}/{len(confirmed)}" in text
    await Invitation.filter(id__in=[i.id for i in confirmed]).update(checkin_at=None,
                                                                    checkout_at=None)
    _, text = await desk.get(f"/console/activities/{aid}/results")
    assert all(f'data-testid="checkout-{i.id}">—</td>' in text for i in confirmed)
    printed = await client.get(f"/console/activities/{aid}/print", allow_redirects=False)
    assert printed.status == 303
    link = urlsplit(printed.headers["Location"])  # the public address: its path here
    sheet = await client.get(f"{link.path}?{link.query}")
    assert sheet.status == 200 and confirmed[0].code in await sheet.text()
    qr, text = await desk.get(f"/console/activities/{aid}/checkin")
    assert qr.status == 200 and "签到二维码" in text
    await desk.post(f"/console/activities/{aid}/after/absence", {"key": confirmed[1].code,
                                                                 "kind": "缺席"})
    assert "已登记" in await desk.flash(f"/console/activities/{aid}/results")
    # the gathering time is past: a 补抽 asks for a new one (the form offers an hour ahead)
    _, page = await desk.get(f"/console/activities/{aid}/results")
    offered = re.search(r'name="gather_at" value="([^"]+)"', page)
    assert offered, "the 补抽 form offers a gathering time"
    kept, _ = await desk.post(f"/console/activities/{aid}/after/supplement", {})
    assert "原集合时间已过" in await desk.flash(kept.headers["Location"])
    ready, _ = await desk.post(f"/console/activities/{aid}/after/supplement",
                               {"gather_at": offered.group(1)})
    child_page = ready.headers["Location"]
    assert ready.status == 303 and "补抽已准备" in await desk.flash(child_page)
    _, page = await desk.get(child_page)  # its commitments, before the value is typed
    assert 'data-testid="commitments"' in page and "候选池摘要" in page
    more, _ = await desk.post(f"/console/activities/{aid}/after/supplement-start",
                              {"nonce": "desk0815"})
    assert more.status == 303 and "补抽已开始" in await desk.flash(more.headers["Location"])


async def test_an_administrator_answers_feedback_and_marks_an_essay(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    """The administrator's desk: feedback left in chat is answered from the console and the
    answer reaches its sender; an essay waiting in the marking queue is marked there."""
    from tests.support.education import handed_in

    openid = demo["expert"].openid
    await chat.say(openid, "反馈")
    await chat.say(openid, "1")
    await chat.say(openid, "小程序里找不到历史缴费记录")
    attempt = await handed_in(client, demo, {"1": "B", "2": "T", "3": "ABC", "4": "F"})
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    _, page = await desk.get("/console/feedback")
    item = re.search(r'data-testid="feedback-(\d+)"', page)
    assert item and "找不到历史缴费记录" in page
    await desk.post(f"/console/feedback/{item.group(1)}",
                    {"answer": "在「我的」-「缴费记录」中查看。"})
    assert "回复已发送" in await desk.flash("/console/feedback")
    told = await Notification.filter(kind="feedback.answered").first()
    assert told is not None and "缴费记录" in str(told.params)
    _, page = await desk.get("/console/marking")
    assert f'data-testid="paper-{attempt.id}"' in page and "与投标人有利害关系的应当回避" in page
    assert demo["applicant"].name not in page  # the marker does not see who wrote it
    await desk.post(f"/console/marking/{attempt.id}", {"q:6": "60"})
    assert "0 到 50 分" in await desk.flash("/console/marking")
    await desk.post(f"/console/marking/{attempt.id}", {"q:6": "40"})
    assert "总分 120 分，合格" in await desk.flash("/console/marking")
    expert = Desk(client)
    await expert.sign_in(demo["verifier"].phone)
    denied, _ = await expert.get("/console/marking")
    assert denied.status == 403


async def test_the_demo_application_goes_the_whole_review_road(
        api: Api, client: TestClient, demo: dict) -> None:
    """The demo's 王晓明 waits at 市州行业部门预审 with every required file, so the road a
    newcomer tries works end to end: returned for one item, corrected, printed, signed,
    resubmitted, and back with the reviewer (HN-APPLY: 打回…修改信息)."""
    app = await Application.get(person_id=(await Person.get(phone_is(demo["applicant"].phone))).id)
    token = await api.login(demo["applicant"].mp_openid)
    reviewer = await api.login(demo["reviewer"].mp_openid)
    shown = await api.call("GET", f"/review/applications/{app.id}", reviewer)
    assert shown.status == 200 and len(shown.data["attachments"]) >= 7
    returned = await api.call("POST", f"/review/applications/{app.id}/decision", reviewer, {
        "action": "return", "reason": "职称证书不清晰", "items": ["attachment:title_cert"]})
    assert returned.status == 200, returned.data
    base = f"/applications/{app.id}"
    upload = await api.upload(f"{base}/attachments/title_cert", token, PDF, "职称.pdf",
                              "application/pdf")
    assert upload.status == 200, upload.data
    assert (await api.call("POST", f"{base}/print", token)).status == 200
    signed = await api.upload(f"{base}/attachments/review_form", token, PDF, "表.pdf",
                              "application/pdf")
    assert signed.status == 200, signed.data
    again = await api.call("POST", f"{base}/submit", token)
    assert again.status == 200 and again.data["status"] == "in_review", again.data
    assert (await api.call("GET", f"/review/applications/{app.id}", reviewer)).status == 200
