"""A small typed router for the mini-program API: every endpoint declares its access level,
its pydantic request and response models; bodies are validated, errors are JSON with a
Chinese message, responses are masked, and the OpenAPI document comes from the same
declarations."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import unquote

from aiohttp import BodyPartReader, hdrs, web
from pydantic import BaseModel, ValidationError

from miniapp_api.audit import audit_call, audit_refusal
from miniapp_api.caller import Caller
from miniapp_api.context import MINIAPP, MiniappServices
from miniapp_api.path_params import MAX_ID, check_declared, require_path
from models.people import Role
from services.common.bodies import check_json_type
from services.common.errors import BadInput, DomainError, NotFound
from services.common.pii import mask_text
from services.common.redis_keys import CODE_TTL
from services.domain import Domain

log = logging.getLogger(__name__)


class Access(StrEnum):
    PUBLIC = "public"  # no session
    SESSION = "session"  # signed in with WeChat, bound or not
    BOUND = "bound"  # bound to a person who has changed an initial password


# a multipart body aiohttp's reader cannot read — no boundary, cut short, a part without
# its headers, a charset unknown: it says so in English, as a ValueError (or an
# AssertionError of its own checks, a LookupError for the charset)
MULTIPART_BROKEN = (ValueError, AssertionError, LookupError, web.HTTPBadRequest)


@dataclass(frozen=True)
class FieldProblem:
    """One field that did not validate: pydantic's message, or a domain refusal raised by a
    field validator (services.people.particulars.field_refusal), whose words are ours."""

    field: str
    message: str
    refusal: DomainError | None = None


class InvalidFields(BadInput):
    """The body or the query did not validate: `problems` says which field and why."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("api.invalid_input")
        self.problems = problems


@dataclass
class Call:
    """One API call as a handler sees it: who calls, when, and what the API runs on."""

    request: web.Request
    caller: Caller
    now: datetime
    services: MiniappServices
    params: Mapping[str, str] | None = None  # the path's values, when not the request's own
    file: tuple[str, bytes] | None = None  # an upload already read (the console's forms)
    # the records a change acted on that its path does not name (the payee of a payout sent,
    # the expert of a sanction), by kind and id: the audit trail names them in words
    noted: dict[str, int] = field(default_factory=dict)
    # what a change decided, for the trail's words (texts/audit/record.j2): a decision
    # ("approved" / "returned"), a day (an ISO date); codes, never words or personal data
    decided: dict[str, str] = field(default_factory=dict)
    looked: bool = False  # a POST that changed nothing (a preview, the staff's 查看)

    @property
    def domain(self) -> Domain:
        return self.services.domain

    def said(self, key: str) -> str:
        """What the mini-program says once a change is done (texts/miniapp/done.j2)."""
        return self.services.texts.render("miniapp/done.j2", key=key,
                                          minutes=CODE_TTL // 60).strip()

    def path(self, name: str) -> str:
        return (self.request.match_info if self.params is None else self.params)[name]

    def path_int(self, name: str) -> int:
        """A row id in the path: 1 to 2^63 - 1 (a database BIGINT), else no such item."""
        raw = self.path(name)
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 19):
            raise NotFound("api.no_such_item")
        value = int(raw)
        if not 1 <= value <= MAX_ID:
            raise NotFound("api.no_such_item")
        return value

    async def upload(self, require_size: Callable[[int], None]) -> tuple[str, bytes]:
        """The multipart field `file`: its name and content, read in chunks and refused by
        `require_size` as soon as it is too large (nothing more is read)."""
        if self.file is not None:
            require_size(len(self.file[1]))
            return self.file
        if self.request.content_type != "multipart/form-data":
            raise BadInput("api.upload_field")
        try:
            reader = await self.request.multipart()
            part = await reader.next()
            if not isinstance(part, BodyPartReader) or part.name != "file":
                raise BadInput("api.upload_field")
            data = bytearray()
            while chunk := await part.read_chunk(256 * 1024):
                data.extend(chunk)
                require_size(len(data))
            if not part.at_eof():  # the body ended before the part's closing boundary
                raise ValueError("cut short")
        except MULTIPART_BROKEN as exc:
            log.info("a malformed upload on %s: %s", self.request.path, type(exc).__name__)
            raise BadInput("api.upload_malformed") from None
        return file_name(part.filename or ""), bytes(data)


M = TypeVar("M", bound=BaseModel)


async def json_body(request: web.Request, model: type[M]) -> M:
    """The body as its model: JSON, said so by its content type (or none said); a body that is
    not JSON at all (cut short, another format) is a bad request in words, not a form's
    fields."""
    check_json_type(request.headers.get(hdrs.CONTENT_TYPE, ""), request.content_type,
                    "api.content_type")
    try:
        return model.model_validate_json(await request.read() or b"{}")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise BadInput("api.body_malformed") from None
        raise


def file_name(sent: str) -> str:
    """An upload's file name as the person named it: some clients (aiohttp's, for one)
    send a non-ASCII name percent-encoded, browsers send it as UTF-8."""
    if sent.isascii() and "%" in sent:
        try:
            return unquote(sent, errors="strict")
        except UnicodeDecodeError:
            return sent
    return sent



Handler = Callable[..., Awaitable[BaseModel | web.StreamResponse]]  # a file download
H = TypeVar("H", bound=Handler)  # a handler keeps its own signature once registered


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    access: Access | frozenset[Role]
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    allow_initial_password: bool = False
    files: tuple[str, ...] = ()  # a download's media types (a JSON file's model: response)
    upload: bool = False  # takes a file as multipart/form-data (its field `file`)

    @property
    def roles(self) -> frozenset[Role] | None:
        return self.access if isinstance(self.access, frozenset) else None


def masked_json(result: object) -> str:
    """The response as JSON with phones and ID numbers masked, even where a handler forgot,
    except in the fields a model declares OPAQUE (signed values such as a payment's nonce
    and signature, which masking would corrupt and which never carry personal data). Only
    strings are masked: a number (an id, an amount) that looks like a phone or an ID number
    stays the number its schema says, where masking the text would leave no JSON at all."""
    if not isinstance(result, BaseModel):
        return "{}"
    opaque: frozenset[str] = getattr(type(result), "OPAQUE", frozenset())
    text = result.model_dump_json()
    if not opaque and mask_text(text) == text:  # nothing to mask (most answers)
        return text
    data = json.loads(text)
    return json.dumps({key: value if key in opaque else _masked(value)
                       for key, value in data.items()}, ensure_ascii=False,
                      separators=(",", ":"))


def _masked(value: Any) -> Any:
    """Every string in a JSON value masked (mask_text), the rest as it is."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {mask_text(key): _masked(item) for key, item in value.items()}
    return value


# pydantic's error types -> our words (texts/errors/field/), the parameters each one uses
FIELD_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "missing": ("field.missing", ()),
    "string_too_short": ("field.string_too_short", ("min_length",)),
    "string_too_long": ("field.string_too_long", ("max_length",)),
    "string_type": ("field.string_type", ()),
    "string_pattern_mismatch": ("field.string_pattern_mismatch", ()),
    "int_type": ("field.int_type", ()), "int_parsing": ("field.int_type", ()),
    "int_from_float": ("field.int_type", ()),
    "float_type": ("field.number_type", ()), "float_parsing": ("field.number_type", ()),
    "finite_number": ("field.number_type", ()),
    "greater_than_equal": ("field.too_small", ("ge",)),
    "greater_than": ("field.too_small", ("gt",)),
    "less_than_equal": ("field.too_large", ("le",)), "less_than": ("field.too_large", ("lt",)),
    "too_short": ("field.too_short", ("min_length",)),
    "too_long": ("field.too_long", ("max_length",)),
    "extra_forbidden": ("field.extra_forbidden", ()),
    "bool_type": ("field.bool_type", ()), "bool_parsing": ("field.bool_type", ()),
    "datetime_type": ("field.datetime_type", ()), "datetime_parsing": ("field.datetime_type", ()),
    "datetime_from_date_parsing": ("field.datetime_type", ()),
    "timezone_aware": ("field.datetime_type", ()),
    "date_type": ("field.date_type", ()), "date_parsing": ("field.date_type", ()),
    "date_from_datetime_parsing": ("field.date_type", ()),
    "literal_error": ("field.literal_error", ("expected",)),
    "enum": ("field.literal_error", ("expected",)),
    "list_type": ("field.list_type", ()), "dict_type": ("field.dict_type", ()),
    "model_type": ("field.dict_type", ()), "model_attributes_type": ("field.dict_type", ()),
    "json_invalid": ("field.json_invalid", ()),
}


def _words_of(err: Any) -> DomainError:
    """Our words for one of pydantic's errors (its own messages are English)."""
    ctx = err.get("ctx") or {}
    if err["type"] == "refused":
        return DomainError(ctx["code"], **ctx.get("params", {}))
    code, names = FIELD_WORDS.get(err["type"], ("field.invalid", ()))
    if err["type"] == "string_pattern_mismatch" and err.get("input") == "":
        code = "field.empty"  # an empty pick (a region, a list) is not a bad format
    params = {("limit" if n in ("ge", "gt", "le", "lt") else n): str(ctx.get(n, ""))[:60]
              for n in names}
    return DomainError(code, **params)


def field_problems(exc: ValidationError) -> list[FieldProblem]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "body"
        out.append(FieldProblem(where[:100], err["msg"], _words_of(err)))
    return out


@dataclass
class Api:
    """Collects endpoints; `install` mounts them on an aiohttp app."""

    endpoints: list[Endpoint] = field(default_factory=list)

    def route(self, method: str, path: str, *, access: Access | set[Role] | frozenset[Role],
              summary: str, tag: str, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
              allow_initial_password: bool = False, files: tuple[str, ...] = (),
              upload: bool = False) -> Callable[[H], H]:
        if isinstance(access, set):
            access = frozenset(access)
        if isinstance(access, frozenset) and not access:
            raise ValueError(f"{method} {path}: an empty role set would admit nobody")

        def register(handler: H) -> H:
            self.endpoints.append(Endpoint(method.upper(), path, handler, access, summary, tag,
                                           body, query, response, allow_initial_password,
                                           files, upload))
            return handler

        return register

    def include(self, other: Api) -> None:
        self.endpoints.extend(other.endpoints)

    def install(self, app: web.Application,
                authorize: Callable[[web.Request, Endpoint], Awaitable[Caller]]) -> None:
        check_declared(ep.path for ep in self.endpoints)
        for ep in self.endpoints:
            app.router.add_route(ep.method, ep.path, self._view(ep, authorize))

    @staticmethod
    def _view(ep: Endpoint, authorize: Callable[[web.Request, Endpoint], Awaitable[Caller]]
              ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def view(request: web.Request) -> web.StreamResponse:
            caller = await authorize(request, ep)
            require_path(ep.path, request.match_info)
            services = request.app[MINIAPP]
            args: list[Any] = [Call(request, caller, services.clock.now(), services)]
            try:
                if ep.body is not None:
                    args.append(await json_body(request, ep.body))
                if ep.query is not None:
                    args.append(ep.query.model_validate(dict(request.query)))
            except ValidationError as exc:
                raise InvalidFields(field_problems(exc)) from None
            try:
                result = await ep.handler(*args)
            except DomainError as exc:
                await audit_refusal(args[0], ep, request.match_info, exc.code)
                raise
            await audit_call(args[0], ep, request.match_info)
            if isinstance(result, web.StreamResponse):  # a file download
                return result
            return web.Response(text=masked_json(result), content_type="application/json")

        view.__name__ = ep.handler.__name__
        return view
