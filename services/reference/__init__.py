"""Reference data: administrative divisions, the specialty catalogue, units, industries.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.reference import contacts, holidays
from services.reference.catalogue import (
    Catalogue,
    catalogue,
    catalogue_for,
    catalogue_of,
    current_version,
    shipped_once,
)
from services.reference.catalogue_import import (
    CatalogueReport,
    LoadedVersion,
    import_catalogue,
    loaded_versions,
    make_current,
)
from services.reference.regions import (
    REFRESH,
    Regions,
    city_of,
    elsewhere,
    import_regions,
    normalise,
    overlaps,
    parse_regions,
    regions,
    seed_regions,
    shipped_data,
    within,
    within_any,
)
from services.reference.snapshots import first_read, keep_fresh, load_reference
from services.reference.specialties import Selection, SpecialtyRule, enforce_specialty_rule
from services.reference.titles import Titles, TitleSeries, titles
from services.reference.units import code_for, listed, merge, remember, search, widen

__all__ = [
    "REFRESH",
    "Catalogue",
    "CatalogueReport",
    "LoadedVersion",
    "Regions",
    "Selection",
    "SpecialtyRule",
    "TitleSeries",
    "Titles",
    "catalogue",
    "catalogue_for",
    "catalogue_of",
    "city_of",
    "code_for",
    "contacts",
    "current_version",
    "elsewhere",
    "enforce_specialty_rule",
    "first_read",
    "holidays",
    "import_catalogue",
    "import_regions",
    "keep_fresh",
    "listed",
    "load_reference",
    "loaded_versions",
    "make_current",
    "merge",
    "normalise",
    "overlaps",
    "parse_regions",
    "regions",
    "remember",
    "search",
    "seed_regions",
    "shipped_data",
    "shipped_once",
    "titles",
    "widen",
    "within",
    "within_any",
]
