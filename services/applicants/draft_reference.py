"""What a saved draft's reference data must be: a residence in the batch's province (a city
or a county of the region list), specialties of the application's catalogue (the current
one while it is a draft). The work unit is checked against the register of units at printing
(services/applicants/unit_requests.py): what an applicant types does not enter it."""

from __future__ import annotations

from datetime import datetime

from models.applications import Application
from services.common.errors import BadInput
from services.people import ApplicationDraft
from services.reference import Reference


async def apply_reference(app: Application, draft: ApplicationDraft, now: datetime) -> None:
    """Check the draft against the reference data and set what follows from it on `app`
    (its region, catalogue version, specialties and industry); BadInput saying what to fix."""
    if draft.region and (not Reference.regions().known(draft.region)
                         or not Reference.regions.within(draft.region, app.batch.province)):
        raise BadInput("application.region_outside_province",
                       province=Reference.regions().name(app.batch.province))
    if app.printed_at is None:  # a draft moves to the current catalogue
        app.catalogue_version = Reference.catalogue.current_version()
    cat = await Reference.catalogue.catalogue_for(app.catalogue_version)
    if draft.practice_specialty and cat.level_of_code(draft.practice_specialty) != 2:
        raise BadInput("application.practice_specialty", code=draft.practice_specialty)
    app.region = draft.region
    if not app.specialties_fixed:
        for code in draft.specialties:
            if cat.get(code) is None:
                raise BadInput("application.unknown_specialty", code=code)
        app.specialties = [{"code": c, "primary": c in draft.primary_specialties,
                            "admitted": None} for c in draft.specialties]
        primary = draft.primary_specialty or (draft.specialties[0] if draft.specialties
                                              else None)
        app.industry = cat.industry(primary) if primary else None
