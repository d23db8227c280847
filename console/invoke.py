"""The console does what the mini-program API does, by calling the API's own endpoints in
process: the same handler, the same pydantic validation, the same declared roles checked by
the same `admit` (issue 19: "calling the same services as the mini-program API — no business
rule written twice"; "every page and action authorised by role and scope exactly as the API
is (one table of who may do what)": the table is the API's endpoint list)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from miniapp_api.auth import admit
from miniapp_api.caller import Caller
from miniapp_api.context import MiniappServices
from miniapp_api.framework import Access, Call, Endpoint, InvalidFields, field_problems
from models.people import Person, Role


class Endpoints:
    """The API's endpoint table, looked up by method and path template."""

    def __init__(self, endpoints: list[Endpoint], services: MiniappServices) -> None:
        self._by_route = {(ep.method, ep.path): ep for ep in endpoints}
        self.services = services

    def endpoint(self, method: str, path: str) -> Endpoint:
        return self._by_route[(method, path)]

    def admits(self, roles: set[Role], method: str, path: str) -> bool:
        """Whether holders of `roles` may use this endpoint (for menus and buttons; the
        call itself is checked again)."""
        ep = self.endpoint(method, path)
        return ep.roles is None or bool(ep.roles & roles)

    async def call(self, request: web.Request, person: Person, method: str, path: str, *,
                   params: Mapping[str, str] | None = None,
                   body: Mapping[str, Any] | None = None,
                   query: Mapping[str, Any] | None = None,
                   file: tuple[str, bytes] | None = None) -> Any:
        """Run one endpoint as `person`: its result (a pydantic model, or a file response);
        the API's refusals raise as they would there (DomainError)."""
        ep = self.endpoint(method, path)
        caller = Caller(person=person)
        if ep.access != Access.PUBLIC:
            await admit(caller, ep, self.services)
        args: list[Any] = [Call(request, caller, datetime.now(UTC), self.services,
                                params=dict(params or {}), file=file)]
        try:
            if ep.body is not None:
                args.append(ep.body.model_validate(dict(body or {})))
            if ep.query is not None:
                args.append(ep.query.model_validate(dict(query or {})))
        except ValidationError as exc:
            raise InvalidFields(field_problems(exc)) from None
        return await ep.handler(*args)
