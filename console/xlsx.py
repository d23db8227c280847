"""Excel exports: a workbook written by openpyxl in write-only mode (rows
streamed to the file, not held as cells) in a worker thread, off the event loop. Rows come
from the API's own responses, so a sheet carries exactly what the role may see, masked
where the API masks; every text is masked again on the way out (as every page is), and a
text that Excel would run as a formula is written as text."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook

from services.common.clock import china_time
from services.common.pii import mask_text
from services.common.texts import Texts

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def sheet(texts: Texts, name: str, rows: Iterable[Sequence[Any]]) -> Sheet:
    """A sheet whose title and column headings are texts/console/sheets/<name>.j2 (the title
    on the first line, then one heading a line)."""
    title, *header = texts.render(f"console/sheets/{name}.j2").splitlines()
    return Sheet(title, header, rows)


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


async def xlsx(texts: Texts, what: str, sheets: Sequence[Sheet], **name: object
               ) -> web.Response:
    """The workbook as a download named texts/console/files/<what>.j2 (written in a thread:
    a large one never stalls the loop)."""
    filename = texts.render(f"console/files/{what}.j2", **name)
    words = Words(texts.render("console/yes_no.j2", value=True),
                  texts.render("console/yes_no.j2", value=False))
    data = await asyncio.to_thread(write, sheets, words)
    return web.Response(body=data, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
