"""Reference data a picker reads: the administrative divisions (GB/T 2260)."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from services.reference.regions import regions

api = Api()
TAG = "参考数据"


class RegionsQuery(Model):
    parent: str | None = Field(default=None, pattern=r"^\d{2}(\d{2})?$",
                               description="上级地区代码（省2位、市4位）；不填为全部省份")
    q: str | None = Field(default=None, max_length=20,
                          description="按名称或代码查找（如“韶关”或“4402”），填了则不看上级")


class RegionOut(Model):
    code: str = Field(description="地区代码：省2位、市4位、区县6位")
    name: str
    full_name: str = Field(description="全称，如 广东省韶关市")
    level: int = Field(description="1 省，2 市州，3 区县")
    has_children: bool


class RegionsOut(Model):
    regions: list[RegionOut]


@api.route("GET", "/reference/regions", access=Access.PUBLIC, query=RegionsQuery,
           response=RegionsOut, summary="行政区划：某地的下级，或按名称、代码查找", tag=TAG)
async def list_regions(call: Call, query: RegionsQuery) -> RegionsOut:
    snapshot = regions()
    codes = [p.code for p in snapshot.search(query.q)] if query.q and query.q.strip() \
        else snapshot.children.get(query.parent, [])
    return RegionsOut(regions=[
        RegionOut(code=c, name=snapshot.name(c), full_name=snapshot.full_name(c),
                  level=snapshot.places[c].level, has_children=c in snapshot.children)
        for c in codes])
