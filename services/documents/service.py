"""The documents the edges ask for, and the CJK fonts they are drawn in."""

from __future__ import annotations

from services.documents.form_sheet import sheet
from services.documents.info_sheet import info_sheet
from services.documents.pdf import cjk_font, pledge_of, pledge_pdf, review_form_pdf
from services.documents.raster import cjk_image_font


class Documents:
    """The application form as a sheet and as the review form's PDF, the pledge, the
    expert's personal information sheet."""

    sheet = staticmethod(sheet)
    info_sheet = staticmethod(info_sheet)
    pledge_of = staticmethod(pledge_of)
    pledge_pdf = staticmethod(pledge_pdf)
    review_form_pdf = staticmethod(review_form_pdf)


class Fonts:
    """The CJK fonts documents are drawn in: reportlab's for a PDF, Pillow's for an image
    (the machine's; none is shipped)."""

    pdf = staticmethod(cjk_font)
    image = staticmethod(cjk_image_font)
