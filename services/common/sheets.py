"""Tables people upload (a catalogue, an expert register): the first sheet of an .xlsx, or a
CSV (UTF-8, or GB18030 as Excel in China saves it), as rows of text with their row numbers.
Untrusted input: the file's size, its unpacked size (a zip bomb) and its rows are capped,
and openpyxl reads through defusedxml (installed), in read-only mode."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.common.errors import BadInput

FILE_MAX = 10 * 1024 * 1024  # bytes uploaded (the console takes 10 MB files)
UNPACKED_MAX = 200 * 1024 * 1024  # bytes an .xlsx may unpack to


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (the row's number as the sheet shows it, cells)


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def require_sheet_size(size: int) -> None:
    """An upload of a table, refused as soon as it passes FILE_MAX."""
    if size > FILE_MAX:
        raise BadInput("sheet.too_large", limit=FILE_MAX // (1024 * 1024))


def read_table(raw: bytes, filename: str, max_rows: int, header_only: bool = False) -> Table:
    """The header row and the rows under it (blank rows skipped; none with `header_only`,
    a quick look that the file is a table). BadInput sheet.* when the file is too large,
    not a table, or has more than `max_rows` rows."""
    if len(raw) > FILE_MAX:
        raise BadInput("sheet.too_large", limit=FILE_MAX // (1024 * 1024))
    if raw[:2] != b"PK":
        return _table(_csv(raw), filename, max_rows, header_only)
    book = _workbook(raw)
    try:
        lines = enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
        return _table(lines, filename, max_rows, header_only)
    finally:
        book.close()


def read_tables(raw: bytes, filename: str, max_rows: int) -> list[tuple[str, Table]]:
    """Every sheet that holds a table, with its title (a CSV: one, titled ""); the same
    caps and refusals as `read_table`, `max_rows` per sheet."""
    if len(raw) > FILE_MAX:
        raise BadInput("sheet.too_large", limit=FILE_MAX // (1024 * 1024))
    if raw[:2] != b"PK":
        return [("", _table(_csv(raw), filename, max_rows))]
    book = _workbook(raw)
    found = []
    try:
        for page in book.worksheets:
            lines = enumerate(page.iter_rows(values_only=True), start=1)
            try:
                found.append((str(page.title), _table(lines, filename, max_rows)))
            except BadInput as exc:
                if exc.code != "sheet.empty":
                    raise
    finally:
        book.close()
    if not found:
        raise BadInput("sheet.empty", filename=filename)
    return found


def _table(lines: Iterable[tuple[int, Sequence[object]]], filename: str,
           max_rows: int, header_only: bool = False) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in lines:
        values = [text(c) for c in cells]
        if not any(values):
            continue
        if header is None:
            header = values
            if header_only:
                break
            continue
        if len(rows) >= max_rows:
            raise BadInput("sheet.too_many_rows", limit=max_rows)
        rows.append((number, values))
    if header is None:
        raise BadInput("sheet.empty", filename=filename)
    return Table(header, rows)


def _workbook(raw: bytes) -> Any:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(i.file_size for i in archive.infolist()) > UNPACKED_MAX:
                raise BadInput("sheet.too_large", limit=FILE_MAX // (1024 * 1024))
        return load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except BadInput:
        raise
    except Exception:  # not a workbook openpyxl can read
        raise BadInput("sheet.unreadable") from None


def _csv(raw: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            decoded = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadInput("sheet.unreadable")
    if "\x00" in decoded:
        raise BadInput("sheet.unreadable")
    return list(enumerate(csv.reader(io.StringIO(decoded)), start=1))
