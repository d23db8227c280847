"""The check that holds every answer the suite gets to the OpenAPI document
(tests/support/contract.py): it reads the document the app serves, finds each path's
operation as the app's router does, and refuses every kind of lie a declaration can tell
(a field's type, a required field missing, a null, a list for an object, a media type, a
status), with words that name the call; a true declaration passes."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, cast

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request
from aiohttp.web_urldispatcher import MatchInfoError

from config.settings import Settings
from miniapp_api.app import create_miniapp, errors
from miniapp_api.caller import Caller
from miniapp_api.context import MINIAPP, MiniappServices
from miniapp_api.framework import Access, Call
from miniapp_api.framework import Api as Endpoints
from miniapp_api.openapi import build_openapi
from miniapp_api.schemas import Model
from models.draws import Project
from services.common.clock import SYSTEM_CLOCK
from services.common.errors import NotFound
from services.common.texts import Texts
from services.demo_codes import demo_credit_code
from tests.support.api import Api
from tests.support.contract import Contract, ContractBroken, served
from tests.support.draw_world import PROJECT_FORM
from tests.support.leaks import NOT_PERSONAL


async def test_the_checker_holds_answers_to_the_document_the_app_serves(
        client: TestClient) -> None:
    doc = await (await client.get("/miniapp/v1/openapi.json")).json()
    built = served().document
    assert doc["paths"] == built["paths"] and doc["components"] == built["components"]
    assert served() is served()  # one document and one set of validators per process


async def test_operations_are_found_as_the_router_finds_them() -> None:
    """Every operation's own path, and the literal paths beside a template (POST
    /admin/invoices/issue is not /admin/invoices/{payable_id}), as the sub-app's router
    resolves them; a path of no operation is a 404, a method the path lacks a 405."""
    app, _ = create_miniapp("http://127.0.0.1:1")
    contract = served()
    cases = [(method.upper(), re.sub(r"{\w+}", "12", template))
             for template, ops in contract.document["paths"].items() for method in ops]
    cases += [("POST", "/admin/invoices/issue"), ("POST", "/admin/invoices/12"),
              ("GET", "/admin/invoices/12"), ("GET", "/no/such/thing"), ("PATCH", "/me")]
    for method, path in cases:
        found = await app.router.resolve(make_mocked_request(method, path))
        template, op, missing = contract.operation(method, path)
        if isinstance(found, MatchInfoError):
            assert op is None and missing == {404: "no path", 405: "no method"}[
                found.http_exception.status], (method, path, missing)
        else:
            assert op is not None and template == found.route.resource.canonical, (
                method, path, template)


class NoteOut(Model):  # as the API's response models are: no field but those declared
    id: int
    title: str
    tags: list[str]


class Nested(Model):
    note: NoteOut


def _json(data: Any, status: int = 200) -> Callable[[Call], Any]:
    async def handler(call: Call) -> NoteOut:
        return cast(NoteOut, web.json_response(data, status=status))
    return handler


async def _true(call: Call) -> NoteOut:
    return NoteOut(id=1, title="x", tags=["a"])


async def _lying_model(call: Call) -> NoteOut:
    return cast(NoteOut, Nested(note=NoteOut(id=1, title="x", tags=[])))


async def _refused(call: Call) -> NoteOut:
    raise NotFound("api.no_such_item")


async def _csv(call: Call) -> web.Response:
    return web.Response(text="a,b\n", content_type="text/csv")


async def _pdf(call: Call) -> web.Response:
    return web.Response(body=b"%PDF-1.4", content_type="application/pdf")


# each path: what its handler answers, declared as NoteOut (or as a PDF download)
HANDLERS: dict[str, Callable[[Call], Any]] = {
    "/true": _true,
    "/refused": _refused,
    "/field-type": _json({"id": "seven", "title": "x", "tags": []}),
    "/missing-field": _json({"id": 1, "tags": []}),
    "/null": _json({"id": 1, "title": None, "tags": []}),
    "/list-for-object": _json([{"id": 1, "title": "x", "tags": []}]),
    "/extra-field": _json({"id": 1, "title": "x", "tags": [], "more": 1}),
    "/another-model": _lying_model,
    "/status-201": _json({"id": 1, "title": "x", "tags": []}, status=201),
    "/no-content": _json(None, status=204),
    "/media": _csv,
}


@pytest.fixture
async def liar(aiohttp_client: Any, platform: Any, settings: Settings) -> Api:
    """A small API of endpoints whose declarations lie (HANDLERS), mounted as the real one is,
    with the checker holding its answers to that API's own document."""
    table = Endpoints()
    for path, handler in HANDLERS.items():
        table.route("GET", path, access=Access.PUBLIC, summary=path, tag="t",
                    response=NoteOut)(handler)
    table.route("GET", "/file.pdf", access=Access.PUBLIC, summary="pdf", tag="t",
                files=("application/pdf",))(_csv)
    table.route("GET", "/true.pdf", access=Access.PUBLIC, summary="pdf", tag="t",
                files=("application/pdf",))(_pdf)
    sub = web.Application(middlewares=[errors])  # the API's own refusals
    sub[MINIAPP] = cast(MiniappServices, SimpleNamespace(texts=Texts(settings.texts_dir),
                                                         clock=SYSTEM_CLOCK))
    table.install(sub, _nobody)
    sub.router.add_get("/off-the-document", _off_the_document)
    root = web.Application()
    root.add_subapp("/miniapp/v1", sub)
    return Api(await aiohttp_client(root), platform,
               Contract(build_openapi(table, "/miniapp/v1")))


async def _nobody(request: web.Request, ep: Any) -> Caller:
    return Caller()  # every endpoint here is public


async def _off_the_document(request: web.Request) -> web.Response:
    return web.json_response({"id": 1})


async def test_true_declarations_pass(liar: Api) -> None:
    assert (await liar.call("GET", "/true")).data == {"id": 1, "title": "x", "tags": ["a"]}
    assert (await liar.call("GET", "/true?page=2")).status == 200
    assert (await liar.call("GET", "/true.pdf")).status == 200
    # a refusal, the router's own 404 and 405: JSON refusals as the document describes
    assert (await liar.call("GET", "/refused")).error == "api.no_such_item"
    assert (await liar.call("GET", "/no/such/thing")).status == 404
    assert (await liar.call("POST", "/true")).status == 405


@pytest.mark.parametrize(("path", "words"), [
    ("/field-type", "at id: \"seven\" is not of type \"integer\""),
    ("/missing-field", "at (the body): \"title\" is a required property"),
    ("/null", "at title: null is not of type \"string\""),
    ("/list-for-object", "at (the body): [{"),
    ("/extra-field", "Additional properties are not allowed ('more' was unexpected)"),
    ("/another-model", "at (the body): "),
    ("/status-201", "status 201 is not declared (declared: 200, 400, 401"),
    ("/no-content", "status 204 is not declared"),
    ("/media", "answered as text/csv, documented as application/json"),
    ("/file.pdf", "answered as text/csv, documented as application/pdf"),
    ("/off-the-document", "no path in the OpenAPI document, yet the answer is not 404"),
])
async def test_each_lie_fails_the_call_that_met_it(liar: Api, path: str, words: str) -> None:
    with pytest.raises(ContractBroken) as broken:
        await liar.call("GET", path)
    message = str(broken.value)
    assert message.startswith(f"GET {path} ("), message  # the method and the path ...
    assert words in message, message  # ... and the first schema error, in its words
    if "status" not in words:
        assert " -> 200: " in message or " -> 204" in message  # ... and the status


async def test_an_id_shaped_like_a_phone_stays_a_number_in_the_answer(
        api: Api, demo: dict) -> None:
    """The document allows ids up to 2^63 - 1: an answer carrying one that looks like a
    phone (or an ID number) was masked as one in the JSON text, which was then no JSON at
    all (the check failed it: "the body is not JSON"); it is the number now."""
    token = await api.login(demo["handler"].mp_openid)
    made = await api.call("POST", "/draws/projects", token, {
        "name": "某市图书馆改造工程", "number": "GZ-CONTRACT-1", **PROJECT_FORM,
        "tenderer_name": "某市文化广电旅游局",
        "tenderer_credit_code": demo_credit_code(3)})
    assert made.status == 200, made.data
    row = (await Project.filter(id=made.data["id"]).values())[0]
    ids = (19999999999, 999999999999999999)  # a phone's shape and an ID number's
    NOT_PERSONAL.update(str(big) for big in ids)  # row ids: nobody's phone or ID number
    for big in ids:
        await Project.filter(id=row["id"]).delete()  # the same project under a large id
        row["id"] = big
        await Project.create(**row)
        listed = await api.call("GET", "/draws/projects", token)  # held to ProjectsOut
        assert big in [p["id"] for p in listed.data["projects"]]
