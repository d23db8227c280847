"""An administrator moves an existing expert register in: the template, an upload checked
(dry run) or imported by a worker, its progress and refused rows, and a stopped import
resumed."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.common.errors import BadInput
from services.common.sheets import FILE_MAX
from services.people.register import ImportView

api = Api()
TAG = "管理"
ADMIN = {Role.ADMIN}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportQuery(Model):
    dry_run: bool = Field(default=False, description="只检查每一行，不保存")


class ProblemOut(Model):
    row: int = Field(description="表格中的行号（第1行为表头）")
    column: str
    message: str
    imported: bool = Field(default=False,
                           description="该行已导入，只有此项待本人确认（如名册中的新手机号）")


class ImportOut(Model):
    id: int
    filename: str
    dry_run: bool
    status: str = Field(description="queued 排队 / running 进行中 / done 完成 / failed 中断")
    status_title: str
    total: int
    done: int
    created: int = Field(description="新建（只检查时：将新建）的专家数")
    updated: int = Field(description="更新（只检查时：将更新）的专家数")
    refused: int = Field(description="未导入的行数")
    problems: list[ProblemOut] = Field(
        description="未导入的行及原因，和已导入但有一项待本人确认的行（合计最多1000条）")
    started_by: str | None
    started_at: datetime
    finished_at: datetime | None


class ImportsOut(Model):
    imports: list[ImportOut]


def require_register_size(size: int) -> None:
    if size > FILE_MAX:
        raise BadInput("sheet.too_large", limit=FILE_MAX // (1024 * 1024))


def import_out(call: Call, view: ImportView) -> ImportOut:
    texts, run = call.services.texts, view.run
    return ImportOut(
        id=run.id, filename=run.filename, dry_run=run.dry_run, status=run.status,
        status_title=texts.word("import_status", run.status), total=run.total,
        done=run.done, created=run.created, updated=run.updated, refused=run.refused,
        problems=[ProblemOut(row=p["row"], column=p["column"], message=texts.error(
            BadInput(p["code"], **p["params"])), imported=bool(p.get("imported")))
            for p in run.problems],
        started_by=view.started_by, started_at=run.started_at,
        finished_at=run.finished_at)


@api.route("GET", "/admin/register/template.xlsx", access=ADMIN, response=None, tag=TAG,
           files=(XLSX,),
           summary="下载专家名册导入模板（表头、示例行和填写说明）")
async def register_template(call: Call) -> web.Response:
    notes = call.services.texts.render("documents/register_template.j2")
    handed_out(call.request)  # headers, an example row, notes: nobody's personal data
    body = await asyncio.to_thread(call.domain.register.template, notes)
    return web.Response(body=body, content_type=XLSX, headers={
        "Content-Disposition": "attachment; filename*=UTF-8''"
        "%E4%B8%93%E5%AE%B6%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"})


@api.route("POST", "/admin/register/imports", access=ADMIN, query=ImportQuery,
           response=ImportOut, tag=TAG, upload=True,
           summary="上传专家名册（Excel）：逐行检查，或由后台导入；同一文件未完成的导入会接着进行")
async def start_import(call: Call, query: ImportQuery) -> ImportOut:
    filename, data = await call.upload(require_register_size)
    call.decided["mode"] = "check" if query.dry_run else "import"  # the trail says which
    register = call.domain.register
    run = await register.start(data, filename, query.dry_run, call.caller.need_person().id,
                               call.now)
    await register.queue(run, call.now)
    return import_out(call, await register.view(run))


@api.route("GET", "/admin/register/imports", access=ADMIN, response=ImportsOut, tag=TAG,
           summary="最近的专家名册导入")
async def list_imports(call: Call) -> ImportsOut:
    runs = await call.domain.register.recent()
    return ImportsOut(imports=[import_out(call, r) for r in runs])


@api.route("GET", "/admin/register/imports/{import_id}", access=ADMIN, response=ImportOut,
           tag=TAG, summary="一次导入的进度、结果和未导入的行")
async def show_import(call: Call) -> ImportOut:
    return import_out(call, await call.domain.register.one(call.path_int("import_id")))


@api.route("POST", "/admin/register/imports/{import_id}/resume", access=ADMIN,
           response=ImportOut, tag=TAG, summary="接着进行中断的导入（从中断的行开始）")
async def resume_import(call: Call) -> ImportOut:
    return import_out(call, await call.domain.register.resume(call.path_int("import_id"),
                                                              call.now))
