"""Continuing education over the year: the administrator opens the year's course for a
window, the demo expert enrols and studies it through (the page's heartbeats on the year's
clock), and once the window has closed nobody enrols."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from models.learning.education import Course, Enrollment
from tests.support.education import lessons, study
from tests.support.year.world import Year

WINDOW_DAYS = 30


async def opens(year: Year, state: dict[str, Any]) -> None:
    admin = await year.api.login(year.demo["admin"].mp_openid)
    now = year.now()
    made = await year.api.call("POST", "/admin/courses", admin, {
        "title": f"{now.year}年度评标专家继续教育", "year": now.year, "hours": 2,
        "study_from": now.isoformat(),
        "study_until": (now + timedelta(days=WINDOW_DAYS)).isoformat()})
    if made.status != 200:
        year.broke(f"{year.today()} course: {made.message or made.data}")
        return
    state["course"] = made.data["id"]
    await lessons(await Course.get(id=state["course"]), 20, 10)
    year.ran("courses opened")


async def studied(year: Year, state: dict[str, Any]) -> None:
    """The demo expert enrols and studies every lesson through."""
    if "course" not in state:
        return
    token = await year.api.login(year.demo["expert"].mp_openid)
    enrolled = await year.api.call("POST", f"/education/courses/{state['course']}/enroll",
                                   token)
    if enrolled.status != 200:
        year.broke(f"{year.today()} enrolment: {enrolled.message or enrolled.data}")
        return
    ended = await study(year.client, enrolled.data["id"], year.now())
    year.at(ended)
    item = await Enrollment.get(id=enrolled.data["id"])
    if item.progress != 100:
        year.broke(f"{year.today()} course studied through at {item.progress}%")
    else:
        year.ran("courses studied")


async def closed(year: Year, state: dict[str, Any]) -> None:
    """After its window nobody enrols."""
    if "course" not in state:
        return
    token = await year.api.login(year.demo["applicant"].mp_openid)
    late = await year.api.call("POST", f"/education/courses/{state['course']}/enroll", token)
    if late.status == 200:
        year.broke(f"{year.today()} an enrolment after the course's window closed")
    else:
        year.ran("late enrolments refused")
        year.month.notes.append(f"late enrolment: {late.message}")
