"""GD-DRAW's 模板下载: the agency downloads the four application forms (Word) and the
avoidance template (Excel) — from its desk's front page, and where each is used."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from miniapp_api.audit import handed_out
from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG
from miniapp_api.schemas import Model
from services.documents import DOCX
from services.draws.setup import TEMPLATE_KINDS, TEMPLATE_XLSX

api = Api()


class TemplateOut(Model):
    kind: str  # draw / redraw / reeval / withdrawal / avoidance
    title: str  # 专家抽取申请模板
    path: str  # where this API gives the file: GET <the API's base>/draws/templates/<kind>


class TemplatesOut(Model):
    templates: list[TemplateOut]


@api.route("GET", "/draws/templates", access=AGENCY, response=TemplatesOut, tag=TAG,
           summary="模板下载：专家抽取申请、重新抽取、通知原专家评标、退选专家申请和回避单位模板")
async def templates(call: Call) -> TemplatesOut:
    texts = call.services.texts
    return TemplatesOut(templates=[TemplateOut(
        kind=k, title=call.domain.draws.setup.templates.template_title(texts, k),
        path=f"/draws/templates/{k}")
        for k in TEMPLATE_KINDS])


@api.route("GET", "/draws/templates/{kind}", access=AGENCY, response=None, tag=TAG,
           files=(DOCX, TEMPLATE_XLSX),
           summary="下载一个模板：kind 为 draw（专家抽取申请）、redraw（重新抽取）、reeval"
                   "（通知原专家评标）、withdrawal（退选专家）的 Word 申请表，或 avoidance"
                   "（回避单位，Excel）")
async def download_template(call: Call) -> web.Response:
    made = await call.domain.draws.setup.templates.template_file(call.services.texts,
                                                                 call.path("kind"))
    handed_out(call.request)  # a blank form: nobody's personal data
    return web.Response(body=made.data, content_type=made.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(made.filename)}"})
