"""Objections anyone raises in the 公示 (JL-GP: "经财政公示无异议后进入政府采购评审专家库"):
on the public page, without signing in, against one applicant; refused in words with the form
given back as typed (a wrong captcha, too many from one address, a file too large or of
another type, no grounds); each open objection holds the admission past the notice's end; the
reviewer of the last stage (or the administrator) rules each with a reason, reads the objector
in full on purpose (an access on the trail) and the evidence; the objector is told by e-mail
or SMS; the applicant, when sustained."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from config.invoicing import MAIL_CATCHER
from models.applications import Application, AppStatus, Objection
from models.audit import AuditEntry
from models.experts import ExpertProfile
from models.notifications import Notification
from models.people import Person, phone_is
from sandbox.platform import Fault, Platform
from tests.support.api import Api
from tests.support.applications import in_notice
from tests.support.clock import MovedClock
from tests.support.helpers import eventually
from tests.support.leaks import NOT_PERSONAL
from web.context import DOMAIN, PAGE_REDIS

JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 3000
PDF = b"%PDF-1.4\n" + b"0" * 2000
OBJECTOR_PHONE = "13912345678"
OBJECTOR_MAIL = "zhou.min@example.cn"


@pytest.fixture(autouse=True)
def mail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_PROVIDER", "sandbox")


def said_in_docs(text: str) -> bool:
    """docs/applicants.md says `text`, however its lines break."""
    page = (Path(__file__).resolve().parents[2] / "docs/applicants.md").read_text("utf-8")
    return " ".join(text.split()) in " ".join(page.split())


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return unescape(found.group(1))


async def post_objection(client: TestClient, app_id: int, *, name: str = "周敏",
                         contact: str = OBJECTOR_PHONE,
                         grounds: str = "该人员的职称证书与发证机关记录不符",
                         files: tuple[tuple[str, bytes, str], ...] = (),
                         captcha: str | None = None, csrf: str | None = None
                         ) -> tuple[int, str]:
    """Open the form as a browser does, answer its captcha (the answer as kept in Redis,
    unless `captcha` says otherwise) and post it."""
    page = await client.get(f"/public-notice/{app_id}/objection")
    assert page.status == 200, await page.text()
    html = await page.text()
    challenge = _value(html, "challenge")
    store = client.app[PAGE_REDIS]
    kept = await store.redis.get(store.keys.captcha(challenge))
    answer = kept.decode() if isinstance(kept, bytes) else str(kept)
    picture = await client.get(f"/captcha/{challenge}.png")
    assert picture.status == 200 and (await picture.read()).startswith(b"\x89PNG")
    form = FormData(default_to_multipart=True)  # as the page's form sends it
    form.add_field("_csrf", _value(html, "_csrf") if csrf is None else csrf)
    form.add_field("challenge", challenge)
    form.add_field("name", name)
    form.add_field("contact", contact)
    form.add_field("grounds", grounds)
    form.add_field("captcha", answer.lower() if captcha is None else captcha)
    for filename, data, kind in files:
        form.add_field("evidence", io.BytesIO(data), filename=filename, content_type=kind)
    got = await client.post(f"/public-notice/{app_id}/objection", data=form)
    return got.status, unescape(await got.text())


def refusal(html: str) -> str:
    found = re.search(r'data-testid="refused">([^<]*)<', html)
    assert found, html[:2000]
    return found.group(1)


async def test_refusals_say_what_to_do_and_keep_what_was_typed(
        api: Api, client: TestClient, demo: dict, clock: MovedClock) -> None:
    app = await in_notice(api, demo)
    clock.early_in_a_minute()
    # a refused form gives the objector back their own numbers as they typed them: to the
    # browser that sent them, not a leak (the leak watch would count them)
    NOT_PERSONAL.update({OBJECTOR_PHONE, "13800001111"})
    grounds = "其工作单位与公示所列不符，联系电话13800001111可核实"
    status, html = await post_objection(client, app.id, grounds=grounds, captcha="XXXX")
    assert status == 400 and "验证码" in refusal(html)
    assert 'value="周敏"' in html and grounds in html  # the phone typed is not masked away
    assert f'value="{OBJECTOR_PHONE}"' in html
    status, html = await post_objection(client, app.id, grounds="   ")
    assert status == 400 and "请填写异议的事实和理由" in refusal(html)
    status, html = await post_objection(client, app.id, files=(
        ("证明.docx", b"PK\x03\x04" + b"0" * 100, "image/jpeg"),))  # the name lies, the bytes not
    assert status == 400 and "证明.docx" in refusal(html) and "JPG" in refusal(html)
    status, html = await post_objection(client, app.id, files=(
        ("大图.jpg", JPG + b"0" * (5 * 1024 * 1024), "image/jpeg"),))
    assert status == 413 and "超过5MB" in refusal(html) and grounds not in html
    assert 'value="周敏"' in html  # the fields after a file too large still arrive
    status, html = await post_objection(client, app.id, contact="微信 zhoumin")
    assert status == 400 and "手机号或电子邮箱" in refusal(html)
    # the sixth post this minute from one address
    status, html = await post_objection(client, app.id)
    assert status == 429 and "一分钟后再试" in refusal(html) and 'value="周敏"' in html
    clock.advance(60)
    status, html = await post_objection(client, app.id, csrf="forged")
    assert status == 403 and 'value="周敏"' in html
    assert not await Objection.exists(application_id=app.id)
    # a captcha answers once: a wrong answer uses it up, the right one then comes too late
    page = await client.get(f"/public-notice/{app.id}/objection")
    html = await page.text()
    challenge = _value(html, "challenge")
    store = client.app[PAGE_REDIS]
    kept = await store.redis.get(store.keys.captcha(challenge))
    answer = kept.decode() if isinstance(kept, bytes) else str(kept)
    for typed in ("ZZZZ", answer):
        form = FormData(default_to_multipart=True)
        for name, value in (("_csrf", _value(html, "_csrf")), ("challenge", challenge),
                            ("name", "周敏"), ("contact", OBJECTOR_PHONE),
                            ("grounds", "理由"), ("captcha", typed)):
            form.add_field(name, value)
        again = await client.post(f"/public-notice/{app.id}/objection", data=form)
        assert again.status == 400 and "验证码" in refusal(unescape(await again.text()))
    assert (await client.get(f"/captcha/{challenge}.png")).status == 404
    assert not await Objection.exists(application_id=app.id)


async def test_an_objection_holds_the_admission_until_ruled_and_the_objector_is_told(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    app = await in_notice(api, demo)
    status, html = await post_objection(client, app.id, files=(
        ("证书照片.jpg", JPG, "image/jpeg"), ("核查函.pdf", PDF, "application/pdf")))
    assert status == 200 and "异议已提交" in html and "短信" in html
    status, _ = await post_objection(client, app.id, name="吴刚", contact=OBJECTOR_MAIL,
                                     grounds="曾因评审违规被处理")
    assert status == 200
    first, second = await Objection.filter(application_id=app.id).order_by("id")
    # sealed at rest: neither the name nor the number in the row
    assert "周敏" not in first.name_enc and OBJECTOR_PHONE not in first.contact_enc
    assert first.evidence[1]["content_type"] == "application/pdf"
    # past the notice's end, each open objection holds it
    assert said_in_docs("Several objections may stand against one application; while any "
                        "is open the admission waits past the notice's end.")
    notices = client.app[DOMAIN].public_notice
    assert app.notice_until is not None
    after_end = app.notice_until + timedelta(minutes=1)
    assert await notices.close_due(after_end) == 0
    # the city reviewer did not open the notice: not theirs to rule
    city = await api.login(demo["reviewer"].mp_openid)
    assert (await api.call("GET", "/review/objections", city)).data["objections"] == []
    refused = await api.call("POST", f"/review/objections/{first.id}/ruling", city,
                             {"sustained": False, "note": "不成立"})
    assert refused.status == 403
    # the last stage's reviewer is told at once that an objection waits on her, once each
    final_person = await Person.get(phone_is(demo["reviewer_final"].phone))
    city_person = await Person.get(phone_is(demo["reviewer"].phone))
    told = await Notification.filter(kind="objection.raised")
    assert {f"objection:{first.id}:{final_person.id}",
            f"objection:{second.id}:{final_person.id}"} <= {n.dedupe_key for n in told}
    assert city_person.id not in {n.person_id for n in told}  # not hers to rule
    final = await api.login(demo["reviewer_final"].mp_openid)
    listed = (await api.call("GET", "/review/objections", final)).data["objections"]
    assert [o["id"] for o in listed] == [first.id, second.id]  # open ones, oldest first
    shown = listed[0]
    assert shown["objector"] == "周*" and shown["contact"] == "139****5678"
    assert shown["number"] == f"YY{first.id:06d}"
    assert [e["filename"] for e in shown["evidence"]] == ["证书照片.jpg", "核查函.pdf"]
    assert listed[1]["contact"] == "z***@example.cn"
    pdf = await api.call("GET", f"/review/objections/{first.id}/evidence/1", final)
    assert pdf.status == 200 and pdf.data["body"] == PDF
    # the objector in full, on purpose: an access on the trail (not through `api`, which
    # scans answers for numbers in full)
    full = await client.post(f"/miniapp/v1/review/objections/{first.id}/objector",
                             headers={"Authorization": f"Bearer {final}"})
    assert await full.json() == {"name": "周敏", "contact": OBJECTOR_PHONE,
                                 "contact_kind": "phone"}
    reading = await AuditEntry.filter(action="read_full").order_by("-id").first()
    assert reading is not None and reading.detail.get("why") == "review"
    # a reason is required both ways
    no_note = await api.call("POST", f"/review/objections/{first.id}/ruling", final,
                             {"sustained": False, "note": ""})
    assert no_note.status == 400
    dismissed = await api.call("POST", f"/review/objections/{first.id}/ruling", final,
                               {"sustained": False, "note": "经核实，职称证书真实有效"})
    assert dismissed.status == 200 and dismissed.data["ruling_title"] == "异议不成立"
    # one dismissed, the other open: still held
    assert await notices.close_due(after_end) == 0
    await eventually(lambda: len(platform.sms_to(OBJECTOR_PHONE)) >= 1, timeout=15)
    (sms,) = platform.sms_to(OBJECTOR_PHONE)
    assert "异议不成立" in sms and "职称证书真实有效" in sms
    # the administrator rules the second: dismissed too; then the notice ends as usual
    admin = await api.login(demo["admin"].mp_openid)
    assert (await api.call("POST", f"/review/objections/{second.id}/ruling", admin,
                           {"sustained": False, "note": "所述处理记录不属实"})).status == 200
    assert await notices.close_due(after_end) == 1
    assert await ExpertProfile.exists(person_id=app.person_id)
    await eventually(lambda: bool(client.app[MAIL_CATCHER].to(OBJECTOR_MAIL)),  # type: ignore[attr-defined]
                     timeout=15)
    (mail,) = client.app[MAIL_CATCHER].to(OBJECTOR_MAIL)  # type: ignore[attr-defined]
    assert "异议" in mail.subject and "所述处理记录不属实" in mail.text
    await eventually(lambda: Objection.exists(id=second.id, told_at__not_isnull=True))
    # the review log names the objectors masked
    log = (await api.call("GET", f"/applications/{app.id}",
                          await api.login(demo["applicant"].mp_openid))).data["log"]
    assert {e["actor"] for e in log if e["action"] == "objection"} == {"周*", "吴*"}


async def test_a_sustained_objection_is_not_admitted_and_the_applicant_told(
        api: Api, client: TestClient, demo: dict) -> None:
    app = await in_notice(api, demo)
    assert (await post_objection(client, app.id, files=(
        ("核查函.pdf", PDF, "application/pdf"),)))[0] == 200
    assert (await post_objection(client, app.id, name="吴刚", grounds="另有兼职未申报"))[0] == 200
    objection, other = await Objection.filter(application_id=app.id).order_by("id")
    final = await api.login(demo["reviewer_final"].mp_openid)
    ruled = await api.call("POST", f"/review/objections/{objection.id}/ruling", final,
                           {"sustained": True, "note": "经核实，职称证书与发证机关记录不符"})
    assert ruled.status == 200 and ruled.data["application_status"] == "rejected"
    assert (await Application.get(id=app.id)).status == AppStatus.REJECTED
    told = await Notification.get(kind="application.rejected", person_id=app.person_id)
    assert "发证机关记录不符" in told.params["reason"]
    again = await api.call("POST", f"/review/objections/{objection.id}/ruling", final,
                           {"sustained": False, "note": "改判"})
    assert again.status == 409 and "已经处理过了" in again.message
    # the other one still answers its objector: sustained too, the applicant told once
    also = await api.call("POST", f"/review/objections/{other.id}/ruling", final,
                          {"sustained": True, "note": "兼职情况属实"})
    assert also.status == 200 and also.data["ruling_title"] == "异议成立"
    assert await Notification.filter(kind="application.rejected",
                                      person_id=app.person_id).count() == 1
    # off the board: no more objections against them
    assert (await client.get(f"/public-notice/{app.id}/objection")).status == 409
    # the applicant's personal data removed at its time: the objections and their files too
    files = client.app[DOMAIN].files
    key = objection.evidence[0]["key"]
    assert await files.get(key) == PDF
    await Person.filter(id=app.person_id).update(deregistered_at=datetime.now(UTC))
    await client.app[DOMAIN].retention.anonymise(app.person_id)
    assert not await Objection.filter(application_id=app.id).exists()
    with pytest.raises(OSError):
        await files.get(key)


async def test_a_gateway_refusing_the_sms_is_tried_again_and_the_desk_sees_it(
        api: Api, client: TestClient, demo: dict, platform: Platform) -> None:
    app = await in_notice(api, demo)
    assert (await post_objection(client, app.id))[0] == 200
    (objection,) = await Objection.filter(application_id=app.id)
    platform.inject(Fault("/sms/send", status=500))
    final = await api.login(demo["reviewer_final"].mp_openid)
    assert (await api.call("POST", f"/review/objections/{objection.id}/ruling", final,
                           {"sustained": False, "note": "所反映情况不属实"})).status == 200
    await eventually(lambda: Objection.exists(id=objection.id, tell_attempts=1))
    kept = await Objection.get(id=objection.id)
    assert kept.told_at is None and kept.tell_error and not platform.sms_to(OBJECTOR_PHONE)
    listed = (await api.call("GET", "/review/objections", final)).data["objections"]
    assert listed[0]["told_at"] is None and not listed[0]["tell_failed"]
    # the next try (its job, a minute later) goes through
    telling = client.app[DOMAIN].public_notice.telling
    assert await telling.tell(objection.id, datetime.now(UTC)) == "told"
    assert "所反映情况不属实" in platform.sms_to(OBJECTOR_PHONE)[0]
    assert await telling.tell(objection.id, datetime.now(UTC)) == "nothing"  # once
