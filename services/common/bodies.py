"""What a request's body must be before any field of it is read, the same at every edge: a
form URL-encoded strictly (every `%` followed by two hex digits, the text UTF-8), JSON an
object and said to be JSON by its content type (or by none). Each breach is a BadInput whose
code the edge names, so its words (texts/errors/) say what to send instead; the edge maps it
as it maps every refusal. The edges read the bytes (aiohttp stays out of the domain); a
multipart form is read by the console (console/bodies.py)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from services.common.errors import BadInput, TooLarge

FORM_TYPE = "application/x-www-form-urlencoded"
MULTIPART_TYPE = "multipart/form-data"
JSON_TYPE = "application/json"
FIELDS_MAX = 1000  # a form's fields (aiohttp's own limit for the forms it parses)
BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
UTF8 = frozenset({"utf-8", "utf8"})


def form_pairs(data: bytes, charset: str | None = None) -> list[tuple[str, str]]:
    """An URL-encoded form's fields in order (a field without `=` is an empty value, as
    browsers and aiohttp read it). BadInput `form.malformed` for a `%` not followed by two hex
    digits, text that is not UTF-8 (the charset every page here is served in) or another
    charset said; TooLarge `form.too_large` past FIELDS_MAX fields."""
    if charset is not None and charset.lower() not in UTF8:
        raise BadInput("form.malformed")
    data = data.rstrip()
    if BAD_PERCENT.search(data):
        raise BadInput("form.malformed")
    pairs: list[tuple[str, str]] = []
    for field in data.split(b"&"):
        if not field:
            continue
        if len(pairs) >= FIELDS_MAX:
            raise TooLarge("form.too_large")
        name, _, value = field.partition(b"=")
        pairs.append((_decoded(name), _decoded(value)))
    return pairs


def _decoded(raw: bytes) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("form.malformed") from None


def check_json_type(declared: str, media_type: str, code: str) -> None:
    """JSON said to be JSON (application/json or a `+json` type), or said to be nothing
    (`declared`: the Content-Type header as sent; `media_type`: its type alone); BadInput
    `code` otherwise."""
    if declared and media_type != JSON_TYPE and not media_type.endswith("+json"):
        raise BadInput(code)


def json_object(data: bytes, code: str) -> dict[str, Any]:
    """The body as a JSON object: UTF-8, whole (not cut short), an object (not a list or a
    number) and nested no deeper than Python's parser goes; BadInput `code` otherwise."""
    try:
        found = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested past the stack
        raise BadInput(code) from None
    if not isinstance(found, dict):
        raise BadInput(code)
    return found
