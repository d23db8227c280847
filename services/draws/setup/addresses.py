"""The gathering address names no unit (GD-DRAW: "不能出现单位的具体名称"): not the
tenderer, not the agency, not a unit of the register (work units, avoidance units, agencies
and tenderers as people have typed them). Common words stay allowed — streets are called
大学城外环西路, 医院路, 局前街 — so the check is by the units' own names, not by words a
unit's name may contain."""

from __future__ import annotations

from models.draws import DrawActivity, Project
from models.orm.statements import rows
from models.people import Agency
from services.common.errors import BadInput

SHORTEST = 4  # a shorter registered name (e.g. 某中学) is too likely a street's part
# a unit of the register whose name (kept or merged) the address contains, if any
_REGISTERED = ("SELECT name FROM work_unit WHERE merged_into IS NULL AND length(name) >= ? "
               "AND ? LIKE ('%' || name || '%') ORDER BY length(name) DESC LIMIT 1")


async def unit_named_in(street: str, activity: DrawActivity) -> str | None:
    """The unit the address names, if it names one."""
    project = await Project.get_or_none(id=activity.project_id)
    agency = await Agency.get_or_none(id=activity.agency_id)
    for name in (project.tenderer_name if project else "", agency.name if agency else ""):
        if name and name in street:
            return name
    found = await rows(_REGISTERED, SHORTEST, street)
    return str(found[0]["name"]) if found else None


async def require_no_unit_name(street: str, activity: DrawActivity) -> None:
    if (name := await unit_named_in(street, activity)) is not None:
        raise BadInput("notice.unit_in_address", name=name)
