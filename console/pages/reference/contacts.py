"""The consultation contacts per region at the administrator's desk (XJ-SIGNUP:
《各地州市评标专家报名咨询方式》(选聘公告附件4)): listed, added, changed and removed; applicants
read them in chat (报名咨询) and the mini-program."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.reference import contacts

pages = PageTable()

BACK = "/console/consult-contacts"
FIELDS = ("region", "department", "phone", "address", "hours")


@pages.get("/consult-contacts", uses=contacts.contact_list)
async def contact_list(request: web.Request) -> web.Response:
    listed = await api(request).call(contacts.contact_list)
    return render(request, "consult_contacts.html", contacts=listed.contacts, note=listed.note)


@pages.post("/consult-contacts", uses=contacts.add_contact)
async def add(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    made = await calls.call(contacts.add_contact, calls.fields(
        contacts.ContactIn, {k: text(form, k) for k in FIELDS}))
    return redirect(request, BACK, done(request, "contact", department=made.department))


@pages.post("/consult-contacts/{contact_id}", uses=contacts.change_contact)
async def change(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    made = await calls.call(contacts.change_contact, calls.fields(
        contacts.ContactIn, {k: text(form, k) for k in FIELDS}), path=request.match_info)
    return redirect(request, BACK, done(request, "contact", department=made.department))


@pages.post("/consult-contacts/{contact_id}/delete", uses=contacts.remove_contact)
async def remove(request: web.Request) -> web.Response:
    await api(request, back=BACK).call(contacts.remove_contact, path=request.match_info)
    return redirect(request, BACK, done(request, "contact_removed"))
