"""A place given by its six-digit national code (GB/T 2260 and 民政部's list write 韶关市
440200 and 广东省 440000) is the place the service keeps as 4402 and 44: found by the
picker, taken by a draw's conditions, a project's place, the place of bid opening, the
activity list's filter and an applicant's willing regions, and imported from a list written
so — kept in the service's own codes, so every comparison by prefix still holds."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp.test_utils import TestClient

from models.reference import Region
from services.reference.regions import RegionList, load_regions
from tests.support.api import Api
from tests.support.applications import applicant, make_batch
from tests.support.draw_world import ACTIVITY_FORM, PROJECT_FORM, TENDERER, prepared


def national(code: str) -> str:
    """44 -> 440000, 4402 -> 440200, 440203 as it is."""
    return code.ljust(6, "0")


async def test_a_region_is_found_by_its_six_digit_national_code(api: Api, demo: dict) -> None:
    for query, code, full in (("440200", "4402", "广东省韶关市"), ("440000", "44", "广东省"),
                              ("440100", "4401", "广东省广州市"),
                              ("440203", "440203", "广东省韶关市武江区")):
        found = await api.call("GET", f"/reference/regions?q={query}", None)
        first = found.data["regions"][0]
        assert (first["code"], first["full_name"]) == (code, full), query
    # a draw's conditions, a project's place and the place of bid opening, kept as 4402
    aid, token = await prepared(api, demo, regions=("440100", "440200"), submitted=False)
    shown = await api.call("GET", f"/draws/activities/{aid}", token)
    assert shown.data["conditions"][0]["regions"] == ["4401", "4402"]
    project = await api.call("POST", "/draws/projects", token, {
        "name": "韶关市某道路工程", **PROJECT_FORM, "region": "440200",
        "tenderer_name": TENDERER[0], "tenderer_credit_code": TENDERER[1]})
    assert project.status == 200 and project.data["region"] == "4402", project.data
    made = await api.call("POST", "/draws/activities", token, {
        **ACTIVITY_FORM, "bid_open_region": "440200", "project_id": project.data["id"],
        "section_ids": [project.data["sections"][0]["id"]],
        "bid_open_at": shown.data["bid_open_at"], "eval_start": shown.data["eval_start"],
        "eval_end": shown.data["eval_end"], "total": 1})
    assert made.status == 200, made.data
    assert (made.data["bid_open_region"], made.data["bid_open_place"]) == ("4402", "广东省韶关市")
    listed = await api.call("GET", "/draws/activities?region=440200", token)
    assert [a["id"] for a in listed.data["activities"]] == [made.data["id"]]
    # an applicant willing to evaluate in 韶关市, written as the national list writes it
    person = await applicant(api, demo)
    app_id = (await api.call("POST", "/applications", person,
                             {"batch_id": (await make_batch()).id})).data["id"]
    saved = await api.call("PUT", f"/applications/{app_id}", person,
                           {"willing_regions": ["440200", "4402"]})
    assert saved.status == 200, saved.data
    assert saved.data["data"]["willing_regions"] == ["4402"]


async def test_a_list_written_in_six_digit_codes_is_imported_in_the_services_codes(
        client: TestClient) -> None:
    data = RegionList.shipped_data()
    written = "\n".join(f"{national(c)},{n}" for c, n in data.items()).encode()
    parsed = RegionList.parse_regions(written, "民政部行政区划代码.csv")
    assert parsed == data
    try:
        counts = await RegionList.import_regions(parsed, datetime.now(UTC))
        assert (counts.added, counts.retired) == (len(data), 0)
        assert await Region.exists(code="4402") and not await Region.exists(code="440200")
        await load_regions()
        from services.reference.regions import regions
        assert regions().canonical("440200") == "4402"
        assert regions().full_name(regions().canonical("440203") or "") == "广东省韶关市武江区"
    finally:
        await Region.all().delete()
        await load_regions()
