"""The fake evaluation system over HTTP: where the library pushes (`POST
/committees/{activity_id}`, and `POST /reviews/{activity_id}`, a request that the committee
re-check its scores), who it is (`GET /identity`: code, name, public key — what the
administrator registers), and what a test, the simulator or a tester drives it with: `POST
/control` sets its faults ({"down": bool, "slow": seconds, "forget": bool}), `POST
/drive/read` ({"activity_id"} reads that committee, or {"date"} the day's activities),
`/drive/scores` ({"activity_id"}) posts the table, `/drive/event` ({"activity_id", "code",
"kind", "note"}) reports an event, `/drive/correction` ({"activity_id", "case", "reason"})
sends the committee's correction of the table, `/drive/signed` ({"activity_id"}) says the
report is signed, and `GET /state?activity_id=` shows what its database
holds of an activity. A drive answers the library's signed answer (200), the library's
refusal (409, its code and words) or that the library could not be reached (502)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.evaluation.system import EvaluationSystemFake
from services.federation import NotTrusted, PeerRefused, PeerUnavailable

SYSTEM = web.AppKey("evaluation_system", EvaluationSystemFake)
MAX_BODY = 2 * 1024 * 1024


def _fake(request: web.Request) -> EvaluationSystemFake:
    return request.app[SYSTEM]


async def committees(request: web.Request) -> web.Response:
    """The library's push of a changed committee."""
    raw = request.match_info["activity_id"]
    if not raw.isdigit() or len(raw) > 18:
        return web.json_response({"error": "bad_activity"}, status=404)
    body = await request.content.read(MAX_BODY + 1)
    # the path as the library signed it: relative to the system's address, wherever the
    # system is mounted (the sandbox serves it under /sandbox/evaluation)
    path = f"/committees/{raw}" + (f"?{request.query_string}" if request.query_string else "")
    answer = await _fake(request).hear(request.headers, path, int(raw), body[:MAX_BODY])
    return web.Response(body=answer.body, status=answer.status, headers=answer.headers,
                        content_type="application/json")


async def reviews(request: web.Request) -> web.Response:
    """The library's request that the committee re-check its scores (GPL-87-64)."""
    raw = request.match_info["activity_id"]
    if not raw.isdigit() or len(raw) > 18:
        return web.json_response({"error": "bad_activity"}, status=404)
    body = await request.content.read(MAX_BODY + 1)
    answer = await _fake(request).hear_review(request.headers, f"/reviews/{raw}", int(raw),
                                              body[:MAX_BODY])
    return web.Response(body=answer.body, status=answer.status, headers=answer.headers,
                        content_type="application/json")


async def identity(request: web.Request) -> web.Response:
    """Its code, name and public key, as the library's administrator registers them."""
    me = _fake(request).identity
    return web.json_response({"code": me.code, "name": me.name,
                              "public_key": me.public_key()})


async def control(request: web.Request) -> web.Response:
    """Set the faults (each absent one cleared)."""
    faults = _fake(request).faults
    wanted = await request.json()
    faults.down = bool(wanted.get("down", False))
    faults.slow = float(wanted.get("slow", 0))
    faults.forget = bool(wanted.get("forget", False))
    return web.json_response(faults.shown())


async def attempt(action: Callable[[], Awaitable[dict[str, Any]]]
                  ) -> tuple[int, dict[str, Any]]:
    """What the system did and the library's answer (200), the library's refusal (409: its
    code and words) or why there is no answer (502)."""
    try:
        return 200, await action()
    except PeerRefused as exc:
        return 409, {"error": exc.reason, "message": exc.message}
    except PeerUnavailable as exc:
        return 502, {"error": "unavailable", "message": f"连不上评标专家库（{exc}）"}
    except NotTrusted as exc:
        return 502, {"error": exc.reason, "message": "评标系统还不知道评标专家库的地址和公钥"}


async def driven(action: Callable[[], Awaitable[dict[str, Any]]]) -> web.Response:
    status, data = await attempt(action)
    return web.json_response(data, status=status)


async def _wanted(request: web.Request) -> tuple[dict[str, Any], int]:
    wanted = await request.json() if request.can_read_body else {}
    try:
        return wanted, int(wanted.get("activity_id") or 0)
    except (TypeError, ValueError):
        raise web.HTTPBadRequest(text="activity_id") from None


async def drive_read(request: web.Request) -> web.Response:
    """Read an activity's committee, or a day's activities."""
    fake = _fake(request)
    wanted, activity_id = await _wanted(request)
    if activity_id:
        return await driven(lambda: fake.read_committee(activity_id))
    return await driven(lambda: fake.read_day(str(wanted.get("date", ""))[:10]))


async def drive_scores(request: web.Request) -> web.Response:
    """Post the activity's score table (the one sent before, if any)."""
    fake = _fake(request)
    _, activity_id = await _wanted(request)
    return await driven(lambda: fake.post_scores(activity_id))


async def drive_event(request: web.Request) -> web.Response:
    """Report an event about a member of the activity's committee."""
    fake = _fake(request)
    wanted, activity_id = await _wanted(request)
    return await driven(lambda: fake.post_event(
        activity_id, str(wanted.get("code", "")), str(wanted.get("kind", "late")),
        str(wanted.get("note", "迟到20分钟"))))


async def drive_correction(request: web.Request) -> web.Response:
    """Send the committee's correction of the table posted (the deviating score set right)."""
    fake = _fake(request)
    wanted, activity_id = await _wanted(request)
    return await driven(lambda: fake.correct(activity_id, str(wanted.get("case", "extreme")),
                                             str(wanted.get("reason", "")) or
                                             "经评标委员会复核认定评分畸高，当场修改并在评标报告中记载"))


async def drive_signed(request: web.Request) -> web.Response:
    """Tell the library the evaluation report is signed."""
    fake = _fake(request)
    _, activity_id = await _wanted(request)
    return await driven(lambda: fake.sign(activity_id))


async def state(request: web.Request) -> web.Response:
    """What its database holds of an activity, and its faults."""
    raw = request.query.get("activity_id", "")
    if not raw.isdigit():
        raise web.HTTPBadRequest(text="activity_id")
    fake = _fake(request)
    return web.json_response({**await fake.store.state(int(raw)),
                              "faults": fake.faults.shown()})


def evaluation_system_app(fake: EvaluationSystemFake) -> web.Application:
    """The system's routes; its HTTP session and database closed with the application."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SYSTEM] = fake

    async def close(app: web.Application) -> None:
        await fake.close()

    app.on_cleanup.append(close)
    r = app.router
    r.add_post("/committees/{activity_id}", committees)
    r.add_post("/reviews/{activity_id}", reviews)
    r.add_get("/identity", identity)
    r.add_post("/control", control)
    r.add_post("/drive/read", drive_read)
    r.add_post("/drive/scores", drive_scores)
    r.add_post("/drive/event", drive_event)
    r.add_post("/drive/correction", drive_correction)
    r.add_post("/drive/signed", drive_signed)
    r.add_get("/state", state)
    return app
