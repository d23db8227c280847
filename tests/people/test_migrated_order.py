"""XJ-CE's order for the experts brought over from the old system, as 孙卫东 (migrated, old
account sunweidong) meets it: signed in with the old account and the ID number's last 8
characters, he changes the password, is told the steps — 完善信息 (续聘) → 续聘审核 → 继续教育 —
and each thing tried too early (继续教育 before the review, 异动 or 修改 before the course)
is refused with what comes first; once the course is completed, he changes region."""

from __future__ import annotations

from datetime import UTC, datetime

from models.applications import Batch
from models.learning.education import Course, Enrollment
from models.wechat import WeChatIdentity
from services.demo import DEMO_OLD_ACCOUNT, FINANCE_STAGES
from tests.support.api import Api
from tests.support.applications import REVIEWERS, make_batch, ready_to_submit

ORDER = "从原系统迁移的专家须按顺序办理"


async def _signed_in_with_the_old_account(api: Api, demo: dict) -> str:
    migrated = demo["migrated"]
    await WeChatIdentity.filter(openid=migrated.mp_openid).update(person_id=None)
    token = await api.login("mp_sunweidong")
    login = await api.call("POST", "/auth/password-login", token,
                           {"account": DEMO_OLD_ACCOUNT, "password": migrated.id_number[-8:]})
    assert login.status == 200 and login.data["profile"]["must_change_password"] is True
    assert (await api.call("POST", "/auth/password", token, {
        "old_password": migrated.id_number[-8:], "new_password": "Xinjiang2025"})).status == 200
    return token


async def test_the_migrated_expert_is_told_the_steps_and_kept_to_their_order(
        api: Api, demo: dict) -> None:
    token = await _signed_in_with_the_old_account(api, demo)
    steps = await api.call("GET", "/expert/steps", token)
    assert steps.status == 200 and steps.data["applies"] is True
    assert [(s["title"], s["done"]) for s in steps.data["steps"]] == [
        ("完善信息并提交续聘申请", False), ("续聘审核通过", False),
        ("报名并完成继续教育（含考试）", False)]
    assert ORDER in steps.data["message"] and "第①步" in steps.data["message"]
    course = await Course.get(title="2026年度评标专家继续教育")

    async def refused(doing: str, step: str) -> None:
        if doing == "education":
            got = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
        else:
            got = await api.call("POST", "/expert/requests", token, {"kind": doing})
        assert got.status == 403, (doing, got.data)
        assert ORDER in got.message and step in got.message, (doing, got.message)

    # nothing but the renewal first: not a course, not a region change, not a change
    for doing in ("education", "transfer", "change"):
        await refused(doing, "第①步：在【专家入库申请】中选择续聘批次")
    # ① 完善信息: the renewal filled and submitted (XJ-CE: 入库类型处，请选择【续聘】)
    batch = await make_batch("2025年全区评标专家续聘", stages=FINANCE_STAGES)
    await Batch.filter(id=batch.id).update(kind="renew")
    app_id = await ready_to_submit(api, token, batch)
    assert (await api.call("POST", f"/applications/{app_id}/submit", token)).status == 200
    assert [s["done"] for s in (await api.call("GET", "/expert/steps", token)
                                ).data["steps"]] == [True, False, False]
    await refused("education", "第②步：等待续聘申请审核通过")
    await refused("transfer", "第②步")
    # ② the review approves it: the course opens to him (审核人员审核通过后，可点击【继续教育】)
    for key in REVIEWERS:
        reviewer = await api.login(demo[key].mp_openid)
        assert (await api.call("POST", f"/review/applications/{app_id}/decision", reviewer,
                               {"action": "approve"})).status == 200
    enrolled = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert enrolled.status == 200, enrolled.data
    await refused("transfer", "第③步：在【继续教育】中报名本期课程，学完并考试合格")
    await refused("change", "第③步")
    # ③ the course completed (its test passed; the test's own flow: tests/education)
    await Enrollment.filter(id=enrolled.data["id"]).update(completed_at=datetime.now(UTC))
    done = await api.call("GET", "/expert/steps", token)
    assert [s["done"] for s in done.data["steps"]] == [True, True, True]
    assert done.data["message"] is None
    # 待完成继续教育、考试后再在系统单独【异动申请】评标地州
    moved = await api.call("POST", "/expert/requests", token, {"kind": "transfer"})
    assert moved.status == 200, moved.data


async def test_an_expert_not_brought_over_is_not_held(api: Api, demo: dict) -> None:
    token = await api.login(demo["expert"].mp_openid)
    steps = await api.call("GET", "/expert/steps", token)
    assert steps.data == {"applies": False, "steps": [], "message": None}
    assert (await api.call("POST", "/expert/requests", token, {"kind": "transfer"})
            ).status == 200
