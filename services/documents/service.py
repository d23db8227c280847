"""The documents the edges ask for, as one façade of parts named as their modules: the
application form as a sheet (form_sheet), the expert's personal information sheet
(info_sheet), the PDFs and the CJK font they are drawn in (pdf), and the font images are
drawn in (raster). Each part is stateless and a default instance: the class reaches them as
the domain's does."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.documents.form_sheet import FormSheets
from services.documents.info_sheet import InfoSheets
from services.documents.pdf import Pdfs
from services.documents.raster import Rasters


@dataclass(frozen=True, kw_only=True)
class Documents:
    """The application form as a sheet and as the review form's PDF, the pledge, the
    expert's personal information sheet, and the CJK fonts they are drawn in."""

    form_sheet: FormSheets = field(default=FormSheets())
    info_sheet: InfoSheets = field(default=InfoSheets())
    pdf: Pdfs = field(default=Pdfs())
    raster: Rasters = field(default=Rasters())
