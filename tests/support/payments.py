"""A fee to pay: the course fee ordered by the payer, and the payments service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.education import Course, Enrollment
from models.people import Person, phone_is
from services.payments.fee_items import FeeItem
from services.payments.orders import Payments
from tests.support.api import Api
from web.context import DOMAIN


async def course_fee(api: Api, demo: dict, fee_fen: int = 20000) -> tuple[int, str]:
    """The demo expert enrols in a paid course; returns the enrolment id and an API token."""
    now = datetime.now(UTC)
    expert = await Person.get(phone_is(demo["expert"].phone))
    await Enrollment.filter(person_id=expert.id).delete()  # the demo's own course fee
    course = await Course.create(title="2026年度评标专家继续教育", year=2026, hours=24,
                                 study_from=now - timedelta(days=1),
                                 study_until=now + timedelta(days=60), fee_fen=fee_fen)
    token = await api.login(demo["expert"].mp_openid)
    enrolled = await api.call("POST", f"/education/courses/{course.id}/enroll", token)
    assert enrolled.status == 200
    return enrolled.data["id"], token


def payments(client: TestClient) -> Payments:
    return client.app[DOMAIN].payments


async def due(client: TestClient, demo: dict) -> tuple[int, FeeItem]:
    person = await Person.get(phone_is(demo["expert"].phone))
    return person.id, await payments(client).due(person.id, datetime.now(UTC))
