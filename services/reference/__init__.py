"""Reference data: administrative divisions, the specialty catalogue, units, industries,
titles, the consultation contacts and the holiday calendar.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.reference.catalogue import Catalogue
from services.reference.catalogue_import import CatalogueReport, LoadedVersion
from services.reference.contacts import ConsultContacts
from services.reference.holiday_reminder import HolidayReminder
from services.reference.holidays import Holidays, Span, Year
from services.reference.national_calendar import CalendarEntry, Source
from services.reference.regions import NOT_A_CITY, REFRESH, Regions
from services.reference.rule_limits import FormLimits
from services.reference.service import Reference
from services.reference.specialties import Selection, SpecialtyRule
from services.reference.titles import Titles, TitleSeries

__all__ = [
    "NOT_A_CITY",
    "REFRESH",
    "CalendarEntry",
    "Catalogue",
    "CatalogueReport",
    "ConsultContacts",
    "FormLimits",
    "HolidayReminder",
    "Holidays",
    "LoadedVersion",
    "Reference",
    "Regions",
    "Selection",
    "Source",
    "Span",
    "SpecialtyRule",
    "TitleSeries",
    "Titles",
    "Year",
]
