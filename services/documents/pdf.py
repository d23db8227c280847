"""PDFs the service hands out to be printed and signed: the integrity pledge (诚信承诺书,
seed 001: 下载打印诚信承诺书模板，经本人签字后，扫描为 pdf 文件格式并上传) and the
application form (申请和资格审查表, services/documents/form_sheet.py), filled with the
applicant's own data. Chinese is set in the standard CJK CID font every PDF reader supplies
(nothing to embed or ship), as the certificate is."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

from services.documents.form_sheet import PROMISE, SIGN, TITLE, Sheet

FONT = "STSong-Light"
PLEDGE = (
    "本人自愿申请成为评标专家，郑重承诺：",
    "一、申报表及所附材料中填报的个人信息、学历、职称、执业资格、工作经历和评标实践经验均真实、"
    "准确、完整，不存在隐瞒、虚构或伪造的情况；",
    "二、入库后遵守评标工作纪律，客观、公正、独立地履行评标职责，不私下接触投标人，不收受他人"
    "财物或其他好处，不透露评标情况；",
    "三、与投标人有利害关系的，主动申请回避；按时参加评标，因故不能参加时及时请假；",
    "四、个人信息发生变化时及时申请变更。",
    "如有违反，本人自愿承担相应责任，接受取消评标专家资格等处理。",
)


def cjk_font() -> str:
    """The CJK font's name, registered with reportlab on first use."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def pledge_pdf(name: str, id_masked: str, batch: str, work_unit: str, day: str) -> bytes:
    """The pledge for one application, on one A4 page, with lines to sign and date."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font()
    buf = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle("评标专家诚信承诺书")
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 90, "评标专家诚信承诺书")
    pdf.setFont(font, 12)
    y = height - 140
    for label, value in (("申报批次", batch), ("姓　　名", name), ("身份证号", id_masked),
                         ("工作单位", work_unit or "")):
        pdf.drawString(72, y, f"{label}：{value}")
        y -= 22
    y -= 14
    for paragraph in PLEDGE:
        for line in textwrap.wrap(paragraph, 36):
            pdf.drawString(72, y, line)
            y -= 20
        y -= 6
    pdf.drawString(width - 260, 150, "承诺人（签字）：")
    pdf.line(width - 160, 148, width - 72, 148)
    pdf.drawString(width - 260, 110, f"日期：{day}")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _cells(rows: Sequence[tuple[str, ...]], style: Any, width: int) -> list[list[Any]]:
    from reportlab.platypus import Paragraph

    return [[Paragraph(cell.replace("&", "&amp;").replace("<", "&lt;"), style)
             for cell in row] + [""] * (width - len(row)) for row in rows]


def review_form_pdf(sheet: Sheet) -> bytes:
    """The application form on A4 pages, sections as tables, lines to sign and stamp."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=18, spaceBefore=8)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1)
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    flow: list[Any] = [Paragraph(TITLE, title), Paragraph(
        f"{sheet.batch} · 申请编号 {sheet.app_id} · 打印时间 {sheet.printed}", body),
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
    flow += [Spacer(1, 12), Paragraph(PROMISE, body), Spacer(1, 8)]
    signing = Table([[x for label in SIGN for x in (label, "")]], rowHeights=[48],
                    colWidths=[usable * w for w in (0.12, 0.22, 0.12, 0.22, 0.08, 0.24)])
    signing.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                 ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                 ("FONTNAME", (0, 0), (-1, -1), font)]))
    flow.append(signing)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title=TITLE, leftMargin=72, rightMargin=72,
                      topMargin=60, bottomMargin=60).build(flow)
    return buf.getvalue()
