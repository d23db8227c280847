"""管用分离 (粤财规〔2025〕1号 Art. 3, 深财规〔2025〕6号 Art. 4: "统一标准、动态管理、
管用分离、随机抽取、资源共享"): who keeps experts' records — reviewers, and the system
administrator who imports the register and records sanctions — never prepares, verifies or
runs a draw (an agency's legal person or handler, a verifier), whichever role came first.
Every ordered pair of roles is tried on a fresh person; the console says why, and an agency
cannot link a reviewer as its handler either."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import permutations

from aiohttp.test_utils import TestClient

from models.people import ADMINISTRATORS, KEEPS_RECORDS, USES_EXPERTS, Person, Role, phone_is
from services.admin import GrantSpec
from services.common.errors import NotAllowed
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.console import Desk
from web.context import DOMAIN

SCOPE: dict[Role, dict[str, str]] = {
    Role.AGENCY_LEGAL: {"agency_credit_code": demo_credit_code(70), "agency_name": "某代理公司"},
    Role.AGENCY_HANDLER: {"agency_credit_code": demo_credit_code(70)},
    Role.REVIEWER: {"level": "city", "region": "4401"},
    Role.VERIFIER: {"region": "4401"},
}


def _spec(role: Role, mark: str) -> GrantSpec:
    scope = SCOPE.get(role, {})
    if role == Role.EXPERT:  # an expert number is one person's
        scope = {"expert_number": f"GD-SEP-{mark}"}
    return GrantSpec(role=role, **scope)


async def test_no_two_grants_let_one_account_keep_records_and_draw(
        client: TestClient, demo: dict) -> None:
    administration = client.app[DOMAIN].administration
    admin = await Person.get(phone_is(demo["admin"].phone))
    refused: set[tuple[Role, Role]] = set()
    for n, (first, second) in enumerate(permutations(Role, 2)):
        person = await Person.create(
            name=f"分离{n}", id_number_enc="x", id_number_hash=f"sep-{n}",
            id_masked="110105********0001", gender="F", birth_year=1980)
        await administration.grant_role(person.id, _spec(first, f"{n}a"), admin)
        try:
            await administration.grant_role(person.id, _spec(second, f"{n}b"), admin)
        except NotAllowed as exc:
            refused.add((first, second))
            assert exc.code == ("admin.administrators_apart" if {first, second} <=
                                ADMINISTRATORS else "admin.records_apart"), (first, second)
    crossing = {(a, b) for a, b in permutations(Role, 2)
                if (a in KEEPS_RECORDS and b in USES_EXPERTS)
                or (a in USES_EXPERTS and b in KEEPS_RECORDS)}
    apart = set(permutations(ADMINISTRATORS, 2))
    assert refused == crossing | apart
    assert len(crossing) == 12  # 2 record keepers × 3 users, both ways


async def test_the_console_says_why_and_an_agency_cannot_link_a_reviewer(
        api: Api, client: TestClient, demo: dict) -> None:
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    reviewer = await Person.get(phone_is(demo["reviewer"].phone))
    await desk.get("/console/people")  # (the form's page: its CSRF token)
    await desk.post("/console/people/roles", {
        "person_id": str(reviewer.id), "role": "verifier", "region": "4401"})
    said = await desk.flash("/console/people")  # refused where she asked, in words
    assert "管用分离" in said and "交易中心核验员" in said
    legal = await api.login(demo["agency_legal"].mp_openid)
    linked = await api.call("POST", "/agency/handlers", legal, {
        "phone": demo["reviewer"].phone,
        "valid_until": (datetime.now(UTC) + timedelta(days=30)).isoformat()})
    assert linked.status == 403 and "管用分离" in linked.message
