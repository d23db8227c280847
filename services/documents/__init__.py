"""Documents made from the data: the application form as a sheet, PDFs.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.documents.form_sheet import sheet
from services.documents.pdf import cjk_font, pledge_of, pledge_pdf, review_form_pdf

__all__ = [
    "cjk_font",
    "pledge_of",
    "pledge_pdf",
    "review_form_pdf",
    "sheet",
]
