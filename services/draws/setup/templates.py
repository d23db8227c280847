"""The five files of GD-DRAW's 模板下载: the 专家抽取申请, 重新抽取专家申请, 通知原专家评标申请
and 退选专家申请 forms (Word documents, filled in, stamped, scanned and uploaded as the
request's attachment) and the 回避单位模板 (an Excel workbook filled in and imported). The
words are texts/documents/draw_templates/<kind>.j2 (the files' names
texts/words/draw_template.j2), so the centre can change a form without
code."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from services.common.errors import NotFound
from services.common.texts import Texts
from services.documents import DOCX, WordForm, WordRow

TEMPLATE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMS = ("draw", "redraw", "reeval", "withdrawal")  # the Word forms, in the seed's order
TEMPLATE_KINDS = (*FORMS, "avoidance")
PICK_ROWS = 1000  # rows of the avoidance sheets whose reason is picked from the list


@dataclass(frozen=True)
class TemplateFile:
    kind: str
    title: str  # 专家抽取申请模板
    filename: str  # 专家抽取申请模板.docx
    media_type: str
    data: bytes


@dataclass(frozen=True)
class AvoidanceTemplate:
    """The avoidance workbook: its sheets' titles and columns, the reasons a row may give,
    and its notes."""

    unit_sheet: str
    unit_columns: list[str]
    person_sheet: str
    person_columns: list[str]
    reasons: list[str]
    notes_title: str
    notes: list[str]


def avoidance_template(texts: Texts) -> AvoidanceTemplate:
    units, persons, reasons, notes_title, *notes = \
        texts.render("documents/draw_templates/avoidance.j2").splitlines()
    unit_sheet, *unit_columns = units.split("|")
    person_sheet, *person_columns = persons.split("|")
    return AvoidanceTemplate(unit_sheet, unit_columns, person_sheet, person_columns,
                             reasons.split("|"), notes_title, notes)


class Templates:
    """GD-DRAW's 模板下载: the Word forms and the avoidance sheet."""

    @staticmethod
    def template_title(texts: Texts, kind: str) -> str:
        """The file's name without its extension, as the download link names it
        (texts/words/draw_template.j2)."""
        if kind not in TEMPLATE_KINDS:
            raise NotFound("draw_template.not_found")
        return texts.word("draw_template", kind)

    @staticmethod
    async def template_file(texts: Texts, kind: str) -> TemplateFile:
        """One of the five files (made in a thread: zipping never stalls the loop)."""
        title = Templates.template_title(texts, kind)
        if kind == "avoidance":
            data = await asyncio.to_thread(avoidance_workbook, avoidance_template(texts))
            return TemplateFile(kind, title, f"{title}.xlsx", TEMPLATE_XLSX, data)
        data = await asyncio.to_thread(application_form(texts, kind).docx)
        return TemplateFile(kind, title, f"{title}.docx", DOCX, data)


def application_form(texts: Texts, kind: str) -> WordForm:
    title, *lines = texts.render(f"documents/draw_templates/{kind}.j2").splitlines()
    intro = [line[2:] for line in lines if line.startswith("> ")]
    notes = [line[2:] for line in lines if line.startswith("* ")]
    rows = []
    for line in lines:
        if line.startswith("|"):
            label, value, size = [*(p.strip() for p in line[1:].split("|")), "", ""][:3]
            rows.append(WordRow(label, value, int(size or 1)))
    return WordForm(title, intro, rows, notes)


def avoidance_workbook(template: AvoidanceTemplate) -> bytes:
    """The two sheets with their headers, the reason column a fixed drop-down, the code
    column formatted as text, and the notes on a sheet of their own."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    first = book.active
    assert first is not None
    reasons = '"' + ",".join(template.reasons) + '"'
    for index, (name, columns) in enumerate(((template.unit_sheet, template.unit_columns),
                                             (template.person_sheet,
                                              template.person_columns))):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = name
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABC", (40, 24, 24), strict=True):
            sheet.column_dimensions[letter].width = width
        # the code column is text: an 18-digit ID number typed in stays whole (no 1.1E+17)
        sheet.column_dimensions["B"].number_format = "@"
        pick = DataValidation(type="list", formula1=reasons, allow_blank=True,
                              showErrorMessage=True)
        pick.add(f"C2:C{PICK_ROWS + 1}")
        sheet.add_data_validation(pick)
        sheet.freeze_panes = "A2"
    notes = book.create_sheet(template.notes_title)
    for line in template.notes:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
