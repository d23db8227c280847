"""A province's specialty catalogue as data its administrator manages: loaded from a sheet,
every refused row named by row and column and nothing stored; versioned, an application and
a draw keeping the version they were made with; conditions on any level (GD-DRAW's rows
"主专业 (A08)工程施工" and "(A01)规划" are level-1 codes) taking every specialty under them;
the specialty rules (XJ-SIGNUP, JL-GP, HN-APPLY) on whatever catalogue is loaded."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient

from models.applications import Application
from models.draws import Condition
from models.reference import CatalogueVersion
from services.common.errors import BadInput
from services.reference.catalogue import catalogue
from services.reference.specialties import Selection, Specialties, SpecialtyRule
from tests.support.api import Api
from tests.support.applications import applicant, form, make_batch, ready_to_submit
from tests.support.catalogue import BAD, GOOD, workbook
from tests.support.cli import Expertbot
from tests.support.draw_world import make_experts, prepared


async def load(api: Api, token: str, content: bytes, query: str = "",
               filename: str = "广东专业目录.xlsx") -> dict:
    answer = await api.upload(f"/admin/catalogues{query}", token, content, filename,
                              "application/octet-stream")
    assert answer.status == 200, answer.data
    return answer.data


async def test_a_catalogue_with_errors_is_refused_row_by_row_and_nothing_is_kept(
        api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    report = await load(api, admin, workbook(BAD))
    where = [(p["row"], p["column"]) for p in report["problems"]]
    assert where == [(5, "代码"), (6, "上级代码"), (7, "名称"), (8, "层级")]
    messages = [p["message"] for p in report["problems"]]
    assert "第 4 行已有" in messages[0] and "A0899" in messages[1]
    assert "应为 3" in messages[3] and report["version"] is None
    assert await CatalogueVersion.all().count() == 0
    missing = await load(api, admin, "编号,名称\nA,工程\n".encode(), filename="x.csv")
    assert missing["problems"][0]["message"].startswith("缺少“代码”列")
    listed = await api.call("GET", "/admin/catalogues", admin)
    (shipped,) = listed.data["catalogues"]
    assert shipped["current"] and shipped["id"] is None
    # not a table at all: said so, in words
    junk = await api.upload("/admin/catalogues", admin, b"PK\x03\x04junk", "a.xlsx")
    assert junk.status == 400 and "Excel" in junk.message


async def test_a_condition_on_a08_finds_every_a08_expert_and_old_records_keep_theirs(
        api: Api, client: TestClient, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    # an application printed on the shipped catalogue, before the province loads its own
    person = await applicant(api, demo)
    batch = await make_batch()
    printed = await ready_to_submit(api, person, batch)
    # a dry run stores nothing; then saved and made current
    checked = await load(api, admin, GOOD.encode(), "?dry_run=true", "目录.csv")
    assert checked["items"] == 8 and checked["leaves"] == 4 and checked["version"] is None
    assert await CatalogueVersion.all().count() == 0
    saved = await load(api, admin, workbook(GOOD), "?make_current=true&name=广东2025")
    assert saved["version"] and saved["current"] and not saved["problems"]
    assert catalogue().path_name("A080101") == "工程 / 工程施工 / 房屋建筑工程施工 / 土建施工"
    # experts of A080101 and A0802, none of 规划: a condition on the level-1 A08 takes both
    builders = await make_experts(client, 2, first=1000, specialty="A080101")
    roads = await make_experts(client, 1, first=1010, specialty="A0802")
    await make_experts(client, 1, first=1020, specialty="A0101")
    aid, _ = await prepared(api, demo, total=3, specialty="A08")
    condition = await Condition.get(activity_id=aid)
    assert set(condition.pool or []) == {p.id for p in builders + roads}
    assert condition.catalogue_version == saved["version"]
    # the application printed before keeps its catalogue: its A0401 is not in the new one,
    # and it is still submitted as printed
    submitted = await api.call("POST", f"/applications/{printed}/submit", person)
    assert submitted.status == 200, submitted.data
    assert (await Application.get(id=printed)).catalogue_version is None
    # a new draft takes the current catalogue, and the old codes are refused by name
    fresh = await make_batch("第二批")
    other = person
    made = await api.call("POST", "/applications", other, {"batch_id": fresh.id})
    assert made.status == 200, made.data
    refused = await api.call("PUT", f"/applications/{made.data['id']}", other, form())
    assert refused.status == 400 and "A0401" in refused.message
    chosen = await api.call("PUT", f"/applications/{made.data['id']}", other, form(
        specialties=["A080101", "A080102"], primary_specialty="A080101",
        practice_specialty="A0801"))
    assert chosen.status == 200, chosen.data


async def test_the_specialty_rules_hold_on_a_loaded_catalogue(api: Api, demo: dict) -> None:
    admin = await api.login(demo["admin"].mp_openid)
    await load(api, admin, GOOD.encode(), "?make_current=true", "目录.csv")
    cat = catalogue()

    def refused(rule: SpecialtyRule, *codes: str) -> str | None:
        try:
            Specialties.enforce_specialty_rule(rule, Selection(codes, codes[:1]), cat)
        except BadInput as exc:
            return exc.code
        return None

    # XJ-SIGNUP: one 一级, 二级 under it; a 二级 without 三级 counts as one (A0802)
    assert refused(SpecialtyRule.XINJIANG, "A080101", "A080102", "A0802") is None
    assert refused(SpecialtyRule.XINJIANG, "A080101", "A0101") == \
        "specialty.xinjiang_one_level1"
    # JL-GP: 三级 only, at most 3; a 二级 is not a leaf when it has 三级 under it
    assert refused(SpecialtyRule.JILIN, "A0802") == "specialty.jilin_level3_only"
    assert refused(SpecialtyRule.JILIN, "A0801") == "specialty.not_a_leaf"
    assert refused(SpecialtyRule.HUNAN, "A080101", "A0101") is None


async def test_the_command_checks_and_loads_a_catalogue(client: TestClient,
                                                      tmp_path: Path, expertbot: Expertbot) -> None:
    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.csv"
    bad.write_bytes(workbook(BAD))
    good.write_text(GOOD, encoding="utf-8")
    code, out = await expertbot("import-catalogue", str(bad))
    assert code == 1 and "row 5, 代码: 代码 A0801 重复：第 4 行已有。" in out
    assert "nothing stored" in out
    code, out = await expertbot("import-catalogue", str(good), "--current",
                          "--name", "广东2025")
    assert code == 0 and "stored as version" in out and ", current" in out
    assert (await CatalogueVersion.get(current=True)).name == "广东2025"
