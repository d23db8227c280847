"""Every answer of the mini-program API held to its OpenAPI document: `Api.call` and
`Api.upload` (tests/support/api.py) hand each response to `Contract.check`, which finds the
operation the path and method name, and refuses a status the operation does not declare, a
media type the document does not list for that status, and a JSON body that does not
validate against the declared schema (OpenAPI 3.1: JSON Schema 2020-12, formats asserted).

The document is built once per process from the same declarations the app serves
(`build_openapi` over `miniapp_api.routes.api()`; tests/api/test_contract.py checks that it
is the one served), and each answer's validator is compiled once per process, at its first
use: a `$ref` into the document, registered once."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import jsonschema_rs

from miniapp_api.openapi import build_openapi
from miniapp_api.routes import api as collect

PREFIX = "/miniapp/v1"
DOCUMENT = "urn:expertbot:openapi"  # the document's name in the validators' registry
# what aiohttp's router answers itself, for a path no operation has or a method it lacks
UNROUTED = {"no path": "404", "no method": "405"}
VARIABLE = re.compile(r"\\\{\w+\\\}")  # a path value in an escaped template: \{app_id\}


class ContractBroken(AssertionError):
    """An answer that is not what the document says of it."""


@dataclass
class Contract:
    """One OpenAPI document and the validators of its response schemas."""

    document: dict[str, Any]
    _index: dict[str, list[tuple[re.Pattern[str], str]]] = field(init=False)
    _validators: dict[tuple[str, ...], Any] = field(init=False, default_factory=dict)
    _registry: Any = field(init=False)

    def __post_init__(self) -> None:
        # the document as one resource: each validator is a $ref into it, so the schemas'
        # own references (#/components/schemas/...) resolve in place, parsed once
        self._registry = jsonschema_rs.Registry([(DOCUMENT, self.document)])
        # the templates as aiohttp's router indexes them: by the literal part before the
        # first variable, cut back to a whole segment; a variable is one segment
        self._index = {}
        for template in self.document["paths"]:
            key = template.partition("{")[0].rpartition("/")[0] if "{" in template \
                else template
            regex = "^" + VARIABLE.sub("[^{}/]+", re.escape(template)) + "$"
            self._index.setdefault(key.rstrip("/") or "/", []).append((re.compile(regex),
                                                                       template))

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any] | None, str]:
        """(the path template, its operation for `method` or None, why there is none), the
        template found as aiohttp's router finds it: the longest literal prefix first (so
        /admin/invoices/issue is not /admin/invoices/{payable_id}), then in the order the
        routes were added."""
        found = []
        part = path
        while part:
            for regex, template in self._index.get(part, ()):
                if regex.match(path):
                    op = self.document["paths"][template].get(method.lower())
                    if op is not None:
                        return template, op, ""
                    found.append(template)
            if part == "/":
                break
            part = part.rpartition("/")[0] or "/"
        return (found[0] if found else path), None, "no method" if found else "no path"

    def check(self, method: str, path: str, status: int, media: str, body: bytes) -> None:
        """Raise ContractBroken, naming the call, when the answer breaks the document."""
        path = unquote(path.split("?", 1)[0])
        template, op, missing = self.operation(method, path)
        where = f"{method.upper()} {path} ({template}) -> {status}"
        if op is None:  # not an operation: only the router's own refusal may answer
            if str(status) != UNROUTED[missing]:
                raise ContractBroken(f"{where}: {missing} in the OpenAPI document, yet the "
                                     f"answer is not {UNROUTED[missing]}")
            answer = {"content": {"application/json": {}}}
            at: tuple[str, ...] = ("components", "schemas", "ErrorOut")
        else:
            answer = op["responses"].get(str(status))
            if answer is None:
                raise ContractBroken(f"{where}: status {status} is not declared (declared: "
                                     f"{', '.join(sorted(op['responses']))})")
            at = ("paths", template, method.lower(), "responses", str(status), "content",
                  media, "schema")
        content = answer.get("content", {})
        if not content:
            if body:
                raise ContractBroken(f"{where}: declared without a body, answered "
                                     f"{len(body)} bytes of {media}")
            return
        if media not in content:
            raise ContractBroken(f"{where}: answered as {media}, documented as "
                                 f"{', '.join(sorted(content))}")
        if media != "application/json":
            return  # a file: its media type is the whole of what the document says
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ContractBroken(f"{where}: the body is not JSON ({exc})") from None
        validator = self._validators.get(at)
        if validator is None:  # compiled once per operation and status
            validator = self._validators[at] = jsonschema_rs.Draft202012Validator(
                {"$ref": _pointer(at)}, registry=self._registry, validate_formats=True)
        if validator.is_valid(data):
            return
        error = next(validator.iter_errors(data))  # the first, in the message
        where_in = "/".join(str(p) for p in error.instance_path) or "(the body)"
        raise ContractBroken(f"{where}: the body breaks its schema at {where_in}: "
                             f"{error.message[:300]}")


def _pointer(parts: tuple[str, ...]) -> str:
    """The URI of a place in the document: a JSON pointer (RFC 6901) as a URI fragment."""
    return DOCUMENT + "#/" + "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="")
                                      for p in parts)


@functools.cache
def served() -> Contract:
    """The mini-program API's own document, as the app builds it (once per process)."""
    return Contract(build_openapi(collect(), PREFIX))
