"""An application as the applicant makes it: a batch, a filled form, its attachments, and
the application ready to submit or inside its public notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.applications import Application, Batch
from models.people import Person, phone_is
from services.demo import DEMO_FORM, FINANCE_STAGES, GD_STAGES
from services.demo_codes import demo_credit_code
from tests.support.api import Api

JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000


PDF = b"%PDF-1.4\n" + b"0" * 2000


FILES = {"id_front": JPG, "id_back": JPG, "photo": PNG, "diploma": PDF, "title_cert": PDF,
         "pledge": PDF, "qualification": PDF}  # DEMO_FORM names one title, one qualification


async def make_batch(name: str = "测试批次", rule: str = "xinjiang", stages: list | None = None,
                     opens: timedelta = timedelta(days=-1), closes: timedelta = timedelta(days=1),
                     review: timedelta = timedelta(days=2)) -> Batch:
    now = datetime.now(UTC)
    return await Batch.create(name=name, kind="collect", province="44", specialty_rule=rule,
                              stages=stages or GD_STAGES, apply_from=now + opens,
                              apply_until=now + closes, review_until=now + review)


def form(**over: object) -> dict:
    # the demo's unit, in the register (HN-APPLY: the work unit is picked from 单位列表)
    return {**DEMO_FORM, "unit_credit_code": demo_credit_code(1), **over}


async def applicant(api: Api, demo: dict, key: str = "applicant") -> str:
    await Application.filter(person_id=(await Person.get(phone_is(demo[key].phone))).id).delete()
    return await api.login(demo[key].mp_openid)


async def ready_to_submit(api: Api, token: str, batch: Batch, **over: object) -> int:
    app = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    assert app.status == 200, app.data
    app_id = app.data["id"]
    assert (await api.call("PUT", f"/applications/{app_id}", token, form(**over))
            ).status == 200
    for kind, content in FILES.items():
        assert (await api.upload(f"/applications/{app_id}/attachments/{kind}", token,
                                 content)).status == 200, kind
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    assert printed.status == 200 and "/forms/applications/" in printed.data["form_url"]
    signed = await api.upload(f"/applications/{app_id}/attachments/review_form", token, PDF,
                              "form.pdf", "application/pdf")
    assert signed.status == 200, signed.data
    return int(app_id)



REVIEWERS = ("reviewer", "reviewer_province", "reviewer_final")  # JL-GP's three reviews


async def in_notice(api: Api, demo: dict, days: int = 5) -> Application:
    token = await applicant(api, demo)
    batch = await make_batch("吉林省政府采购评审专家征集", rule="jilin", stages=FINANCE_STAGES)
    await Batch.filter(id=batch.id).update(exam_required=False, notice_days=days)
    # JL-GP: 最多可以选择 3 个三级评标专业
    app_id = await ready_to_submit(api, token, batch, specialties=["A050201", "A050202"],
                                   primary_specialties=["A050201"])
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    for key in REVIEWERS:
        reviewer = await api.login(demo[key].mp_openid)
        decided = await api.call("POST", f"/review/applications/{app_id}/decision", reviewer,
                                 {"action": "approve"})
        assert decided.status == 200, decided.data
    return await Application.get(id=app_id)
