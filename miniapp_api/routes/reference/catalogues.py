"""An administrator's reference data: the specialty catalogue's versions, a new one loaded
from Excel or CSV (checked first, every refused row named), and which one is current; the
register of units, its duplicates merged."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.path_params import MAX_ID
from miniapp_api.routes.reference.pickers import UnitOut, UnitsOut, UnitsQuery, unit_out
from miniapp_api.schemas import Model
from models.people import Role
from services.common.errors import BadInput
from services.common.sheets import FILE_MAX
from services.reference import CatalogueReport

api = Api()
TAG = "管理"
ADMIN = {Role.ADMIN}
LISTED = 20  # codes listed per kind of change (the counts say the rest)


class CatalogueOut(Model):
    id: int | None = Field(description="版本号；空为系统内置目录")
    name: str
    filename: str | None
    items: int
    current: bool
    created_at: datetime | None
    created_by: str | None = Field(description="导入的管理员")


class CataloguesOut(Model):
    catalogues: list[CatalogueOut]


class CatalogueImportQuery(Model):
    name: str = Field(default="", max_length=64, description="版本名称，如“广东省评标专家专业"
                      "分类（2025年修订）”；不填用文件名")
    dry_run: bool = Field(default=False, description="只检查，不保存")
    make_current: bool = Field(default=False, description="保存后立即启用")


class ProblemOut(Model):
    row: int = Field(description="表格中的行号（第1行为表头）")
    column: str
    message: str


class CatalogueReportOut(Model):
    rows: int
    items: int
    leaves: int = Field(description="可选的末级专业数")
    depth: int = Field(description="最深层级")
    problems: list[ProblemOut] = Field(description="有问题的行；有则什么也没有保存")
    added: list[str]
    added_count: int
    removed: list[str]
    removed_count: int
    renamed: list[str]
    renamed_count: int
    held_missing: int = Field(description="专家已有、这个目录里没有的专业代码数")
    version: int | None = Field(description="保存后的版本号")
    current: bool


class VersionIn(Model):
    version: int = Field(ge=1, le=2**31 - 1)


def require_catalogue_size(size: int) -> None:
    if size > FILE_MAX:
        raise BadInput("sheet.too_large", limit=FILE_MAX // (1024 * 1024))


@api.route("GET", "/admin/catalogues", access=ADMIN, response=CataloguesOut,
           summary="评标专业目录的各个版本（当前启用的一个）", tag=TAG)
async def catalogues(call: Call) -> CataloguesOut:
    rows = await call.domain.admin_views.catalogue_versions()
    current = call.domain.reference.catalogue.current_version()
    listed = [CatalogueOut(id=v.id, name=v.name, filename=v.filename, items=v.items,
                           current=v.id == current, created_at=v.created_at, created_by=who)
              for v, who in rows]
    listed.append(CatalogueOut(id=None, name=call.services.texts.render(
        "console/catalogue_shipped.j2"), filename=None,
        items=len(call.domain.reference.catalogue.shipped_once().items),
        current=current is None, created_at=None, created_by=None))
    return CataloguesOut(catalogues=listed)


def report_out(call: Call, report: CatalogueReport) -> CatalogueReportOut:
    texts = call.services.texts
    return CatalogueReportOut(
        rows=report.rows, items=report.items, leaves=report.leaves, depth=report.depth,
        problems=[ProblemOut(row=p.row, column=p.column, message=texts.error(p.error))
                  for p in report.problems],
        added=report.added[:LISTED], added_count=len(report.added),
        removed=report.removed[:LISTED], removed_count=len(report.removed),
        renamed=report.renamed[:LISTED], renamed_count=len(report.renamed),
        held_missing=report.held_missing, version=report.version,
        current=report.version is not None
        and report.version == call.domain.reference.catalogue.current_version())


@api.route("POST", "/admin/catalogues", access=ADMIN, query=CatalogueImportQuery,
           response=CatalogueReportOut, tag=TAG, upload=True,
           summary="导入评标专业目录（Excel 或 CSV：代码、名称、上级代码、层级、行业主管部门），"
                   "先检查，有问题的行全部列出且不保存")
async def import_file(call: Call, query: CatalogueImportQuery) -> CatalogueReportOut:
    filename, data = await call.upload(require_catalogue_size)
    report = await call.domain.reference.catalogue_import.import_catalogue(
        data, filename, query.name, call.now, call.caller.need_person().id,
        dry_run=query.dry_run, make_current=query.make_current)
    return report_out(call, report)


@api.route("POST", "/admin/catalogues/current", access=ADMIN, body=VersionIn,
           response=CataloguesOut, tag=TAG,
           summary="启用某个版本：此后的新申报和抽取条件使用它（已有的保持原版本）")
async def set_current(call: Call, body: VersionIn) -> CataloguesOut:
    await call.domain.reference.catalogue_import.make_current(body.version)
    return await catalogues(call)


class MergeIn(Model):
    keep: int = Field(ge=1, le=MAX_ID, description="保留的单位")
    merge: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        min_length=1, max_length=20, description="并入它的重复单位")


class MergedOut(Model):
    kept: UnitOut
    experts: int = Field(description="改为保留单位的专家数")
    avoid_units: int = Field(description="改为保留单位的回避单位数")


@api.route("GET", "/admin/units", access=ADMIN, query=UnitsQuery, response=UnitsOut,
           summary="单位列表：查找（合并重复单位前）", tag=TAG)
async def units(call: Call, query: UnitsQuery) -> UnitsOut:
    found = await call.domain.reference.units.search(query.q, 50)
    return UnitsOut(units=[unit_out(call, u) for u in found])


@api.route("POST", "/admin/units/merge", access=ADMIN, body=MergeIn, response=MergedOut,
           summary="合并重复单位：其名称记为保留单位的曾用名，专家和回避单位改为保留单位", tag=TAG)
async def merge_units(call: Call, body: MergeIn) -> MergedOut:
    done = await call.domain.reference.units.merge(body.keep, body.merge)
    return MergedOut(kept=unit_out(call, done.kept), experts=done.experts,
                     avoid_units=done.avoid_units)
