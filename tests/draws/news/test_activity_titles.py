"""Two activities of one project (its 施工 section drawn in one, its 监理 section in another)
are told apart wherever they meet: the agency's pushes name each by its sections, finance's
sheets and the ledger by its number and sections, a template field keeps the sections whole
within its 20 characters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp.test_utils import TestClient

from models.draws import DrawActivity, Section
from models.notifications import Notification
from tests.support.api import Api
from tests.support.draw_world import ACTIVITY_FORM, prepared
from web.context import DOMAIN


async def _second(api: Api, token: str, first: DrawActivity) -> int:
    """The project's other section (监理) in an activity of its own."""
    other = await Section.get(project_id=first.project_id, number="2")
    start = datetime.now(UTC) + timedelta(days=3)
    made = await api.call("POST", "/draws/activities", token, {
        **ACTIVITY_FORM, "project_id": first.project_id, "section_ids": [other.id],
        "bid_open_at": (start - timedelta(hours=1)).isoformat(),
        "eval_start": start.isoformat(), "eval_end": (start + timedelta(hours=6)).isoformat(),
        "total": 3, "response_minutes": 10})
    assert made.status == 200, made.data
    return int(made.data["id"])


async def test_a_projects_two_activities_are_told_apart(api: Api, client: TestClient,
                                                         demo: dict) -> None:
    aid, token = await prepared(api, demo)  # section 1 (施工), verified: the agency is told
    first = await DrawActivity.get(id=aid)
    second = await _second(api, token, first)
    titles = await client.app[DOMAIN].draws.news.titles.activity_titles([aid, second])
    assert titles[aid].sections == "1 施工" and titles[second].sections == "2 监理"
    assert titles[aid].full == f"某市第一中学教学楼新建工程（CQSQ{aid:08d}，标段 1 施工）"
    assert titles[aid].short == "某市第一中学教学楼新建工程（1 施工）"
    long = titles[aid].__class__("广州市某区某街道某社区某某某某某综合楼新建工程", "", "2 监理")
    assert len(long.short) <= 20 and long.short.endswith("…（2 监理）")
    # the verification push to the agency names the section
    verified = await Notification.filter(kind="draw.verified").first()
    assert verified is not None and verified.params["project"].endswith("（1 施工）")
    assert verified.params["activity_no"] == f"CQSQ{aid:08d}"
