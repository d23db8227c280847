"""The OpenAPI 3.1 document, generated from the endpoints' declarations and pydantic models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from miniapp_api.framework import Access, Api, Endpoint
from miniapp_api.path_params import MAX_ID, WORDS

_ERRORS = {
    "400": "请求有误", "401": "未登录或登录已过期",
    "403": "无权限（未绑定、需修改初始密码或角色不符）",
    "404": "不存在", "405": "方法不允许", "409": "冲突", "413": "请求体或上传文件过大",
    "422": "字段校验失败", "429": "操作过于频繁", "500": "服务器内部错误（已记录）",
    "503": "系统繁忙（数据库或缓存暂不可用），请稍后再试",
}


class ErrorOut(BaseModel):
    error: str
    message: str
    fields: list[dict[str, str]] | None = None


def build_openapi(api: Api, base: str) -> dict[str, Any]:
    models: list[type[BaseModel]] = [ErrorOut]
    for ep in api.endpoints:
        for model in (ep.body, ep.query, ep.response):
            if model is not None and model not in models:
                models.append(model)
    refs, top = models_json_schema([(m, "serialization") for m in models],
                                   ref_template="#/components/schemas/{model}")
    schemas = top.get("$defs", {})

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return refs[(model, "serialization")]

    paths: dict[str, dict[str, Any]] = {}
    for ep in api.endpoints:
        op: dict[str, Any] = {
            "operationId": ep.handler.__name__,
            "summary": ep.summary,
            "tags": [ep.tag],
            "x-access": sorted(ep.roles) if ep.roles is not None else str(ep.access),
            "responses": {"200": {"description": "成功", "content": _content(ep, ref)}},
        }
        for code, text in _ERRORS.items():
            op["responses"][code] = {"description": text, "content": {"application/json": {
                "schema": ref(ErrorOut)}}}
        if ep.access != Access.PUBLIC:
            op["security"] = [{"bearer": []}]
        if ep.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": ref(ep.body)}}}
        elif ep.upload:
            op["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}}}}}}
        params = [{"name": name, "in": "path", "required": True, "schema": _path_schema(name)}
                  for name in _path_params(ep.path)]
        if ep.query is not None:
            for name, f in ep.query.model_fields.items():
                params.append({"name": name, "in": "query", "required": f.is_required(),
                               "schema": _query_schema(ep.query, name),
                               "description": f.description or ""})
        if params:
            op["parameters"] = params
        paths.setdefault(ep.path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "expertbot mini-program API", "version": "1"},
        "servers": [{"url": base}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "POST /auth/login 返回的 token"}}},
    }


def _content(ep: Endpoint, ref: Callable[[type[BaseModel]], dict[str, Any]]
             ) -> dict[str, Any]:
    """A success's media types and schemas: JSON as its response model; a download as the
    file it is (PDF, XLSX, CSV, images), not JSON; a JSON file (the personal-data copy) as
    the model it is made to (signatures.py: a JSON download declares one)."""
    if ep.response is None and (not ep.files or "application/json" in ep.files):
        raise ValueError(f"{ep.method} {ep.path}: no model for its JSON (signatures.py "
                         "refuses such an endpoint table)")
    return {media: {"schema": ref(ep.response) if media == "application/json" and ep.response
                    else {"type": "string", "format": "binary"}}
            for media in ep.files or ("application/json",)}


def _path_schema(name: str) -> dict[str, Any]:
    """A path value's rule (miniapp_api/path_params.py) as a schema."""
    if name.endswith("_id"):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"type": "string", "pattern": "^" + WORDS[name].pattern + "$"}


def _query_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    """A query value's schema as its model declares it (type, range, pattern), without the
    null an optional field allows (a query value is absent instead)."""
    found = dict(model.model_json_schema()["properties"].get(name, {"type": "string"}))
    options = [o for o in found.pop("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        found.update(options[0])
    for key in ("title", "default", "description"):
        found.pop(key, None)
    return found or {"type": "string"}


def _path_params(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)
