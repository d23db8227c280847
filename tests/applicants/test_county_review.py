"""An applicant whose residence is a county (天河区 440106, a residence the form accepts
since the divisions went down to counties) is reviewed at the city stage by the reviewer of
the city the county lies in (广州市 4401), who is told work waits; a city reviewer of another
city neither sees nor may decide it; the application goes on through every stage."""

from __future__ import annotations

from models.applications import Application
from models.notifications import Notification
from models.people import Person, Role, RoleGrant, phone_is
from tests.support.api import Api
from tests.support.applications import applicant, make_batch, ready_to_submit

COUNTY = "440106"  # 广东省广州市天河区; the demo's city reviewer holds 4401
STAGES = [("reviewer", "省行业部门审核"), ("reviewer_province", "省级复审"),
          ("reviewer_final", "终审")]


async def test_a_county_applicant_is_reviewed_at_the_city_stage_and_through_every_stage(
        api: Api, demo: dict) -> None:
    token = await applicant(api, demo)
    batch = await make_batch()
    app_id = await ready_to_submit(api, token, batch, region=COUNTY, willing_regions=[COUNTY])
    submitted = await api.call("POST", f"/applications/{app_id}/submit", token)
    assert submitted.status == 200 and submitted.data["stage"] == "市州行业部门预审"
    assert (await Application.get(id=app_id)).region == COUNTY

    # the city's reviewer is told, and finds it in the queue
    city = await Person.get(phone_is(demo["reviewer"].phone))
    told = await Notification.filter(kind="review.waiting").values_list("person_id", flat=True)
    assert told == [city.id]
    reviewer = await api.login(demo["reviewer"].mp_openid)
    queue = await api.call("GET", "/review/queue", reviewer)
    assert [a["id"] for a in queue.data["applications"]] == [app_id]

    # another city's reviewer (深圳市 4403) neither sees it nor may decide it
    other = await Person.get(phone_is(demo["verifier"].phone))
    await RoleGrant.create(person_id=other.id, role=Role.REVIEWER, level="city",
                           region="4403", industry="住建")
    stranger = await api.login(demo["verifier"].mp_openid)
    assert (await api.call("GET", "/review/queue", stranger)).data["applications"] == []
    refused = await api.call("POST", f"/review/applications/{app_id}/decision", stranger,
                             {"action": "approve"})
    assert refused.status == 403 and refused.error == "review.not_your_stage"

    # through the city stage and every province stage to the decision
    for who, next_stage in STAGES:
        decided = await api.call("POST", f"/review/applications/{app_id}/decision",
                                 await api.login(demo[who].mp_openid), {"action": "approve"})
        assert decided.status == 200 and decided.data["stage"] == next_stage, decided.data
    final = await api.call("POST", f"/review/applications/{app_id}/decision",
                           await api.login(demo["reviewer_final"].mp_openid),
                           {"action": "approve", "admitted": ["A0401"]})
    assert final.status == 200 and final.data["status"] == "approved", final.data
