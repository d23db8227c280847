"""The console does what the mini-program API does, by calling the API's own endpoints in
process: the same handler, the same pydantic validation, the same declared roles checked by
the same `admit` — no business rule written twice, and one table of who may do what (the
API's endpoint list). A page names the endpoint by its handler, passes the handler's own
body model and gets the handler's own result type back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, overload

from aiohttp import web
from pydantic import BaseModel, ValidationError

from miniapp_api.audit import audit_call, audit_refusal
from miniapp_api.auth import admit
from miniapp_api.caller import Caller
from miniapp_api.context import MiniappServices
from miniapp_api.framework import Access, Call, Endpoint, InvalidFields, field_problems
from miniapp_api.path_params import require_path
from models.people import Person, Role
from services.common.errors import DomainError

R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)
AnyHandler = Callable[..., Awaitable[Any]]


def fields(model: type[M], values: Mapping[str, object]) -> M:
    """A request body read from a form, validated as the API validates it: a field that does
    not fit is refused with the API's own words (InvalidFields)."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise InvalidFields(field_problems(exc)) from None


class GoBack(Exception):
    """A form's action the API refused: back to `page`, the refusal shown there in words."""

    def __init__(self, page: str, refusal: DomainError) -> None:
        super().__init__(refusal.code)
        self.page, self.refusal = page, refusal


class Endpoints:
    """The API's endpoint table, looked up by handler."""

    def __init__(self, endpoints: list[Endpoint], services: MiniappServices) -> None:
        self._by_handler: dict[object, Endpoint] = {ep.handler: ep for ep in endpoints}
        self.services = services

    def endpoint(self, handler: AnyHandler) -> Endpoint:
        return self._by_handler[handler]

    def admits(self, roles: set[Role], handler: AnyHandler) -> bool:
        """Whether holders of `roles` may use this endpoint (for menus and buttons; the
        call itself is checked again)."""
        ep = self.endpoint(handler)
        return ep.roles is None or bool(ep.roles & roles)

    def as_person(self, request: web.Request, person: Person, back: str | None = None,
                  acting: int | None = None) -> PersonCalls:
        """`acting`: the agency the console session chose to act for (a person of several)."""
        return PersonCalls(self, request, person, back, acting)


class PersonCalls:
    """The API as one signed-in person, for one request; with `back`, a refusal returns the
    visitor to that page (GoBack) with the refusal in words."""

    def __init__(self, endpoints: Endpoints, request: web.Request, person: Person,
                 back: str | None, acting: int | None = None) -> None:
        self._endpoints, self._request, self._person, self._back = \
            endpoints, request, person, back
        self._acting = acting

    def fields(self, model: type[M], values: Mapping[str, object]) -> M:
        """A request body read from a form (see `fields`); with `back`, a field that does
        not fit takes the visitor back as a refusal of the endpoint would."""
        try:
            return fields(model, values)
        except InvalidFields as exc:
            if self._back is None:
                raise
            raise GoBack(self._back, exc) from None

    @overload
    async def call(self, handler: Callable[[Call], Awaitable[R]], /, *,
                   path: Mapping[str, str] | None = None,
                   file: tuple[str, bytes] | None = None) -> R: ...

    @overload
    async def call(self, handler: Callable[[Call, M], Awaitable[R]], arg: M, /, *,
                   path: Mapping[str, str] | None = None,
                   file: tuple[str, bytes] | None = None) -> R: ...

    async def call(self, handler: AnyHandler, arg: BaseModel | None = None, /, *,
                   path: Mapping[str, str] | None = None,
                   file: tuple[str, bytes] | None = None) -> Any:
        """Run one endpoint: its result (its response model, or a file response); the API's
        refusals raise as they would there (DomainError), or go back (GoBack)."""
        try:
            return await self._run(handler, arg, path, file)
        except DomainError as exc:
            if self._back is None:
                raise
            raise GoBack(self._back, exc) from None

    async def _run(self, handler: AnyHandler, arg: BaseModel | None,
                   path: Mapping[str, str] | None, file: tuple[str, bytes] | None) -> Any:
        ep = self._endpoints.endpoint(handler)
        result, call = await self._invoke(ep, arg, path, file)
        if ep.method != "GET":  # a change, as the API records it (downloads: console/app.py)
            await audit_call(call, ep, path or {})
        return result

    async def _invoke(self, ep: Endpoint, arg: BaseModel | None,
                      path: Mapping[str, str] | None, file: tuple[str, bytes] | None
                      ) -> tuple[Any, Call]:
        require_path(ep.path, path or {})  # as the API checks its own path's values
        caller = Caller(person=self._person, acting_agency=self._acting)
        if ep.access != Access.PUBLIC:
            await admit(caller, ep, self._endpoints.services)
        services = self._endpoints.services
        call = Call(self._request, caller, services.clock.now(), services,
                    params=dict(path or {}), file=file)
        declared = ep.body or ep.query
        # what the API would have validated: a model of the declared type (a page that
        # built its body some other way is a fault of ours, not the visitor's)
        if declared is not None and not isinstance(arg, declared):
            raise TypeError(f"{ep.method} {ep.path} takes a {declared.__name__}")
        try:
            return (await ep.handler(call) if declared is None
                    else await ep.handler(call, arg)), call
        except DomainError as exc:  # a refused change is on the trail too, as in the API
            if ep.method != "GET":
                await audit_refusal(call, ep, path or {}, exc.code)
            raise
