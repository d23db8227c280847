"""Training material (HN-APPLY: 资料下载): the applicant's list and download, and the
administrator's upload per batch or exam, list and removal."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from aiohttp import web
from pydantic import Field

from miniapp_api.audit import handed_out
from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from services.education import MATERIAL_TYPES, MaterialView

api = Api()
TAG = "培训资料"
ADMIN = {Role.ADMIN}
FILE_TYPES = MATERIAL_TYPES  # every type an upload may be


class MaterialOut(Model):
    id: int
    title: str
    filename: str
    size_kb: int = Field(description="文件大小（KB）")
    batch: str = Field(description="所属批次")
    exam: str | None = Field(description="针对的考试（不填为整个批次的资料）")
    uploaded_at: datetime
    download: str = Field(description="下载接口的路径（相对小程序 API 的根地址，带登录凭证调用）")


class MaterialsOut(Model):
    materials: list[MaterialOut]
    note: str = Field(description="没有资料时的说明，或下载提示")


class MaterialQuery(Model):
    title: str = Field(default="", max_length=64, description="资料名称（不填用文件名）")
    exam_id: int | None = Field(default=None, ge=1, description="针对某场考试（不填为整个批次）")


def material_out(view: MaterialView, download: str) -> MaterialOut:
    m = view.material
    return MaterialOut(id=m.id, title=m.title, filename=m.filename,
                       size_kb=max(1, (m.size + 1023) // 1024), batch=view.batch,
                       exam=view.exam, uploaded_at=m.created_at, download=download)


def file_response(filename: str, content_type: str, body: bytes) -> web.Response:
    return web.Response(body=body, content_type=content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "private, no-store"})


@api.route("GET", "/materials", access=Access.BOUND, response=MaterialsOut, tag=TAG,
           summary="资料下载：本人所申请批次的培训资料、考试资料（考前下载预习）")
async def my_materials(call: Call) -> MaterialsOut:
    found = await call.domain.materials.for_person(call.caller.need_person().id)
    texts = call.services.texts
    return MaterialsOut(
        materials=[material_out(v, f"/materials/{v.material.id}/file") for v in found],
        note=texts.render("miniapp/materials_note.j2", count=len(found)).strip())


@api.route("GET", "/materials/{material_id}/file", access=Access.BOUND, response=None,
           files=FILE_TYPES, tag=TAG, summary="下载一份培训资料（本人所申请批次的）")
async def download(call: Call) -> web.Response:
    item, body = await call.domain.materials.file_for(call.path_int("material_id"),
                                                      call.caller.need_person().id)
    handed_out(call.request)  # study material: nobody's personal data
    # saved under the title the applicant was shown, as the chat's link does
    return file_response(call.domain.materials.saved_as(item.title, item.filename),
                         item.content_type, body)


@api.route("GET", "/admin/batches/{batch_id}/materials", access=ADMIN, response=MaterialsOut,
           tag=TAG, summary="批次的培训资料（管理员）")
async def batch_materials(call: Call) -> MaterialsOut:
    found = await call.domain.materials.of_batch(call.path_int("batch_id"))
    return MaterialsOut(materials=[
        material_out(v, f"/admin/materials/{v.material.id}/file") for v in found],
        note=call.services.texts.render("miniapp/materials_note.j2", count=len(found)).strip())


@api.route("POST", "/admin/batches/{batch_id}/materials", access=ADMIN, query=MaterialQuery,
           response=MaterialOut, tag=TAG, upload=True,
           summary="上传培训资料（multipart/form-data，字段名 file；PDF、Word、PPT、Excel、ZIP、"
                   "图片或 MP4，≤50MB）：该批次的申请人可在考前下载")
async def upload(call: Call, query: MaterialQuery) -> MaterialOut:
    filename, data = await call.upload(call.domain.materials.require_size)
    item = await call.domain.materials.upload(
        call.path_int("batch_id"), query.exam_id, query.title, filename or "资料", data,
        call.caller.need_person().id, call.now)
    (view,) = [v for v in await call.domain.materials.of_batch(item.batch_id)
               if v.material.id == item.id]
    return material_out(view, f"/admin/materials/{item.id}/file")


@api.route("GET", "/admin/materials/{material_id}/file", access=ADMIN, response=None,
           files=FILE_TYPES, tag=TAG, summary="下载一份培训资料（管理员核对）")
async def admin_download(call: Call) -> web.Response:
    item, body = await call.domain.materials.file_for(call.path_int("material_id"), None)
    handed_out(call.request)  # study material: nobody's personal data
    return file_response(item.filename, item.content_type, body)


@api.route("DELETE", "/admin/materials/{material_id}", access=ADMIN, response=MaterialsOut,
           tag=TAG, summary="删除一份培训资料")
async def remove(call: Call) -> MaterialsOut:
    item = await call.domain.materials.remove(call.path_int("material_id"))
    found = await call.domain.materials.of_batch(item.batch_id)
    return MaterialsOut(materials=[
        material_out(v, f"/admin/materials/{v.material.id}/file") for v in found],
        note=call.services.texts.render("miniapp/materials_note.j2", count=len(found)).strip())
