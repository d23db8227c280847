"""Reference data as the other contexts and the edges use it: one service whose methods
read the in-memory snapshots (divisions, the specialty catalogue, titles: read without a
query, kept fresh in the background) and load, import and search what is stored (catalogue
versions, divisions, units); the consultation contacts and the holiday calendar are
services of their own."""

from __future__ import annotations

import services.reference.contacts as contacts
import services.reference.holidays as holidays
from services.reference.catalogue import (
    catalogue,
    catalogue_for,
    catalogue_of,
    current_version,
    shipped_once,
)
from services.reference.catalogue_import import import_catalogue, loaded_versions, make_current
from services.reference.regions import (
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
from services.reference.rule_limits import batch_qualifications, form_limits
from services.reference.snapshots import first_read, keep_fresh, load_reference
from services.reference.specialties import enforce_specialty_rule, require_specialty_count
from services.reference.titles import titles
from services.reference.units import code_for, listed, merge, remember, search, widen


class Reference:
    """Divisions, the specialty catalogue, titles and units."""

    # the snapshots (no query)
    regions = staticmethod(regions)
    catalogue = staticmethod(catalogue)
    catalogue_for = staticmethod(catalogue_for)
    catalogue_of = staticmethod(catalogue_of)
    current_version = staticmethod(current_version)
    titles = staticmethod(titles)
    city_of = staticmethod(city_of)
    elsewhere = staticmethod(elsewhere)
    normalise = staticmethod(normalise)
    overlaps = staticmethod(overlaps)
    within = staticmethod(within)
    within_any = staticmethod(within_any)
    enforce_specialty_rule = staticmethod(enforce_specialty_rule)
    require_specialty_count = staticmethod(require_specialty_count)
    # the numbers a rule set holds an application form to
    form_limits = staticmethod(form_limits)
    batch_qualifications = staticmethod(batch_qualifications)
    # loading them, and keeping them fresh
    first_read = staticmethod(first_read)
    keep_fresh = staticmethod(keep_fresh)
    load_reference = staticmethod(load_reference)
    # the stored versions and their imports
    shipped_once = staticmethod(shipped_once)
    import_catalogue = staticmethod(import_catalogue)
    loaded_versions = staticmethod(loaded_versions)
    make_current = staticmethod(make_current)
    import_regions = staticmethod(import_regions)
    parse_regions = staticmethod(parse_regions)
    seed_regions = staticmethod(seed_regions)
    shipped_data = staticmethod(shipped_data)
    # units (the register of work units)
    code_for = staticmethod(code_for)
    listed = staticmethod(listed)
    merge = staticmethod(merge)
    remember = staticmethod(remember)
    search = staticmethod(search)
    widen = staticmethod(widen)


class ConsultContacts:
    """Whom an applicant asks, by region (咨询电话)."""

    every = staticmethod(contacts.every)
    for_region = staticmethod(contacts.for_region)
    save = staticmethod(contacts.save)
    remove = staticmethod(contacts.remove)


class Holidays:
    """The working-day calendar (法定节假日 and 调休), which deadlines count by."""

    is_working = staticmethod(holidays.is_working)
    exceptions = staticmethod(holidays.exceptions)
    year = staticmethod(holidays.year)
    years = staticmethod(holidays.years)
    set_day = staticmethod(holidays.set_day)
    remove_day = staticmethod(holidays.remove_day)
    import_csv = staticmethod(holidays.import_csv)
