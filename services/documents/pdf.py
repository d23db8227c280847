"""PDFs the service hands out to be printed and signed: the integrity pledge (诚信承诺书,
XJ-SIGNUP: 下载打印诚信承诺书模板，经本人签字后，扫描为 pdf 文件格式并上传) and the
application form (申请和资格审查表, services/documents/form_sheet.py), filled with the
applicant's own data. Chinese is set in the standard CJK CID font every PDF reader supplies
(nothing to embed or ship), as the certificate is."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.common.texts import Texts
from services.documents.form_sheet import Sheet

FONT = "STSong-Light"


@dataclass(frozen=True)
class Pledge:
    """The integrity pledge of one application, in its words (texts/documents/pledge.j2 and
    texts/words/document.j2)."""

    title: str
    fields: tuple[tuple[str, str], ...]  # label, value
    paragraphs: tuple[str, ...]
    signature: str
    date: str


def _cells(rows: Sequence[tuple[str, ...]], style: Any, width: int) -> list[list[Any]]:
    from reportlab.platypus import Paragraph

    return [[Paragraph(cell.replace("&", "&amp;").replace("<", "&lt;"), style)
             for cell in row] + [""] * (width - len(row)) for row in rows]


def _built(flow: list[Any], title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=title, leftMargin=72, rightMargin=72,
                      topMargin=60, bottomMargin=60).build(flow)
    return buf.getvalue()


class Pdfs:
    """The PDFs documents are made as, in the CJK font every reader supplies (the part `pdf`
    of Documents)."""

    @staticmethod
    def cjk_font() -> str:
        """The CJK font's name, registered with reportlab on first use."""
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        return FONT

    @staticmethod
    def pledge_of(texts: Texts, name: str, id_masked: str, batch: str, work_unit: str,
                  day: str) -> Pledge:
        """The pledge's words (承诺书): the applicant, the batch, the unit and the day."""
        def w(key: str) -> str:
            return texts.word("document", key)

        return Pledge(w("pledge_title"), ((w("pledge_batch"), batch), (w("pledge_name"), name),
                                          (w("id_number"), id_masked), (w("work_unit"), work_unit)),
                      tuple(texts.render("documents/pledge.j2").splitlines()),
                      w("pledge_signature"), f"{w('sign_date')}：{day}")

    @staticmethod
    def pledge_pdf(pledge: Pledge) -> bytes:
        """The pledge for one application, on one A4 page, with lines to sign and date."""
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        font = Pdfs.cjk_font()
        buf = io.BytesIO()
        width, height = A4
        pdf = canvas.Canvas(buf, pagesize=A4)
        pdf.setTitle(pledge.title)
        pdf.setFont(font, 22)
        pdf.drawCentredString(width / 2, height - 90, pledge.title)
        pdf.setFont(font, 12)
        y = height - 140
        for label, value in pledge.fields:
            pdf.drawString(72, y, f"{label}：{value}")
            y -= 22
        y -= 14
        for paragraph in pledge.paragraphs:
            for line in textwrap.wrap(paragraph, 36):
                pdf.drawString(72, y, line)
                y -= 20
            y -= 6
        pdf.drawString(width - 260, 150, pledge.signature)
        pdf.line(width - 160, 148, width - 72, 148)
        pdf.drawString(width - 260, 110, pledge.date)
        pdf.showPage()
        pdf.save()
        return buf.getvalue()

    @staticmethod
    def review_form_pdf(sheet: Sheet) -> bytes:
        """The application form on A4 pages, sections as tables, lines to sign and stamp (none
        for a sheet without `sign`, such as the 个人信息表)."""
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        font = Pdfs.cjk_font()
        body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
        head = ParagraphStyle("head", parent=body, fontSize=12, leading=18, spaceBefore=8)
        title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1)
        grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
        flow: list[Any] = [Paragraph(sheet.title, title), Paragraph(sheet.heading, body),
                           Spacer(1, 8)]
        usable = A4[0] - 144
        for section in sheet.sections:
            flow.append(Paragraph(section.title, head))
            if section.header:
                rows = _cells([section.header, *section.rows], body, len(section.header))
                table = Table(rows, colWidths=[usable / len(section.header)] * len(section.header),
                              repeatRows=1)
            else:
                pairs = [tuple(x for pair in section.rows[i:i + 2] for x in pair)
                         for i in range(0, len(section.rows), 2)]
                table = Table(_cells(pairs, body, 4), colWidths=[usable * w for w in
                                                                 (0.18, 0.32, 0.18, 0.32)])
                table.setStyle(TableStyle(  # labels shaded; a last lone pair spans the row
                    [("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]
                    + [("BACKGROUND", (2, n), (2, n), colors.whitesmoke) if len(row) == 4
                       else ("SPAN", (1, n), (3, n)) for n, row in enumerate(pairs)]))
            table.setStyle(grid)
            flow.append(table)
        if not sheet.sign:  # a sheet to keep (the 个人信息表), not one to sign
            return _built(flow, sheet.title)
        flow += [Spacer(1, 12), Paragraph(sheet.promise, body), Spacer(1, 8)]
        signing = Table([[x for label in sheet.sign for x in (label, "")]], rowHeights=[48],
                        colWidths=[usable * w for w in (0.12, 0.22, 0.12, 0.22, 0.08, 0.24)])
        signing.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                     ("FONTNAME", (0, 0), (-1, -1), font)]))
        flow.append(signing)
        return _built(flow, sheet.title)
