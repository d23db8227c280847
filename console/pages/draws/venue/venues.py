"""The trading centre at its venues (console): which venues check identity at check-in,
and the staff desk — the staff enter the verification code the expert shows, hold the ID
card against the name and masked number it names, and check them in, and out when they
leave (the way that never needs a face, nor WeChat; services/draws/venue/identity.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.draws.venue import venues as venues_api

pages = PageTable()

VENUES, CHECKS = "/console/venues", "/console/venue-checks"


@pages.get("/venues", uses=venues_api.venues)
async def venue_list(request: web.Request) -> web.Response:
    listed = await api(request).call(venues_api.venues)
    return render(request, "venues.html", venues=listed.venues)


@pages.post("/venues", uses=venues_api.set_venue)
async def set_venue(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=VENUES)
    venue = await calls.call(venues_api.set_venue, calls.fields(venues_api.VenueIn, {
        "name": text(form, "name"), "region": text(form, "region"),
        "identity_check": text(form, "identity_check") == "1"}))
    return redirect(request, VENUES, done(request, "venue", name=venue.name,
                                          on=venue.identity_check))


@pages.get("/venue-checks", uses=venues_api.venue_day)
async def venue_checks(request: web.Request) -> web.Response:
    """The day's evaluations in the centre's region; with an evaluation and a code, whom
    the code names (to hold against the ID card) and where they stand."""
    calls = api(request, back=CHECKS)
    day = await calls.call(venues_api.venue_day, calls.fields(venues_api.DayQuery, {}))
    aid, code = request.query.get("activity_id", ""), request.query.get("code", "").strip()
    shown = None
    if aid.isdigit() and code:
        shown = await calls.call(venues_api.staff_check, calls.fields(
            venues_api.StaffCheckIn, {"verification_code": code}),
            path={"activity_id": aid})
    return render(request, "venue_checks.html", day=day, shown=shown, activity_id=aid,
                  code=code)


@pages.post("/venue-checks/{activity_id}", uses=venues_api.staff_check)
async def staff_check(request: web.Request) -> web.Response:
    form = await request.post()
    aid, code = request.match_info["activity_id"], text(form, "code")
    calls = api(request, back=f"{CHECKS}?{urlencode({'activity_id': aid, 'code': code})}")
    leaving = text(form, "checkout") == "1"
    checked = await calls.call(venues_api.staff_check, calls.fields(venues_api.StaffCheckIn, {
        "verification_code": code, "checkout": leaving,
        "id_card_matches": None if leaving else text(form, "matches") == "1"}),
        path={"activity_id": aid})
    return redirect(request, CHECKS, checked.message)
