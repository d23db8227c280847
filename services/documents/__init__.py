"""Documents made from the data: the application form as a sheet, PDFs, Word forms.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.documents.docx import DOCX, WordForm, WordRow, write_docx
from services.documents.form_sheet import sheet
from services.documents.info_sheet import info_sheet
from services.documents.pdf import cjk_font, pledge_of, pledge_pdf, review_form_pdf
from services.documents.raster import cjk_image_font

__all__ = [
    "DOCX",
    "WordForm",
    "WordRow",
    "cjk_font",
    "cjk_image_font",
    "info_sheet",
    "pledge_of",
    "pledge_pdf",
    "review_form_pdf",
    "sheet",
    "write_docx",
]
