"""The sandbox's own evaluation system: the fake mounted at /sandbox/evaluation (the library
pushes committees there), registered in the library's register as the system of the demo's
centres (广东省 and 广州市: a demo draw's project is in 广州 and names no terminal), once and
idempotently — at the sandbox's start when the demo is loaded, and again before each
simulator action (its key or address follows the sandbox's secrets and address). The
simulator's buttons make it act on the latest draw (or the one named): read its committee,
post a score table with one deviating expert, report an expert late. An evaluation a demo
draw made starts tomorrow, so a button first moves the evaluation's times (its results
unseal 30 minutes before it starts; scores come once it is over), saying so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web

from models.draws import DrawActivity, DrawStatus, Notice
from models.people import Person, phone_is
from sandbox.context import SANDBOX, SANDBOX_SETTINGS, SandboxServices
from sandbox.evaluation.app import SYSTEM, attempt, evaluation_system_app
from sandbox.evaluation.store import SystemStore
from sandbox.evaluation.system import EvaluationSystemFake, identity_from_seed
from services.common.clock import china_time
from services.demo import DEMO_PEOPLE
from services.evaluation import SystemInput
from services.federation import Peer

CENTRES = ["440000", "440100"]
READABLE = (DrawStatus.DRAWING, DrawStatus.PAUSED, DrawStatus.ENDED)
UNSEAL_AHEAD = timedelta(minutes=20)  # the evaluation starts this soon: results unsealed
ADMIN_PHONE = next(d.phone for d in DEMO_PEOPLE if d.key == "admin")


def mount_evaluation_system(sub: web.Application, seed: str) -> EvaluationSystemFake:
    """The fake under the sandbox's sub-application, at /evaluation, its key derived from
    the sandbox's secret. Its database is in memory: it lives and dies with the service
    (the library's register and watches are kept; the score table it makes is the same for
    the same committee, so a table posted before a restart is posted again as a replay)."""
    fake = EvaluationSystemFake(identity_from_seed(seed), SystemStore(":memory:"))
    sub[SYSTEM] = fake
    sub.add_subapp("/evaluation", evaluation_system_app(fake))
    r = sub.router
    r.add_post("/api/evaluation/read", read)
    r.add_post("/api/evaluation/scores", scores)
    r.add_post("/api/evaluation/late", late)
    return fake


async def register_sandbox_system(services: SandboxServices, fake: EvaluationSystemFake,
                                  own_url: str) -> bool:
    """The fake known to the library and registered as the demo's centres' system, once
    (changed when its key or address changed); False while the demo is not loaded."""
    me = services.domain.watches.trust.identity
    if me is None:
        return False
    base = own_url.rstrip("/")
    fake.library = Peer(me.code, me.name, base, me.public_key(), "never")
    admin = await Person.filter(phone_is(ADMIN_PHONE)).first()
    if admin is None:
        return False
    systems = services.domain.evaluation_systems
    data = SystemInput(fake.identity.code, fake.identity.name, CENTRES,
                       fake.identity.public_key(), f"{base}/sandbox/evaluation")
    now = datetime.now(UTC)
    known = next((s for s in await systems.listing() if s.code == data.code), None)
    if known is None:
        await systems.register(data, admin.id, now)
    elif (known.public_key, known.url, known.active) != (data.public_key, data.url, True):
        await systems.change(known.id, data, admin.id, now)
    return True


async def _shift(activity: DrawActivity, delta: timedelta) -> None:
    """The evaluation and its 补抽s moved in time, its venues' gathering with it."""
    family = [*await DrawActivity.filter(id=activity.id),
              *await DrawActivity.filter(parent_id=activity.id)]
    for moved in family:
        await DrawActivity.filter(id=moved.id).update(
            bid_open_at=moved.bid_open_at + delta, eval_start=moved.eval_start + delta,
            eval_end=moved.eval_end + delta)
        for notice in await Notice.filter(activity_id=moved.id):
            await Notice.filter(id=notice.id).update(gather_at=notice.gather_at + delta)


async def _prepared(request: web.Request, over: bool) -> tuple[DrawActivity, str]:
    """The activity asked for (the latest draw by default), registered and moved in time:
    its results unsealed, and its evaluation over if `over`; what was moved, in words."""
    services: SandboxServices = request.config_dict[SANDBOX]
    fake = request.app[SYSTEM]
    if not await register_sandbox_system(services, fake,
                                         request.config_dict[SANDBOX_SETTINGS].own_url):
        raise web.HTTPConflict(text='{"error": "demo", "message": "请先运行 expertbot demo"}',
                               content_type="application/json")
    wanted = await request.json() if request.can_read_body else {}
    raw = str(wanted.get("activity_id") or "")
    found = DrawActivity.filter(status__in=READABLE).exclude(kind__in=("peer", "supplement"))
    activity = await (found.filter(id=int(raw)) if raw.isdigit() else found).order_by(
        "-id").first()
    if activity is None:
        raise web.HTTPNotFound(text='{"error": "no_draw", "message": "没有可以读取的抽取：'
                                    '请先开始一次演示抽取"}', content_type="application/json")
    now = datetime.now(UTC)
    moved = ""
    if over and activity.finished_at is None and now < activity.eval_end:
        await _shift(activity, now - timedelta(minutes=1) - activity.eval_end)
        moved = "已将这次评标的时间提前，使其在1分钟前结束"
    elif now < activity.eval_start - timedelta(minutes=30):
        await _shift(activity, now + UNSEAL_AHEAD - activity.eval_start)
        moved = "已将这次评标的时间提前，使其20分钟后开始（抽取结果随即解封）"
    activity = await DrawActivity.get(id=activity.id)
    if moved:
        moved += f"：评标 {china_time(activity.eval_start)} 至 {china_time(activity.eval_end)}"
    return activity, moved


async def _acted(request: web.Request, over: bool, act: str) -> web.Response:
    activity, moved = await _prepared(request, over)
    fake = request.app[SYSTEM]
    actions = {"read": fake.read_committee, "scores": fake.post_scores,
               "late": fake.post_event}
    status, answer = await attempt(lambda: actions[act](activity.id))
    if status != 200:
        return web.json_response({**answer, "moved": moved}, status=status)
    services: SandboxServices = request.config_dict[SANDBOX]
    words = services.notify_texts.texts.word
    proposals = [{"expert": s.expert, "kind": words("proposal_kind", s.proposal.kind),
                  "status": words("proposal_status", s.proposal.status)}
                 for s in await services.domain.proposals.listing(activity)]
    return web.json_response({"activity": activity.id, "moved": moved, "answer": answer,
                              "proposals": proposals})


async def read(request: web.Request) -> web.Response:
    """The sandbox's system reads the committee (the results unsealed first)."""
    return await _acted(request, False, "read")


async def scores(request: web.Request) -> web.Response:
    """The sandbox's system posts the score table (the evaluation over first)."""
    return await _acted(request, True, "scores")


async def late(request: web.Request) -> web.Response:
    """The sandbox's system reports the committee's first serving member 20 minutes late."""
    return await _acted(request, False, "late")
