"""The administrative divisions (GB-2260) as every part of the service reads them: a picker
that finds GD-DRAW's own examples (韶关市, 汕头市) and JL-GP's county sub-database (农安县:
"常住地为农安县的专家选择区划为农安县"), a draw condition at city level that takes its
districts (GD-DRAW: "项目所在地 广东省 > 广州市 > 所有区级"), the willing-region mode that widens
the residence pool (GD-DRAW: "抽取范围扩大为意愿至广州评标评审的专家，专家可能来自广州周边区域城市")
and marks experts from elsewhere (异地, paid a travel allowance), and an import that keeps
the codes that disappear readable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp.test_utils import TestClient

from models.draws import Condition
from models.reference import Region
from services.reference.regions import RegionList, load_regions, regions
from tests.support.api import Api
from tests.support.applications import applicant, make_batch
from tests.support.cli import Expertbot
from tests.support.draw_world import finish, make_experts, prepared, start_draw, the_results_unseal
from tests.support.wechat import Chat


async def test_the_picker_has_every_province_and_the_seeds_places(api: Api) -> None:
    provinces = await api.call("GET", "/reference/regions", None)
    assert provinces.status == 200
    names = {r["name"] for r in provinces.data["regions"]}
    # 34 provincial-level divisions: 23 provinces, 5 autonomous regions, 4 municipalities,
    # Hong Kong and Macao
    assert len(names) == 34 and {"广东省", "吉林省", "新疆维吾尔自治区", "北京市",
                                 "台湾省", "香港特别行政区"} <= names
    guangdong = await api.call("GET", "/reference/regions?parent=44", None)
    cities = {r["code"]: r["name"] for r in guangdong.data["regions"]}
    assert cities["4402"] == "韶关市" and cities["4405"] == "汕头市" and len(cities) == 21
    for query, code, full in (("韶关", "4402", "广东省韶关市"), ("4405", "4405", "广东省汕头市"),
                              ("农安", "220122", "吉林省长春市农安县"),
                              ("220122", "220122", "吉林省长春市农安县")):
        found = await api.call("GET", f"/reference/regions?q={query}", None)
        first = found.data["regions"][0]
        assert (first["code"], first["full_name"]) == (code, full), query
    # a county answering to its province directly reads without the list's stand-in city
    xiantao = await api.call("GET", "/reference/regions?q=仙桃", None)
    assert xiantao.data["regions"][0]["full_name"] == "湖北省仙桃市"
    districts = await api.call("GET", "/reference/regions?parent=4401", None)
    assert {"天河区", "越秀区", "从化区"} <= {r["name"] for r in districts.data["regions"]}
    assert all(r["level"] == 3 and not r["has_children"] for r in districts.data["regions"])
    bad = await api.call("GET", "/reference/regions?parent=44x", None)
    assert bad.status == 422 and bad.data["fields"][0]["field"] == "parent"


async def test_a_city_condition_finds_a_district_resident_and_willing_widens_it(
        api: Api, chat: Chat, client: TestClient, demo: dict) -> None:
    # residents of 天河区 (a district of 广州市) and of 广州市 itself; experts living in
    # 韶关市 willing to evaluate in 广州市; an expert of 汕头市 willing only for 韶关市
    tianhe = await make_experts(client, 2, first=1000, region="440106")
    city = await make_experts(client, 1, first=1010, region="4401")
    shaoguan = await make_experts(client, 2, first=1020, region="4402", willing=("4401",))
    await make_experts(client, 1, first=1030, region="4405", willing=("4402",))
    residents = {p.id for p in tianhe + city}
    aid, _ = await prepared(api, demo, total=3)
    residence_pool = set((await Condition.get(activity_id=aid)).pool or [])
    assert residents <= residence_pool and not {p.id for p in shaoguan} & residence_pool
    # the willing mode: the same residents, widened by those willing to come, no one else
    wid, token = await prepared(api, demo, total=len(residence_pool) + 2,
                                region_mode="willing")
    willing_pool = set((await Condition.get(activity_id=wid)).pool or [])
    assert willing_pool == residence_pool | {p.id for p in shaoguan}
    assert (await start_draw(api, token, wid)).status == 200
    await finish(chat, wid)
    await the_results_unseal(wid, datetime.now(UTC))
    results = await api.call("GET", f"/draws/activities/{wid}/results", token)
    travelling = {e["name"] for e in results.data["experts"] if e["travels"]}
    assert travelling == {"专家1020", "专家1021"}
    assert all(("（异地）" in e["situation"]) == e["travels"] for e in results.data["experts"])
    # the printed record says it too
    link = await api.call("GET", f"/draws/activities/{wid}/result-page", token)
    page = await client.get("/" + link.data["url"].split("/", 3)[3])
    assert page.status == 200 and (await page.text()).count("（异地）") == 2


async def test_a_condition_or_an_application_takes_any_known_place(api: Api,
                                                                   demo: dict) -> None:
    aid, token = await prepared(api, demo, regions=("44", "220122"), submitted=False)
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    assert shown.data["conditions"][0]["regions"] == ["44", "220122"]
    notice = shown.data["notices"][0]["id"]
    unknown = await api.call("POST", f"/draws/activities/{aid}/conditions", token, {
        "notice_id": notice, "regions": ["4401", "4499"], "main_specialty": "A0401",
        "planned": 1})
    assert unknown.status == 400 and "4499" in unknown.message
    # GD-DRAW: the gathering address "填写到具体的市+区": a city and district of the list
    nowhere = await api.call("POST", f"/draws/activities/{aid}/notices", token, {
        "venue": "评标室", "city": "广州市", "district": "南山区", "street": "天润路333号",
        "contact_name": "陈志强", "contact_phone": "020-12345678",
        "gather_at": shown.data["eval_start"]})
    assert nowhere.status == 400 and "广州市南山区”不在行政区划表中" in nowhere.message
    # an applicant may live in a county; a willing region the list does not have is refused
    # with the code named, and nothing else of the form is lost
    person = await applicant(api, demo)
    batch = await make_batch()
    app_id = (await api.call("POST", "/applications", person, {"batch_id": batch.id})
              ).data["id"]
    saved = await api.call("PUT", f"/applications/{app_id}", person,
                           {"region": "440106", "willing_regions": ["4402", "440106"]})
    assert saved.status == 200, saved.data
    wrong = await api.call("PUT", f"/applications/{app_id}", person,
                           {"notes": "补充", "willing_regions": ["4499"]})
    assert wrong.status == 422 and "“4499”" in wrong.data["fields"][0]["message"]
    outside = await api.call("PUT", f"/applications/{app_id}", person, {"region": "220122"})
    assert outside.status == 400 and "广东省" in outside.message
    kept = await api.call("GET", f"/applications/{app_id}", person)
    assert kept.data["data"]["region"] == "440106"


async def test_an_import_renames_adds_and_keeps_retired_codes_readable(
        client: TestClient, expertbot: Expertbot) -> None:
    now = datetime.now(UTC)
    data = RegionList.shipped_data()
    first = await RegionList.import_regions(data, now)
    assert (first.added, first.retired) == (len(data), 0)
    # a newer list: a county merged away, a new one, a renamed city (codes as 民政部 writes
    # them, 6 digits everywhere, through the command)
    await Region.filter(code="440104").update(name="旧名区")
    newer = {k: v for k, v in data.items() if k != "220122"} | {"440199": "新设区"}
    counts = await RegionList.import_regions(newer, now)
    assert (counts.added, counts.renamed, counts.retired) == (1, 1, 1)
    await load_regions()
    snapshot = regions()
    assert not snapshot.known("220122") and snapshot.name("220122") == "农安县"
    assert snapshot.known("440199") and snapshot.name("440104") == data["440104"]
    assert "220122" not in snapshot.children["2201"]
    # the command: a file it cannot read changes nothing and says why
    code, out = await expertbot("import-regions", "/nonexistent.csv")
    assert code == 2 and "cannot read" in out
    await Region.all().delete()
    await load_regions()
    assert regions().known("220122")  # an empty table: the shipped list


@pytest.mark.parametrize(("residence", "venue", "away"), [
    ("440203", "440106", True),  # 韶关市武江区 to 广州市天河区
    ("4402", "440106", True),  # a city to a county of another
    ("440106", "440104", False),  # two districts of 广州市: one city
    ("4401", "440106", False),  # the city itself and one of its counties
    ("429004", "429005", True),  # 仙桃市 and 潜江市: county-level cities of their own
    ("659001", "659004", True),  # 石河子市 and 五家渠市 (新疆, 自治区直辖县级)
    ("500229", "500101", False),  # 重庆's 县 and 区: one municipality
    ("110105", "110108", False),  # 北京市朝阳区 and 海淀区
    ("44", "440106", False), ("", "440106", False), ("440203", None, False),  # unknown
])
def test_elsewhere_compares_cities_a_county_counting_as_its_city(
        residence: str, venue: str | None, away: bool) -> None:
    assert RegionList.elsewhere(residence, venue) is away
