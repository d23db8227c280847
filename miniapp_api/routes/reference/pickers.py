"""Reference data a picker reads: the administrative divisions (GB/T 2260) and the register
of units."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.reference import WorkUnit

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
    snapshot = call.domain.reference.regions()
    codes = [p.code for p in snapshot.search(query.q)] if query.q and query.q.strip() \
        else snapshot.children.get(query.parent, [])
    return RegionsOut(regions=[
        RegionOut(code=c, name=snapshot.name(c), full_name=snapshot.full_name(c),
                  level=snapshot.places[c].level, has_children=c in snapshot.children)
        for c in codes])


class UnitsQuery(Model):
    q: str = Field(min_length=1, max_length=64,
                   description="单位名称的一部分，或统一社会信用代码的开头")


class UnitOut(Model):
    id: int
    name: str
    credit_code: str | None
    other_names: list[str] = Field(description="也曾被填写为")
    region: str | None = Field(description="登记机关所在地（全称）")


class UnitsOut(Model):
    units: list[UnitOut]


def unit_out(call: Call, unit: WorkUnit) -> UnitOut:
    places = call.domain.reference.regions()
    return UnitOut(id=unit.id, name=unit.name, credit_code=unit.credit_code,
                   other_names=unit.other_names,
                   region=places.full_name(unit.region) if unit.region else None)


@api.route("GET", "/reference/units", access=Access.BOUND, query=UnitsQuery,
           response=UnitsOut, tag=TAG,
           summary="单位列表：按名称或统一社会信用代码查找（填写工作单位、回避单位时选用）")
async def find_units(call: Call, query: UnitsQuery) -> UnitsOut:
    found = await call.domain.reference.units.search(query.q)
    return UnitsOut(units=[unit_out(call, u) for u in found])


class TitleLevelOut(Model):
    level: str = Field(description="二级：正高 / 副高 / 中级 / 初级")
    titles: list[str] = Field(description="三级：可选择的职称（最小一级）")


class TitleSeriesOut(Model):
    series: str = Field(description="一级：职称系列，如 工程技术")
    levels: list[TitleLevelOut]


class TitlesOut(Model):
    series: list[TitleSeriesOut]


@api.route("GET", "/reference/titles", access=Access.PUBLIC, response=TitlesOut, tag=TAG,
           summary="职称列表：系列 → 级别 → 职称（吉林规则的批次须选到最小一级）")
async def list_titles(call: Call) -> TitlesOut:
    return TitlesOut(series=[TitleSeriesOut(series=s.name, levels=[
        TitleLevelOut(level=lv, titles=list(names)) for lv, names in s.levels.items()])
        for s in call.domain.reference.titles().series])
