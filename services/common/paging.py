"""Keyset paging: a list read a page at a time from where the last page ended, not by an
offset, so that rows inserted between two page loads neither repeat a row nor skip one, and
each page costs one index range read however deep it is.

A list is ordered by a total key (its sort columns and the id as the tie-breaker, all in the
same direction, backed by an index on the filter's columns followed by the key). The cursor
handed to the client is opaque: the last row's key as JSON in URL-safe base64. A cursor that
does not decode to the list's key is refused (`page.bad_cursor`), never read as "from the
start"."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from services.common.errors import BadInput

T = TypeVar("T")

PAGE = 20  # a page unless the client asks for another size
MOST = 100  # the most a page may hold (lists that allowed more before keep their maximum)
CURSOR_MAX = 200  # characters: a key of a few ints and times is far shorter


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the cursor of the page after it (None: this is the last)."""

    rows: list[T]
    next: str | None


def encode(*key: int | datetime) -> str:
    """The opaque cursor of a row's key."""
    parts = [k.isoformat() if isinstance(k, datetime) else int(k) for k in key]
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, *shape: type) -> tuple[Any, ...] | None:
    """The key a cursor names, its parts of the types in `shape` (int or datetime); None for
    no cursor (the first page). A list keyed by its id alone also takes the id as digits (the
    plain cursors some lists gave before)."""
    if cursor is None or cursor == "":
        return None
    if shape == (int,) and cursor.isdigit() and len(cursor) < 19:
        return (int(cursor),)
    try:
        if len(cursor) > CURSOR_MAX:
            raise ValueError(cursor)
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(parts, list) or len(parts) != len(shape):
            raise ValueError(cursor)
        key = tuple(_part(p, kind) for p, kind in zip(parts, shape, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadInput("page.bad_cursor", field="after") from None
    return key


def _part(value: object, kind: type) -> int | datetime:
    if kind is int and isinstance(value, int) and not isinstance(value, bool) \
            and 0 < value < 2**63:
        return value
    if kind is datetime and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError(value)
        return moment
    raise ValueError(value)


def after_key(order: Sequence[str], key: tuple[Any, ...]) -> Q:
    """The rows after `key` in `order` (fields, all "-" for newest first or none for oldest
    first; the last one the id): the row comparison written out, with the first column
    bounded on its own too so that the index's range starts at the key."""
    descending = order[0].startswith("-")
    names = [f.lstrip("-") for f in order]
    beyond, reach = ("lt", "lte") if descending else ("gt", "gte")
    either = Q(**{f"{names[-1]}__{beyond}": key[-1]}, **{n: v for n, v in zip(
        names[:-1], key[:-1], strict=True)})
    for i in range(len(names) - 2, -1, -1):
        either = Q(**{f"{names[i]}__{beyond}": key[i]},
                   **{n: v for n, v in zip(names[:i], key[:i], strict=True)}) | either
    if len(names) == 1:
        return either
    return Q(**{f"{names[0]}__{reach}": key[0]}) & either


async def keyset(query: QuerySet[Any], limit: int, cursor: str | None,
                 order: Sequence[str] = ("-id",),
                 shape: Sequence[type] = (int,)) -> Page[Any]:
    """One page of `query` in `order` after `cursor`: `limit` rows (one more is read to know
    whether another page follows) and the next page's cursor."""
    key = decode(cursor, *shape)
    if key is not None:
        query = query.filter(after_key(order, key))
    rows = list(await query.order_by(*order).limit(limit + 1))
    return page_of(rows, limit, lambda r: tuple(getattr(r, f.lstrip("-")) for f in order))


def page_of(rows: list[T], limit: int, key_of: Any) -> Page[T]:
    """The page of `rows` read with one row beyond `limit`, and its next cursor."""
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode(*key_of(rows[-1])))
