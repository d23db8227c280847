"""The expert's personal information sheet (XJ-CE: "四. 个人信息变更 1、点击【下载】可以下载
个人信息表"): a PDF of what the library holds of them — name, expert number, unit, regions,
specialties by name, avoidance units, continuing education — with the ID number and phone
masked as on every page; only an expert has one."""

from __future__ import annotations

import io

from pypdf import PdfReader

from models.learning.education import Course, Enrollment, Grading
from models.people import Person, phone_is
from tests.support.api import Api


async def test_the_expert_downloads_the_personal_information_sheet(
        api: Api, demo: dict) -> None:
    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    course = await Course.get(title="2026年度评标专家继续教育")
    await Enrollment.filter(course_id=course.id, person_id=person.id).update(
        grading=Grading.PASSED, certificate_no="JX2026000123")
    token = await api.login(expert.mp_openid)
    got = await api.call("GET", "/expert/info-sheet.pdf", token)
    assert got.status == 200 and got.data["body"].startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(got.data["body"])).pages)
    flat = text.replace("\n", "").replace(" ", "")
    for shown in ("评标专家个人信息表", "李建国", "GD-ZJ-000001", "示例工程咨询公司2",
                  "广东省广州市", person.id_masked, person.phone_masked, "评标专业",
                  "回避单位", "本人工作单位", "继续教育", "2026年度评标专家继续教育", "合格",
                  "JX2026000123"):
        assert shown.replace(" ", "") in flat, shown
    assert expert.id_number not in flat and expert.phone not in flat  # masked
    # an applicant has an application form, not this
    applicant = await api.login(demo["applicant"].mp_openid)
    assert (await api.call("GET", "/expert/info-sheet.pdf", applicant)).status == 403
