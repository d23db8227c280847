"""The pager of a console list: the API's next-page cursor carried in the page's address
with the filters that were asked, so that 下一页 keeps them and 第一页 drops only the
cursor (keyset paging: services/common/paging.py)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

PAGE = 20  # rows a console page shows
CURSORS = ("after", "before")  # "before": the activity list's older links


@dataclass(frozen=True)
class Pager:
    path: str  # the page's own address, /console/...
    first: str | None  # the first page's address, when this is a later one
    next: str | None  # the next page's address, when there is one


def asked(request: web.Request, names: tuple[str, ...]) -> dict[str, str]:
    """The filters of `names` the address gives (empty ones dropped), the cursor among
    them if `names` has it."""
    return {k: v.strip() for k, v in request.query.items() if k in names and v.strip()}


def pager(request: web.Request, filters: dict[str, str], next_cursor: str | None) -> Pager:
    kept = {k: v for k, v in filters.items() if k not in CURSORS}
    later = any(request.query.get(c, "").strip() for c in CURSORS)
    path = request.path

    def address(query: dict[str, str]) -> str:
        return f"{path}?{urlencode(query)}" if query else path

    return Pager(path, address(kept) if later else None,
                 address({**kept, "after": next_cursor}) if next_cursor else None)
