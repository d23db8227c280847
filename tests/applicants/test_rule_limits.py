"""Every limit the seeds state, as the number a batch under that province's rule set enforces
(services/reference/rule_limits.py), one test per limit with the seed's own number: refused
in words saying the limit and what to do, the draft saved before kept, the number one below
taken, and said beside the field (GET /batches: limits)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.applications import Batch
from services.demo import FINANCE_STAGES
from tests.support.api import Api, ApiAnswer
from tests.support.applications import JPG, PDF, PNG, applicant, form, make_batch, ready_to_submit

NAMES = {"hunan": "湖南省综合评标专家库征集", "jilin": "吉林省政府采购评审专家征集",
         "xinjiang": "新疆评标专家第二批报名"}


async def started(api: Api, demo: dict, rule: str) -> tuple[str, int, dict]:
    """An applicant's draft in a new batch under `rule`, the base form saved; the token, the
    application and its batch as the mini-program reads it."""
    token = await applicant(api, demo)
    batch = await make_batch(NAMES[rule], rule=rule,
                             stages=FINANCE_STAGES if rule == "jilin" else None)
    app = await api.call("POST", "/applications", token, {"batch_id": batch.id})
    assert app.status == 200, app.data
    saved = await api.call("PUT", f"/applications/{app.data['id']}", token,
                           form(specialties=["A050201"], primary_specialties=["A050201"],
                                practice_specialty="A0502"))
    assert saved.status == 200, saved.data
    return token, int(app.data["id"]), saved.data["batch"]


async def refused_and_kept(api: Api, token: str, app_id: int, body: dict, words: str
                           ) -> ApiAnswer:
    """A save over the limit: refused in `words`, and the draft as it was."""
    before = (await api.call("GET", f"/applications/{app_id}", token)).data["data"]
    refused = await api.call("PUT", f"/applications/{app_id}", token, body)
    assert refused.status == 400 and words in refused.message, refused.data
    assert (await api.call("GET", f"/applications/{app_id}", token)).data["data"] == before
    return refused


def leaves(n: int) -> dict:
    codes = ["A0101", "A0102", "A0103", "A0201", "A0202", "A0401", "A0402"][:n]
    return {"specialties": codes, "primary_specialties": codes[:1]}


def entries(section: str, n: int) -> list[dict]:
    if section == "work_history":
        return [{"start": f"{2000 + i}-01", "end": f"{2000 + i}-12", "unit": f"示例单位{i}",
                 "position": "工程师"} for i in range(n)]
    return [{"name": f"注册资格{i}", "number": f"ZG{i:06d}"} for i in range(n)]


async def test_hunan_at_most_6_specialties(api: Api, demo: dict) -> None:
    """HN-APPLY: 评标专业最多可选择6个，最少需选择1个."""
    token, app_id, batch = await started(api, demo, "hunan")
    assert batch["limits"]["specialties"] == 6
    assert batch["limits"]["said"]["specialties"].startswith("评标专业最多可选择6个，最少选择1个")
    refused = await refused_and_kept(api, token, app_id, leaves(7),
                                     "评标专业最多选择6个，当前选择了7个，请删去多余的专业")
    assert refused.data["error"] == "specialty.hunan_too_many"
    assert (await api.call("PUT", f"/applications/{app_id}", token, leaves(6))).status == 200


async def test_hunan_at_most_3_practice_qualifications(api: Api, demo: dict) -> None:
    """HN-APPLY: 从业资格证书不得超过三种 — whatever the batch's own setting says; the work
    history, of which Hunan states no number, takes our 10."""
    token, app_id, batch = await started(api, demo, "hunan")
    await Batch.filter(id=batch["id"]).update(max_qualifications=5)  # a setting cannot raise it
    assert batch["limits"]["qualifications"] == 3 and batch["max_qualifications"] == 3
    assert batch["limits"]["said"]["qualifications"] == "执业资格至多3条"
    await refused_and_kept(api, token, app_id, {"qualifications": entries("q", 4)},
                           "执业资格最多填写3条，当前为4条，请删去多余的再保存")
    assert (await api.call("PUT", f"/applications/{app_id}", token,
                           {"qualifications": entries("q", 3)})).status == 200
    base = f"/applications/{app_id}/attachments/qualification"
    for _ in range(3):  # a certificate per qualification
        assert (await api.upload(base, token, PDF, "q.pdf", "application/pdf")).status == 200
    fourth = await api.upload(base, token, PDF, "q.pdf", "application/pdf")
    assert fourth.status == 409 and "最多上传 3 个" in fourth.message
    assert (await api.call("PUT", f"/applications/{app_id}", token,
                           {"work_history": entries("work_history", 10)})).status == 200


async def test_jilin_at_most_3_level3_specialties(api: Api, demo: dict) -> None:
    """JL-GP: 最多可以选择 3 个三级评标专业."""
    token, app_id, batch = await started(api, demo, "jilin")
    assert batch["limits"]["said"]["specialties"] == "最多可以选择3个三级评标专业"
    four = ["A050201", "A050202", "A050301", "A050302"]
    await refused_and_kept(api, token, app_id,
                           {"specialties": four, "primary_specialties": four[:1]},
                           "最多选择3个三级评标专业，当前选择了4个，请删去多余的专业")
    assert (await api.call("PUT", f"/applications/{app_id}", token, {
        "specialties": four[:3], "primary_specialties": four[:1]})).status == 200


async def test_jilin_at_most_5_titles_work_entries_and_qualifications(
        api: Api, demo: dict) -> None:
    """JL-GP: “职称信息”、“工作履历”、“执业资格”可以录入多条信息，至多 5 条 — 5 also where the
    batch was made with another number of qualifications (the rule set decides)."""
    token, app_id, batch = await started(api, demo, "jilin")
    said = batch["limits"]["said"]
    assert (said["titles"], said["work_history"], said["qualifications"]) == (
        "职称信息至多5条（含第一条职称）", "工作履历至多5条", "执业资格至多5条")
    assert batch["max_qualifications"] == 5  # the batch row says 3: the rule set's 5 holds
    more = [{"name": n, "level": "中级"} for n in ("经济师", "会计师", "审计师", "统计师",
                                                  "工程师")]
    await refused_and_kept(api, token, app_id, {"more_titles": more},
                           "职称信息最多填写5条（含第一条职称），当前为6条")
    assert (await api.call("PUT", f"/applications/{app_id}", token,
                           {"more_titles": more[:4]})).status == 200
    for section, words in (("work_history", "工作履历最多填写5条，当前为6条"),
                           ("qualifications", "执业资格最多填写5条，当前为6条")):
        await refused_and_kept(api, token, app_id, {section: entries(section, 6)}, words)
        assert (await api.call("PUT", f"/applications/{app_id}", token,
                               {section: entries(section, 5)})).status == 200, section


async def test_jilin_other_material_jpg_under_20m_at_most_3(api: Api, demo: dict) -> None:
    """JL-GP: “其他材料”中附件信息选填，要求 JPG 格式，大小 20M 以下，最多三张."""
    token, app_id, batch = await started(api, demo, "jilin")
    assert batch["limits"]["said"]["extra"] == "其他材料选填：JPG 格式，每张 20M 以下，最多3张"
    base = f"/applications/{app_id}/attachments/extra"
    png = await api.upload(base, token, PNG)
    assert png.status == 400 and "只能上传 JPG 文件" in png.message
    big = await api.upload(base, token, JPG + b"\x00" * (20 * 1024 * 1024))
    assert big.status == 413 and "不能超过 20 MB" in big.message
    for _ in range(3):
        assert (await api.upload(base, token, JPG)).status == 200
    fourth = await api.upload(base, token, JPG)
    assert fourth.status == 409 and "最多上传 3 个，请先删除不需要的" in fourth.message


async def test_xinjiang_one_level1_two_level2_at_most_4_level3(api: Api, demo: dict) -> None:
    """XJ-SIGNUP: 一级类别选一个，二级类别选2个，不可重复，三级类别最多选4个 — the count as the
    form is saved, the whole rule when it is printed."""
    token, app_id, batch = await started(api, demo, "xinjiang")
    assert batch["limits"]["said"]["specialties"] == (
        "在“A 工程”大类别中选择：一级类别选1个，二级类别至多选2个，三级类别共至多选4个"
        "（没有三级类别的二级类别按一个计）")
    five = ["A0501", "A050201", "A050202", "A050301", "A050302"]
    await refused_and_kept(api, token, app_id,
                           {"specialties": five, "primary_specialties": five[:1]},
                           "三级类别共不得超过4项（没有三级类别的二级类别按一项计），当前为5项")
    for codes, words in ((["A0401", "A050201"], "所有专业须在同一个一级类别下"),
                         (["A0501", "A050201", "A050301"], "二级类别不得超过2项，当前涉及3项")):
        assert (await api.call("PUT", f"/applications/{app_id}", token, {
            "specialties": codes, "primary_specialties": codes[:1]})).status == 200
        printed = await api.call("POST", f"/applications/{app_id}/print", token)
        assert printed.status == 400 and words in printed.message, printed.data
    # 1 一级 (A05), 2 二级 (A0502, A0503), 4 三级: printed and signed
    four = five[1:]
    await ready_to_submit(api, token, await make_batch(NAMES["xinjiang"]), specialties=four,
                          primary_specialties=four[:1], practice_specialty="A0502")


async def test_a_batch_takes_its_rule_sets_numbers(api: Api, demo: dict) -> None:
    """A batch made under Hunan's or Jilin's rule set takes the number its document states
    (asking another is refused in words); under Xinjiang's, which states none, the
    administrator sets it (1 to 5, 3 when not said: ours)."""
    admin = await api.login(demo["admin"].mp_openid)
    now = datetime.now(UTC)
    body = {"name": "2027年吉林省评审专家征集", "kind": "collect", "province": "22",
            "specialty_rule": "jilin", "stages": [{"key": "city", "title": "市县财政初审",
                                                   "level": "city"}],
            "apply_from": now.isoformat(), "apply_until": (now + timedelta(days=9)).isoformat(),
            "review_until": (now + timedelta(days=20)).isoformat()}
    other = await api.call("POST", "/admin/batches", admin, {**body, "max_qualifications": 3})
    assert other.status == 400 and "吉林规则的批次，执业资格最多5条，由该省的规定确定，不能另设" \
        in other.message
    made = {}
    for rule, asked in (("jilin", None), ("hunan", 3), ("xinjiang", None), ("xinjiang", 4)):
        created = await api.call("POST", "/admin/batches", admin, {
            **body, "name": f"2027年{rule}{asked}批次", "specialty_rule": rule,
            "max_qualifications": asked})
        assert created.status == 200, created.data
        made[created.data["id"]] = (rule, asked)
    too_many = await api.call("POST", "/admin/batches", admin, {
        **body, "specialty_rule": "xinjiang", "max_qualifications": 6})
    assert too_many.status == 400 and "请填1到5之间的整数" in too_many.message
    listed = await api.call("GET", "/admin/batches", admin)
    shown = {b["id"]: b["limits"]["qualifications"] for b in listed.data["batches"]
             if b["id"] in made}
    assert shown == {i: {("jilin", None): 5, ("hunan", 3): 3, ("xinjiang", None): 3,
                         ("xinjiang", 4): 4}[made[i]] for i in made}
