"""JL-GP's title rule ("职称信息中，职称需要选择最小级；如果没有职称，将执业资格填入
“职称信息”；职称附件必须上传") as an applicant to a Jilin batch meets it in the mini-program:
a series or a level is refused with what to pick, a title of the smallest level gets the
picker's level, and an applicant without a title enters a practice qualification as the title
information, prints with its certificate and is admitted without a title level. Other batches
ask for a title, as their seeds' forms do."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from models.applications import Application, Batch
from models.experts import ExpertProfile
from services.demo import FINANCE_STAGES
from tests.support.api import Api
from tests.support.applications import (
    FILES,
    REVIEWERS,
    applicant,
    form,
    make_batch,
    ready_to_submit,
)
from web.context import DOMAIN

JILIN = ("吉林省政府采购评审专家征集", "jilin")
SPECIALTIES = {"specialties": ["A050201"], "primary_specialties": ["A050201"]}


async def test_a_title_is_picked_down_to_its_smallest_level(api: Api, demo: dict) -> None:
    picker = await api.call("GET", "/reference/titles")  # no sign-in: the mini-program's picker
    engineering = next(s for s in picker.data["series"] if s["series"] == "工程技术")
    assert {"level": "副高", "titles": ["高级工程师"]} in engineering["levels"]

    token = await applicant(api, demo)
    batch = await make_batch(*JILIN, stages=FINANCE_STAGES)
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    for upper in ("工程技术", "副高", "高级"):  # a series or a level is no title
        refused = await api.call("PUT", f"/applications/{app_id}", token,
                                 {"title_name": upper, "title_level": "副高"})
        assert refused.status == 400, upper
        assert f"职称「{upper}」不是最小一级" in refused.message
        assert "工程技术 → 副高 → 高级工程师" in refused.message
    more = await api.call("PUT", f"/applications/{app_id}", token, {
        "title_name": "高级工程师", "title_level": "副高",
        "more_titles": [{"name": "经济", "level": "中级"}]})
    assert more.status == 400 and "职称「经济」不是最小一级" in more.message
    # the smallest level: saved, with the picker's level whatever was sent
    saved = await api.call("PUT", f"/applications/{app_id}", token, {
        "title_name": "高级工程师", "title_level": "中级",
        "more_titles": [{"name": "经济师", "level": "副高"}]})
    assert saved.status == 200, saved.data
    data = (await api.call("GET", f"/applications/{app_id}", token)).data["data"]
    assert (data["title_level"], data["more_titles"]) == ("副高", [{"name": "经济师",
                                                                    "level": "中级"}])


async def test_without_a_title_the_qualification_is_the_title_information(
        api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch(*JILIN, stages=FINANCE_STAGES)
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    # not beside other titles: only a person without any title puts a qualification there
    both = await api.call("PUT", f"/applications/{app_id}", token, form(
        **SPECIALTIES, title_name="一级注册建造师", title_level=None,
        title_from_qualification=True, more_titles=[{"name": "工程师", "level": "中级"}]))
    assert both.status == 400 and "只有没有职称时" in both.message
    saved = await api.call("PUT", f"/applications/{app_id}", token, form(
        **SPECIALTIES, title_name="一级注册建造师", title_level="副高",
        title_from_qualification=True,
        qualifications=[{"name": "一级注册建造师", "number": "JL2015000321"}]))
    assert saved.status == 200, saved.data
    shown = (await api.call("GET", f"/applications/{app_id}", token)).data
    assert shown["data"]["title_level"] is None  # a qualification has no title level
    assert "职称级别" not in shown["missing"]
    # 职称附件必须上传: printing still asks for the certificate in the title's place
    for kind, content in FILES.items():
        if kind != "title_cert":
            await api.upload(f"/applications/{app_id}/attachments/{kind}", token, content)
    unready = await api.call("POST", f"/applications/{app_id}/print", token)
    assert unready.status == 400 and "职称证书" in unready.message
    await api.upload(f"/applications/{app_id}/attachments/title_cert", token,
                     FILES["title_cert"])
    printed = await api.call("POST", f"/applications/{app_id}/print", token)
    assert printed.status == 200, printed.data
    url = urlsplit(printed.data["form_url"])
    sheet = await (await api.client.get(f"{url.path}?{url.query}")).text()
    assert "一级注册建造师（没有职称，填的是执业资格）" in sheet


async def test_the_applicant_without_a_title_is_admitted_without_a_level(
        api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch(*JILIN, stages=FINANCE_STAGES)
    await Batch.filter(id=batch.id).update(exam_required=False)
    app_id = await ready_to_submit(api, token, batch, **SPECIALTIES, title_name="一级注册建造师",
                                   title_level=None, title_from_qualification=True)
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    for key in REVIEWERS:
        reviewer = await api.login(demo[key].mp_openid)
        assert (await api.call("POST", f"/review/applications/{app_id}/decision", reviewer,
                               {"action": "approve"})).status == 200
    app = await Application.get(id=app_id)
    assert app.notice_until is not None
    await api.client.app[DOMAIN].public_notice.close_due(app.notice_until + timedelta(minutes=1))
    profile = await ExpertProfile.get(person_id=app.person_id)
    assert profile.title_level is None


async def test_other_batches_ask_for_a_title(api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch("新疆评标专家征集", "xinjiang")
    app_id = (await api.call("POST", "/applications", token, {"batch_id": batch.id})).data["id"]
    refused = await api.call("PUT", f"/applications/{app_id}", token, {
        "title_name": "一级注册建造师", "title_from_qualification": True})
    assert refused.status == 400 and "本批次须填写职称" in refused.message
    # their forms take a title as written (XJ-SIGNUP, HN-APPLY name no picker)
    assert (await api.call("PUT", f"/applications/{app_id}", token, {
        "title_name": "高级规划师", "title_level": "副高"})).status == 200
