"""The system administrator's fee standard page (劳务费标准): every version published, the
one in force today marked, and the form to publish a new version from a date on."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import text
from miniapp_api.routes.fees import standards as fee_standards

pages = PageTable()

BACK = "/console/fee-standards"
AMOUNTS = ("base_yuan", "hour_yuan", "daily_cap_yuan", "cancel_yuan", "travel_yuan",
           "meal_yuan", "late_yuan", "next_day_yuan")


@pages.get("/fee-standards", uses=fee_standards.versions)
async def versions(request: web.Request) -> web.Response:
    listed = await api(request).call(fee_standards.versions)
    # a published provincial standard taken as it stands: the form filled with it (the date
    # is the administrator's to choose)
    preset = next((p for p in listed.presets if p.key == request.query.get("preset")), None)
    return render(request, "fee_standards.html", versions=listed.versions,
                  current_id=listed.current_id, today=listed.today, presets=listed.presets,
                  preset=preset, given=preset.values if preset else {})


@pages.post("/fee-standards", uses=fee_standards.publish)
async def publish(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    body = {**{k: text(form, k) for k in ("name", "effective_from", "notes")},
            **{k: text(form, k) or "0" for k in AMOUNTS},
            "base_hours": text(form, "base_hours") or "3",
            "part_hour_counts": form.get("part_hour_counts") == "1",
            "secondary_rule": text(form, "secondary_rule") or "higher",
            "profile": text(form, "profile") or "hourly",
            "late_after_hours": text(form, "late_after_hours") or "0"}
    made = await calls.call(fee_standards.publish, calls.fields(fee_standards.FeeStandardIn,
                                                                body))
    day = f"{made.effective_from.year}年{made.effective_from.month}月{made.effective_from.day}日"
    return redirect(request, BACK, done(request, "fee_standard", day=day))
