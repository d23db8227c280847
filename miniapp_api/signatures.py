"""The start-up check of the endpoint table, as chat handlers' declarations are checked: each
handler takes the call, then the declared body model, then the declared query model, and
nothing else, and returns the declared response model (or a file response where media
types are declared; a JSON file declares its model as well); one that reads an upload
declares it, so the document says multipart/form-data. A mismatch stops the start-up,
naming the handler and what differs: the API would otherwise validate one model and hand
the handler another, and the OpenAPI document and the console's typed calls would tell a
different story from the code."""

from __future__ import annotations

import functools
import inspect
import typing
from typing import Any

from aiohttp import web

from miniapp_api.framework import Call, Endpoint


class EndpointMismatch(RuntimeError):
    """Handlers whose signatures do not match their declarations."""


def _where(ep: Endpoint) -> str:
    code = ep.handler.__code__
    return f"{ep.method} {ep.path} ({ep.handler.__module__}.{ep.handler.__name__}, " \
           f"{code.co_filename.rpartition('/')[2]}:{code.co_firstlineno})"


def _name(kind: object) -> str:
    return getattr(kind, "__name__", repr(kind))


@functools.cache
def _signature(handler: Any) -> tuple[dict[str, Any], list[inspect.Parameter]]:
    """A handler's resolved annotations and parameters (read once per process: every app
    the process makes checks the same functions)."""
    return typing.get_type_hints(handler), list(inspect.signature(handler).parameters.values())


def problems_of(ep: Endpoint) -> list[str]:
    """What is wrong with one endpoint's handler, in words."""
    try:
        hints, params = _signature(ep.handler)
    except NameError as exc:
        return [f"{_where(ep)}: an annotation cannot be resolved ({exc})"]
    expected: list[tuple[str, Any]] = [("the call", Call)]
    if ep.body is not None:
        expected.append(("the body", ep.body))
    if ep.query is not None:
        expected.append(("the query", ep.query))
    found = []
    if len(params) != len(expected):
        found.append(f"takes {len(params)} parameters, expected {len(expected)} ("
                     + ", ".join(f"{what}: {_name(kind)}" for what, kind in expected) + ")")
    for param, (what, kind) in zip(params, expected, strict=False):
        if hints.get(param.name) is not kind:
            found.append(f"parameter {param.name!r} is {_name(hints.get(param.name))}, "
                         f"{what} is declared {_name(kind)}")
    found.extend(_result_problems(ep, hints.get("return")))
    reads_upload = "upload" in ep.handler.__code__.co_names  # call.upload(...)
    if reads_upload != ep.upload:
        found.append("reads an upload without declaring it (upload=True)" if reads_upload
                     else "declares an upload (upload=True) it never reads")
    if ep.upload and ep.body is not None:
        found.append("declares both a JSON body and an upload")
    return [f"{_where(ep)}: {problem}" for problem in found]


def _result_problems(ep: Endpoint, returned: Any) -> list[str]:
    """A handler answers its response model; a download answers a file response with its
    media types declared, and a JSON file declares its model too (the document's schema)."""
    is_file = isinstance(returned, type) and issubclass(returned, web.StreamResponse)
    if ep.files:
        json_file = "application/json" in ep.files
        if not is_file:
            return [f"returns {_name(returned)}, but declares a download's media types"]
        if json_file and ep.response is None:
            return ["is a JSON download that declares no model (response=...)"]
        if ep.response is not None and not json_file:
            return ["declares a response model for a download that is not JSON"]
        return []
    if ep.response is not None:
        if not (isinstance(returned, type) and issubclass(returned, ep.response)):
            return [f"returns {_name(returned)}, declared {_name(ep.response)}"]
        return []
    if not is_file:
        return [f"returns {_name(returned)}, but declares no response model "
                "(only a file download may)"]
    return ["is a download that declares no media types (files=...)"]


def check_endpoints(endpoints: list[Endpoint]) -> None:
    """Raise EndpointMismatch listing every handler that differs from its declaration, and
    any handler serving two routes (the console calls endpoints by their handler)."""
    problems = [p for ep in endpoints for p in problems_of(ep)]
    seen: dict[object, Endpoint] = {}
    for ep in endpoints:
        if ep.handler in seen:
            problems.append(f"{_where(ep)}: the same handler serves "
                            f"{seen[ep.handler].method} {seen[ep.handler].path}")
        seen[ep.handler] = ep
    if problems:
        raise EndpointMismatch("the API's handlers differ from their declarations:\n"
                               + "\n".join(problems))
