"""The start-up check of the API's endpoint table (miniapp_api/signatures.py): every handler
takes the call, then its declared body or query model, and returns its declared response; a
handler that differs stops the start-up with words that name it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from pydantic import BaseModel

from miniapp_api.app import create_miniapp
from miniapp_api.framework import Access, Api, Call
from miniapp_api.routes import api as collect
from miniapp_api.signatures import EndpointMismatch, check_endpoints


class NoteIn(BaseModel):
    text: str


class OtherIn(BaseModel):
    text: str


class NoteOut(BaseModel):
    id: int


def test_every_endpoint_of_the_api_matches_its_declaration() -> None:
    endpoints = collect().endpoints
    assert len(endpoints) > 100
    check_endpoints(endpoints)  # raises on the first mismatch
    create_miniapp("http://127.0.0.1:1")  # ... and the sub-app builds with the check


def _table(handler: object, body: type[BaseModel] | None = NoteIn) -> Api:
    api = Api()
    api.route("POST", "/notes", access=Access.SESSION, summary="x", tag="x", body=body,
              response=NoteOut)(handler)
    return api


async def good(call: Call, body: NoteIn) -> NoteOut:
    return NoteOut(id=1)


async def wrong_body(call: Call, body: OtherIn) -> NoteOut:
    return NoteOut(id=1)


async def no_body(call: Call) -> NoteOut:
    return NoteOut(id=1)


async def wrong_response(call: Call, body: NoteIn) -> NoteIn:
    return body


async def extra(call: Call, body: NoteIn, more: int) -> NoteOut:
    return NoteOut(id=more)


async def file_download(call: Call) -> web.Response:
    return web.Response()


def test_a_matching_handler_passes() -> None:
    check_endpoints(_table(good).endpoints)


@pytest.mark.parametrize(("handler", "words"), [
    (wrong_body, "parameter 'body' is OtherIn, the body is declared NoteIn"),
    (no_body, "takes 1 parameters, expected 2 (the call: Call, the body: NoteIn)"),
    (wrong_response, "returns NoteIn, declared NoteOut"),
    (extra, "takes 3 parameters, expected 2"),
])
def test_a_handler_that_differs_from_its_declaration_stops_the_start_up(
        handler: object, words: str) -> None:
    with pytest.raises(EndpointMismatch) as refused:
        check_endpoints(_table(handler).endpoints)
    message = str(refused.value)
    assert words in message
    # the handler is named with its file and line, so that it can be found at once
    assert f"POST /notes (tests.api.test_api_signatures.{handler.__name__}" in message
    assert "test_api_signatures.py:" in message


def test_only_a_file_download_may_declare_no_response() -> None:
    api = Api()
    api.route("GET", "/file", access=Access.SESSION, summary="x", tag="x")(file_download)
    # a download says what it answers with (the OpenAPI documents it as that file)
    with pytest.raises(EndpointMismatch, match="declares no media types"):
        check_endpoints(api.endpoints)
    api = Api()
    api.route("GET", "/file", access=Access.SESSION, summary="x", tag="x",
              files=("application/pdf",))(file_download)
    check_endpoints(api.endpoints)
    api.route("GET", "/note", access=Access.SESSION, summary="x", tag="x")(no_body)
    with pytest.raises(EndpointMismatch, match="declares no response model"):
        check_endpoints(api.endpoints)


def _download(handler: Any, media: str, response: type[NoteOut] | None) -> Api:
    api = Api()
    api.route("GET", "/file", access=Access.SESSION, summary="x", tag="x", response=response,
              files=(media,))(handler)
    return api


@pytest.mark.parametrize(("handler", "media", "response", "refusal"), [
    (file_download, "application/json", None, "a JSON download that declares no model"),
    (file_download, "application/json", NoteOut, None),
    (file_download, "application/pdf", NoteOut, "a response model for a download that is not"),
    (no_body, "application/json", NoteOut, "returns NoteOut, but declares a download's"),
])
def test_a_json_download_declares_the_model_of_its_file(
        handler: Any, media: str, response: type[NoteOut] | None, refusal: str | None) -> None:
    """A JSON file is documented by its model (the OpenAPI schema of the file), which no
    other download may declare."""
    api = _download(handler, media, response)
    if refusal is None:
        check_endpoints(api.endpoints)
    else:
        with pytest.raises(EndpointMismatch, match=refusal):
            check_endpoints(api.endpoints)


def test_one_handler_serving_two_routes_is_refused() -> None:
    api = _table(good)
    api.route("PUT", "/notes", access=Access.SESSION, summary="x", tag="x", body=NoteIn,
              response=NoteOut)(good)
    with pytest.raises(EndpointMismatch, match="the same handler serves POST /notes"):
        check_endpoints(api.endpoints)
