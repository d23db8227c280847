"""Excel exports: a workbook written by openpyxl in write-only mode (rows
streamed to the file, not held as cells) in a worker thread, off the event loop. Rows come
from the API's own responses, so a sheet carries exactly what the role may see, masked
where the API masks; every text is masked again on the way out (as every page is), and a
text that Excel would run as a formula is written as text. Each workbook is written from
its export's declaration (services/audit/exports.py): its sheets, headings and columns,
and the access entry's note of what it held, taken from the same columns as they were
written."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook

from console.context import CONSOLE
from miniapp_api.audit import HANDED_OUT, handed_out
from services.audit import Export, Filled
from services.common.clock import china_time
from services.common.pii import mask_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class Words:
    yes: str
    no: str


def cell(value: Any, words: Words) -> Any:
    if isinstance(value, datetime):
        return china_time(value)
    if isinstance(value, bool):
        return words.yes if value else words.no
    if isinstance(value, list | tuple):
        value = "、".join(str(v) for v in value)
    if isinstance(value, str):
        value = mask_text(value)
        return "'" + value if value.startswith(FORMULA_START) else value
    return value


def write(sheets: Sequence[Sheet], words: Words) -> bytes:
    book = Workbook(write_only=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.title[:31])
        page.append(list(sheet.header))
        for row in sheet.rows:
            page.append([cell(v, words) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def xlsx(request: web.Request, export: Export,
               tables: Mapping[str, Iterable[Mapping[str, Any]]], *, people: int | None = None,
               rows: int | None = None, full: bool = False, **name: object) -> web.Response:
    """The export's workbook, each of its sheets from `tables` (rows by column key), as a
    download named texts/console/files/<key>.j2 (written in a
    thread: a large one never stalls the loop); the request noted as handing out `people`
    persons' (or `rows` records') personal data of the kinds its filled columns hold
    (`full`: asked for in full). Neither count given: the one the API's endpoint noted
    (it counts persons by who they are, not by name)."""
    if set(tables) != {s.key for s in export.sheets}:
        raise ValueError(f"{export.op}: sheets {sorted(tables)}")
    texts = request.app[CONSOLE].texts
    filled = Filled(export)
    sheets = [Sheet(*s.heading(texts), filled.lines(s, tables[s.key])) for s in export.sheets]
    filename = texts.render(f"console/files/{export.key}.j2", **name)
    words = Words(texts.render("console/yes_no.j2", value=True),
                  texts.render("console/yes_no.j2", value=False))
    data = await asyncio.to_thread(write, sheets, words)
    if people is None and rows is None:
        counted = request.get(HANDED_OUT) or {}
        people, rows = counted.get("people"), counted.get("rows")
    handed_out(request, people=people, rows=rows, held=filled.held(full), why=export.why)
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
