"""The consultation contacts per region (XJ-SIGNUP: 《各地州市评标专家报名咨询方式》(选聘公告
附件4)): anyone reads them, an applicant's own region first; administrators keep them."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model
from models.people import Role
from models.reference import ConsultContact

api = Api()
TAG = "报名咨询"
ADMIN = {Role.ADMIN}


class ContactOut(Model):
    id: int
    region: str = Field(description="地区代码")
    region_name: str = Field(description="地区（全称）")
    department: str = Field(description="咨询单位")
    phone: str = Field(description="咨询电话（办公电话）")
    address: str
    hours: str = Field(description="咨询时间")
    updated_at: datetime


class ContactsOut(Model):
    contacts: list[ContactOut]
    note: str = Field(description="说明")


class ContactsQuery(Model):
    region: str | None = Field(default=None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$",
                               description="申请人所在地区代码：本地区的咨询方式排在前面")


class ContactIn(Model):
    region: str = Field(pattern=r"^\d{2}(\d{2}(\d{2})?)?$",
                        description="地区代码（省、市州或区县）")
    department: str = Field(min_length=2, max_length=64, description="咨询单位")
    phone: str = Field(min_length=7, max_length=24, description="办公电话，如 0991-8837428")
    address: str = Field(default="", max_length=128)
    hours: str = Field(default="", max_length=64, description="咨询时间，如 工作日 10:00-18:00")


def contact_out(call: Call, item: ConsultContact) -> ContactOut:
    return ContactOut(id=item.id, region=item.region,
                      region_name=call.domain.reference.regions().full_name(item.region),
                      department=item.department,
                      phone=item.phone, address=item.address, hours=item.hours,
                      updated_at=item.updated_at)


def _out(call: Call, found: list[ConsultContact]) -> ContactsOut:
    return ContactsOut(contacts=[contact_out(call, c) for c in found],
                       note=call.services.texts.render("miniapp/contacts_note.j2",
                                                       count=len(found)).strip())


@api.route("GET", "/reference/consult-contacts", access=Access.PUBLIC, query=ContactsQuery,
           response=ContactsOut, tag=TAG,
           summary="报名咨询方式：各地州市的咨询单位和电话（填了地区则本地区的在前）")
async def consult_contacts(call: Call, query: ContactsQuery) -> ContactsOut:
    return _out(call, await call.domain.consult_contacts.for_region(query.region))


@api.route("GET", "/admin/consult-contacts", access=ADMIN, response=ContactsOut, tag=TAG,
           summary="报名咨询方式（管理员维护）")
async def contact_list(call: Call) -> ContactsOut:
    return _out(call, await call.domain.consult_contacts.every())


@api.route("POST", "/admin/consult-contacts", access=ADMIN, body=ContactIn,
           response=ContactOut, tag=TAG, summary="添加一个地区的报名咨询方式")
async def add_contact(call: Call, body: ContactIn) -> ContactOut:
    saved = await call.domain.consult_contacts.save(None, body.region, body.department,
                                                    body.phone, body.address, body.hours,
                                                    call.caller.need_person().id, call.now)
    return contact_out(call, saved)


@api.route("PUT", "/admin/consult-contacts/{contact_id}", access=ADMIN, body=ContactIn,
           response=ContactOut, tag=TAG, summary="修改报名咨询方式")
async def change_contact(call: Call, body: ContactIn) -> ContactOut:
    saved = await call.domain.consult_contacts.save(call.path_int("contact_id"), body.region,
                                                    body.department, body.phone, body.address,
                                                    body.hours, call.caller.need_person().id,
                                                    call.now)
    return contact_out(call, saved)


@api.route("DELETE", "/admin/consult-contacts/{contact_id}", access=ADMIN,
           response=ContactsOut, tag=TAG, summary="删除报名咨询方式")
async def remove_contact(call: Call) -> ContactsOut:
    await call.domain.consult_contacts.remove(call.path_int("contact_id"))
    return _out(call, await call.domain.consult_contacts.every())
