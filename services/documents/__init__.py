"""Documents made from the data: the application form as a sheet, PDFs, Word forms.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.documents.docx import DOCX, WordForm, WordRow
from services.documents.service import Documents

__all__ = [
    "DOCX",
    "Documents",
    "WordForm",
    "WordRow",
]
