"""The web console (issue 19), over real HTTP: sign-in by password and by SMS code with the
API's rules, the session cookie's flags, CSRF on every form, the forced password change,
sign-out, and every page authorised exactly as the API endpoint it uses (one table: the
API's)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from console.app import PAGE_TABLE
from console.context import CONSOLE
from models.people import Person, Role
from sandbox.platform import Platform
from services.demo import DEMO_PEOPLE
from tests.console_helpers import Desk
from tests.draw_world import make_experts, prepared
from tests.helpers import Api, eventually
from tests.test_applications import applicant, make_batch, ready_to_submit
from tests.test_miniapp_auth import _code


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


async def test_a_wrong_password_is_told_and_an_sms_code_signs_in(
        client: TestClient, demo: dict, platform: Platform) -> None:
    desk = Desk(client)
    wrong = await desk.sign_in(demo["verifier"].phone, "Wrong-password1")
    assert wrong.status == 400
    await desk.get("/console/sign-in?tab=sms")
    sent, text = await desk.post("/console/sign-in/code", {"phone": demo["verifier"].phone})
    assert sent.status == 200 and "验证码已发送" in text
    await eventually(lambda: bool(platform.sms_to(demo["verifier"].phone)))
    code = _code(platform, demo["verifier"].phone)
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


async def test_every_page_admits_exactly_the_roles_of_its_api_endpoint(
        client: TestClient, demo: dict) -> None:
    """The console's matrix, as the API's: each page with each demo role and signed out."""
    console = next(app for app in client.app._subapps if CONSOLE in app)
    table = console[CONSOLE].endpoints
    pages = [p for p in PAGE_TABLE if p.method == "GET" and p.uses is not None]
    assert len(pages) >= 4
    for who in [d for d in DEMO_PEOPLE if d.key != "migrated"] + [None]:
        desk = Desk(client)
        client.session.cookie_jar.clear()
        roles: set[Role] = set()
        if who is not None:
            assert (await desk.sign_in(who.phone)).status == 303, who.key
            person = await Person.get(phone=who.phone)
            roles = {Role(g.role) for g in await table.services.domain.people.active_roles(
                person.id, datetime.now(UTC))}
        for spec in pages:
            path = "/console" + re.sub(r"\{\w+\}", "999999", spec.path)
            resp, _ = await desk.get(path, follow=False)
            if who is None:
                assert resp.status == 303, path
            elif table.admits(roles, *spec.uses):
                assert resp.status in (200, 404), (who.key, path, resp.status)
            else:
                assert resp.status == 403, (who.key, path, resp.status)


async def test_the_verifier_approves_in_the_console_and_the_agency_watches_the_counts(
        api: Api, client: TestClient, demo: dict) -> None:
    """Seed 004: 交易中心核验 before a draw; the agency follows its activity."""
    await make_experts(client, 4)
    aid, _ = await prepared(api, demo, total=2, verify=False)
    verifier = Desk(client)
    await verifier.sign_in(demo["verifier"].phone)
    queue, text = await verifier.get("/console/verify")
    assert queue.status == 200 and f'data-testid="pending-{aid}"' in text
    refused, _ = await verifier.post(f"/console/verify/{aid}", {"decision": "refuse",
                                                               "request": "submission"})
    assert refused.status == 303
    _, text = await verifier.get("/console/verify")
    assert "原因" in text and f'data-testid="pending-{aid}"' in text  # nothing decided
    approved, _ = await verifier.post(f"/console/verify/{aid}", {"decision": "approve",
                                                                "request": "submission"})
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
    """Seed 000: 市州行业部门可打回该专业要求申请人进行修改信息 — the reviewer reads the form
    and its attachments in the page and returns what must change, with the reason."""
    token = await applicant(api, demo)
    app_id = await ready_to_submit(api, token, await make_batch("2026年第二批评标专家征集"))
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    desk = Desk(client)
    await desk.sign_in(demo["reviewer"].phone)
    _, home = await desk.get("/console/home")
    assert "待审核 1 份申请" in home
    _, queue = await desk.get("/console/review")
    assert f'data-testid="open-{app_id}"' in queue and demo["applicant"].phone not in queue
    shown, page = await desk.get(f"/console/review/{app_id}")
    person = await Person.get(phone=demo["applicant"].phone)
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
    # another reviewer's scope (the verifier has none) cannot open it
    other = Desk(client)
    await other.sign_in(demo["verifier"].phone)
    refused, _ = await other.get(f"/console/review/{app_id}")
    assert refused.status == 403
