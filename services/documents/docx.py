"""A Word document (.docx) written without a library: a title, paragraphs and a two-column
form table (a label and the space to fill in), which is all a printed application form
needs. WordprocessingML is a zip of a few XML parts (ECMA-376 Part 1); the text is escaped,
and CJK text is set in SimSun (宋体), as Chinese forms are printed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="word/document.xml"/></Relationships>')
_BORDER = "".join(f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_A4 = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1304" '
       'w:bottom="1440" w:left="1304" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
LABEL_WIDTH, VALUE_WIDTH = 2600, 6698  # twentieths of a point: the A4 text width split


@dataclass(frozen=True)
class WordRow:
    """One line of the form: a label, what is printed in the space (a hint such as
    "□是 □否", or nothing), and how many lines of space it leaves."""

    label: str
    value: str = ""
    lines: int = 1


@dataclass(frozen=True)
class WordForm:
    """A form in Word (GD-DRAW's templates): its title, the paragraphs above its table and
    the table's rows; `docx()` its file."""

    title: str
    intro: Sequence[str]  # paragraphs above the table
    rows: Sequence[WordRow]
    notes: Sequence[str]  # paragraphs below it

    def docx(self) -> bytes:
        """The form as a .docx file's bytes."""
        return write_docx(self)


def _run(text: str, bold: bool = False, size: int = 24) -> str:
    props = ('<w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="宋体"/>'
             + ("<w:b/>" if bold else "") + f'<w:sz w:val="{size}"/>')
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _paragraph(text: str, *, bold: bool = False, size: int = 24, center: bool = False,
               after: int = 120) -> str:
    align = '<w:jc w:val="center"/>' if center else ""
    return (f'<w:p><w:pPr><w:spacing w:after="{after}"/>{align}</w:pPr>'
            f'{_run(text, bold, size) if text else ""}</w:p>')


def _cell(width: int, body: str, shade: bool = False) -> str:
    fill = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>' if shade else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}'
            f'<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>')


def _row(row: WordRow) -> str:
    height = 480 * max(row.lines, 1)  # a line of 12-point text with room to write
    label = _cell(LABEL_WIDTH, _paragraph(row.label, bold=True, after=0), shade=True)
    value = _cell(VALUE_WIDTH, _paragraph(row.value, after=0))
    return (f'<w:tr><w:trPr><w:trHeight w:val="{height}" w:hRule="atLeast"/></w:trPr>'
            f'{label}{value}</w:tr>')


def _table(rows: Sequence[WordRow]) -> str:
    grid = f'<w:tblGrid><w:gridCol w:w="{LABEL_WIDTH}"/><w:gridCol w:w="{VALUE_WIDTH}"/>' \
           '</w:tblGrid>'
    props = (f'<w:tblPr><w:tblW w:w="{LABEL_WIDTH + VALUE_WIDTH}" w:type="dxa"/>'
             f'<w:tblBorders>{_BORDER}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>')
    return f'<w:tbl>{props}{grid}{"".join(_row(r) for r in rows)}</w:tbl>'


def document_xml(form: WordForm) -> str:
    body = [_paragraph(form.title, bold=True, size=36, center=True, after=240)]
    body += [_paragraph(p) for p in form.intro]
    body.append(_table(form.rows))
    body.append(_paragraph("", after=120))
    body += [_paragraph(p, size=21) for p in form.notes]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:document xmlns:w="{_W}" xmlns:r="{_REL}"><w:body>{"".join(body)}{_A4}'
            '</w:body></w:document>')


def write_docx(form: WordForm) -> bytes:
    """The form as a .docx file's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document_xml(form))
    return out.getvalue()
