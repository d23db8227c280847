"""Reference data as the other contexts and the edges use it: one façade of parts, each named
as its module. The snapshots are read without a query (kept fresh in the background): called,
`regions`, `catalogue` and `titles` answer the one this process holds. The others load,
import and search what is stored (catalogue versions, divisions, units) and hold the rules a
batch sets. Each part is stateless and a default instance, so `Reference.units.search(...)`
reaches the same as `domain.reference.units.search(...)`. The consultation contacts and the
holiday calendar are services of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.reference.catalogue import Catalogues, catalogue
from services.reference.catalogue_import import CatalogueImports
from services.reference.regions import RegionList, regions
from services.reference.rule_limits import RuleLimits
from services.reference.snapshots import Snapshots
from services.reference.specialties import Specialties
from services.reference.titles import TitleList
from services.reference.units import Units


@dataclass(frozen=True, kw_only=True)
class Reference:
    """Divisions, the specialty catalogue, titles and units."""

    regions: RegionList = field(default=regions)
    catalogue: Catalogues = field(default=catalogue)
    titles: TitleList = field(default=TitleList())
    units: Units = field(default=Units())
    specialties: Specialties = field(default=Specialties())
    rule_limits: RuleLimits = field(default=RuleLimits())  # the numbers a form is held to
    snapshots: Snapshots = field(default=Snapshots())  # loading them, keeping them fresh
    catalogue_import: CatalogueImports = field(default=CatalogueImports())
