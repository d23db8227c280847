"""The venues a notice picks from (GD-DRAW: "评标场所：请选择通知专家集合的场所，如非交易中心
场所，选择“其他”并填写集合地点信息"): those the trading centre registered, by name; a venue
outside the centre is typed instead
(services/draws/setup/venue_choice.py)."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, activity_in_path
from miniapp_api.schemas import Model
from services.reference import Reference

api = Api()


class VenueChoiceOut(Model):
    id: int = Field(description="场所的登记编号（作为通知的 venue_id 提交，不向用户显示）")
    name: str = Field(description="评标场所名称，如 广州公共资源交易中心")
    region_name: str = Field(description="场所所在地区")


class VenueChoicesOut(Model):
    venues: list[VenueChoiceOut] = Field(description=(
        "本活动提交核验的交易中心（未选择时：覆盖项目所在地的交易中心）登记的评标场所，按名称"))


@api.route("GET", "/draws/activities/{activity_id}/venues", access=AGENCY,
           response=VenueChoicesOut, summary="专家通知可选择的评标场所（交易中心登记的场所）",
           tag=TAG)
async def venue_choices(call: Call) -> VenueChoicesOut:
    activity = await activity_in_path(call)
    found = await call.domain.draws.setup.venue_choice.choices(activity)
    return VenueChoicesOut(venues=[VenueChoiceOut(
        id=v.id, name=v.name, region_name=Reference.regions().full_name(v.region))
        for v in found])
