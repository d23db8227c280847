"""Bodies a broken or hostile client sends, the routes that read one, and how a refusal of
one is read back: what the tests of each server's malformed bodies share (the mini-program
API's are tests/api/test_malformed.py). The routes come from the running app's router, so a
handler added later is sent them too."""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from services.common.errors import DomainError
from tests.support.helpers import TEXTS

CHINESE = re.compile(r"[\u4e00-\u9fff]")
MESSAGE = re.compile(r'data-testid="message">([^<]*)<')  # a refusal page's words

_PARTS = (b'--xYz\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\nCSRF\r\n'
          b'--xYz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
          b"Content-Type: application/pdf\r\n\r\n%PDF-1.4 \xe8\xaf\x84\xe6\xa0\x87\r\n--xYz--\r\n")
# (content type, body) of forms that are no form; CSRF is the place of a valid token
FORM_BROKEN: dict[str, tuple[str, bytes]] = {
    "multipart without its boundary": ("multipart/form-data", _PARTS),
    "multipart cut short in its file": ("multipart/form-data; boundary=xYz",
                                        _PARTS[:_PARTS.index(b"%PDF") + 6]),
    "bad percent-encoding": ("application/x-www-form-urlencoded", b"_csrf=CSRF&name=%E8%zz"),
    "invalid UTF-8": ("application/x-www-form-urlencoded", b"_csrf=CSRF&name=\xe8\xaf"),
    "another content type": ("text/plain", b"_csrf=CSRF&name=1"),
}
FORM_OK = ("application/x-www-form-urlencoded", b"_csrf=CSRF&name=%E8%AF%84")
# JSON that is no JSON object
JSON_BROKEN: dict[str, tuple[str, bytes]] = {
    "not JSON": ("application/json", b"name=1"),
    "JSON cut short": ("application/json", b'{"name": "\xe8\xaf\x84'),
    "invalid UTF-8": ("application/json", b'{"name": "\xe8\xaf"}'),
    "a list": ("application/json", b"[1, 2]"),
    "nested past the stack": ("application/json", b"[" * 5_000),
    "another content type": ("text/plain", b"{}"),
}
JSON_OK = ("application/json", b"{}")


def body_routes(app: web.Application, package: str) -> list[tuple[str, str]]:
    """(method, path template) of every route whose handler is written in `package` (its
    sub-apps' too) and that may carry a body: not GET or HEAD (`*` as POST)."""
    found = set()
    for route in app.router.routes():
        resource = route.resource
        module = getattr(route.handler, "__module__", "") or ""
        if resource is None or route.method in ("GET", "HEAD") \
                or not (module == package or module.startswith(package + ".")):
            continue
        found.add(("POST" if route.method == "*" else route.method, resource.canonical))
    return sorted(found)


def path_of(template: str, value: str = "1") -> str:
    return re.sub(r"\{\w+\}", value, template)


@dataclass
class Answer:
    status: int
    content_type: str
    text: str

    @property
    def words(self) -> str:
        """What the refusal says: a JSON refusal's message, a page's message."""
        if self.content_type == "application/json":
            said: Any = json.loads(self.text)
            return str(said.get("message", "")) if isinstance(said, dict) else ""
        found = MESSAGE.search(self.text)
        return found.group(1) if found else ""

    @property
    def error(self) -> str:
        said: Any = json.loads(self.text) if self.content_type == "application/json" else {}
        return str(said.get("error", "")) if isinstance(said, dict) else ""

    def in_words(self) -> bool:
        """A refusal that says in Chinese what to do (请…), not a bare status."""
        return bool(CHINESE.search(self.words)) and "请" in self.words


async def send(client: TestClient, method: str, path: str, content_type: str | None,
               body: bytes, headers: dict[str, str] | None = None) -> Answer:
    """`body` as it is, under `content_type` (None: no such header)."""
    sent = dict(headers or {})
    if content_type is not None:
        sent["Content-Type"] = content_type
    data: Any = io.BytesIO(body) if len(body) > 512 * 1024 else body  # aiohttp's advice
    async with client.request(method, path, data=data, headers=sent, allow_redirects=False,
                              skip_auto_headers={"Content-Type"}) as resp:
        return Answer(resp.status, resp.content_type, await resp.text())


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value, itself first."""
    yield at
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, inner in items:
        yield from _places(inner, (*at, key))


def _put(value: Any, at: tuple[Any, ...], new: Any) -> Any:
    if not at:
        return new
    changed = copy.deepcopy(value)
    place = changed
    for key in at[:-1]:
        place = place[key]
    place[at[-1]] = new
    return changed


# values of every JSON shape, and a few a field's own checks must catch
ODD = (None, True, 0, -1, 1.5, 2 ** 70, "", "x" * 300, "2026-13-45", [], [[]], [{}], {},
       {"a": []})


def wrong_shapes(read: Callable[[dict[str, Any]], object], good: dict[str, Any]) -> int:
    """`good` read, then each of its places given each odd value: read, or refused in words
    (a DomainError and its text), never another exception (a 500). How many were tried."""
    read(good)
    tried = 0
    for at in _places(good):
        for odd in ODD:
            body = _put(good, at, odd)
            if isinstance(body, dict):
                try:
                    read(body)
                except DomainError as exc:
                    assert CHINESE.search(TEXTS.error(exc)), (at, odd, exc)
                tried += 1
    return tried
