"""The consultation contacts per region (XJ-SIGNUP: 申报人员可根据《各地州市评标专家报名咨询
方式》(选聘公告附件4)进行咨询, in both its 网上报名 and 资格审核 steps), kept by administrators
and read by applicants: those of their own region first (the county's, the city's, the
province's), or every region's."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from models.reference import ConsultContact
from services.common.errors import BadInput, NotFound
from services.reference.regions import RegionList, regions

# an office line: 区号-号码 with an extension, or a 400/800 service number (ours: a personal
# mobile is not published here)
OFFICE_LINE = re.compile(r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|[48]00-?\d{3}-?\d{4})$")
MAX_CONTACTS = 300


def _check(region: str, department: str, phone: str) -> tuple[str, str, str]:
    region, department = region.strip(), " ".join(department.split())
    phone = phone.strip().replace(" ", "").replace("—", "-").replace("－", "-")
    if not regions().known(region):
        raise BadInput("contact.region", region=region)
    if len(department) < 2:
        raise BadInput("contact.department")
    if not OFFICE_LINE.match(phone):
        raise BadInput("contact.phone")
    return region, department, phone


class ConsultContacts:
    """Whom an applicant asks, by region (咨询电话)."""

    @staticmethod
    async def every() -> list[ConsultContact]:
        """Every contact, by region code (a province before its cities)."""
        return list(await ConsultContact.all().order_by("region", "id"))

    @staticmethod
    async def for_region(region: str | None) -> list[ConsultContact]:
        """The contacts covering `region`, the most local first (a county's, its city's, its
        province's); without a region, or none covering it, every contact."""
        found = await ConsultContacts.every()
        if not region:
            return found
        mine = [c for c in found if RegionList.within(region, c.region)]
        return sorted(mine, key=lambda c: -len(c.region)) or found

    @staticmethod
    async def save(contact_id: int | None, region: str, department: str, phone: str,
                   address: str, hours: str, by: int | None, now: datetime) -> ConsultContact:
        """A new contact, or one changed (an administrator's)."""
        region, department, phone = _check(region, department, phone)
        values: dict[str, Any] = {
            "region": region, "department": department[:64], "phone": phone[:24],
            "address": " ".join(address.split())[:128], "hours": " ".join(hours.split())[:64],
            "updated_by": by, "updated_at": now}
        if contact_id is None:
            if await ConsultContact.all().count() >= MAX_CONTACTS:
                raise BadInput("contact.too_many", limit=MAX_CONTACTS)
            return await ConsultContact.create(**values)
        item = await ConsultContact.get_or_none(id=contact_id)
        if item is None:
            raise NotFound("contact.not_found")
        await ConsultContact.filter(id=contact_id).update(**values)
        await item.refresh_from_db()
        return item

    @staticmethod
    async def remove(contact_id: int) -> None:
        """A contact removed (an administrator's)."""
        if not await ConsultContact.filter(id=contact_id).delete():
            raise NotFound("contact.not_found")
