"""The simulator's control API (under /sandbox/api/): act as any user through the real
/wechat/callback path, click the menu, scan QR codes, and watch what the platform delivered."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from tortoise.expressions import Subquery

from bot.conversation.store import forget_identity
from bot.wechat.windows import ServiceWindows
from models import column
from models.money.payments import Payable
from models.people import Person, RoleGrant, phone_is
from models.wechat import Channel, WeChatIdentity
from sandbox.context import SANDBOX, SANDBOX_SETTINGS, SandboxServices
from sandbox.events import CallbackClient
from sandbox.fake_tencent_vms import TENCENT_VMS
from sandbox.platform import Platform
from sandbox.platform_records import Sent
from sandbox.wechat_push import Mode, Pusher, event_fields, text_fields
from services.common.pii import mask_phone
from services.draws.facts import Actor

CALLBACK = web.AppKey("sandbox_callback_client", CallbackClient)
PLATFORM = web.AppKey("sim_platform", Platform)


def _services(request: web.Request) -> SandboxServices:
    return request.config_dict[SANDBOX]


def _client(request: web.Request, aes: bool) -> CallbackClient:
    """Pushes as WeChat would in the configured mode; in plaintext mode the simulator may
    still encrypt (the service takes both there)."""
    base = request.app[CALLBACK]
    settings = request.config_dict[SANDBOX_SETTINGS]
    mode: Mode = "safe" if settings.mode == "safe" else "compat" if settings.mode == "compat" \
        else "safe" if aes else "plain"
    pusher = Pusher(settings.token, settings.appid,
                    settings.aes_key if mode != "plain" else None, mode)
    return CallbackClient(base.session, base.url, pusher, base.platform)


async def _push(request: web.Request, fields: dict[str, str | int], aes: bool
                ) -> web.Response:
    """The push through the real callback (which tells the fake platform the user acted:
    bot/wechat/callback.py SEEN)."""
    start = time.monotonic()
    status, reply = await _client(request, aes).push(fields)
    out: dict[str, Any] = {"status": status, "elapsed_ms": round((time.monotonic() - start)
                                                                  * 1000, 1), "reply": None}
    if reply is not None:
        kind = reply.get("MsgType", "text")
        out["reply"] = {"type": kind, "content": reply.get("Content", ""),
                        "media_id": reply.get("MediaId", "")}
    return web.json_response(out)


def mini_openid(identity: WeChatIdentity, known: str | None) -> str:
    """The same person's openid in the mini-program (WeChat gives each app its own); one who
    never opened it gets one of their own when they do."""
    return known or "mp_" + identity.openid.removeprefix("o_")


async def users(request: web.Request) -> web.Response:
    rows = await WeChatIdentity.filter(channel=Channel.OFFICIAL_ACCOUNT).order_by("id").limit(60)
    people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows
                                                           if r.person_id])}
    grants: dict[int, list[str]] = {}
    for g in await RoleGrant.filter(person_id__in=list(people), revoked_at=None):
        grants.setdefault(g.person_id, []).append(
            request.config_dict[SANDBOX].notify_texts.texts.word("role", g.role))
    minis = {m.person_id: m.openid for m in await WeChatIdentity.filter(
        person_id__in=list(people), channel=Channel.MINI_PROGRAM)}
    out = []
    for r in rows:
        person = people.get(r.person_id) if r.person_id else None
        out.append({"openid": r.openid, "name": person.name if person else "未绑定的用户",
                    "roles": grants.get(person.id, []) if person else [],
                    "phone": mask_phone(person.phone) if person else None,
                    "follower": r.subscribed,
                    "mp_openid": mini_openid(r, minis.get(r.person_id or 0))})
    return web.json_response(out)


async def send(request: web.Request) -> web.Response:
    body = await request.json()
    text = str(body.get("text", "")).strip()
    if not text:
        return web.json_response({"error": "empty", "message": "请输入要发送的内容"}, status=400)
    return await _push(request, text_fields(body["openid"], text), bool(body.get("aes")))


async def click(request: web.Request) -> web.Response:
    body = await request.json()
    return await _push(request, event_fields(body["openid"], "CLICK", str(body["key"])),
                       bool(body.get("aes")))


async def follow(request: web.Request) -> web.Response:
    body = await request.json()
    platform = request.app[PLATFORM]
    user = platform.user(body["openid"])
    if body.get("follow", True):
        user.follower = True
        return await _push(request, event_fields(body["openid"], "subscribe"),
                           bool(body.get("aes")))
    user.follower = False
    return await _push(request, event_fields(body["openid"], "unsubscribe"),
                       bool(body.get("aes")))


async def scan(request: web.Request) -> web.Response:
    body = await request.json()
    platform = request.app[PLATFORM]
    found = platform.qr_tickets.get(str(body.get("ticket", "")))
    if found is None or found[1] < platform.clock():
        return web.json_response({"error": "bad_ticket", "message": "二维码不存在或已过期"},
                                 status=400)
    openid, scene = body["openid"], found[0]
    if platform.user(openid).follower:
        return await _push(request, event_fields(openid, "SCAN", scene), bool(body.get("aes")))
    platform.user(openid).follower = True
    return await _push(request, event_fields(openid, "subscribe", f"qrscene_{scene}"),
                       bool(body.get("aes")))


async def voice_key(request: web.Request) -> web.Response:
    """The phone of a call the fake VMS placed: pick up and press a key (1 / 2 / 3), or let
    it ring out ("miss"); the fake pushes the documented callbacks to the service."""
    body = await request.json()
    fake = request.app[TENCENT_VMS]
    seq = int(body.get("seq", 0))
    called = next((s.openid for s in request.app[PLATFORM].sent
                   if s.seq == seq and s.kind == "voice"), "")
    ringing = fake.ringing(called)
    if not ringing:
        return web.json_response({"error": "not_ringing", "message": "这个号码没有正在响铃的来电"},
                                 status=404)
    key = str(body.get("key", ""))
    if key == "miss":
        await fake.miss(ringing[-1].callid)
    else:
        await fake.answer(ringing[-1].callid, key[:1])
    return web.json_response({"ok": True})


async def sms_reply(request: web.Request) -> web.Response:
    """The phone that got an SMS replies to it (上行): pushed to the service's reply callback
    in Tencent Cloud SMS's documented shape, as the provider would."""
    import aiohttp

    body = await request.json()
    text = str(body.get("text", "")).strip()[:200]
    seq = int(body.get("seq", 0))
    phone = next((s.openid for s in request.app[PLATFORM].sent
                  if s.seq == seq and s.kind == "sms"), "")
    token = _services(request).sms_callback_token
    if not phone or not text or not token:
        return web.json_response({"error": "sms_reply", "message": "请输入回复内容"},
                                 status=400)
    own = request.config_dict[SANDBOX_SETTINGS].own_url
    async with aiohttp.ClientSession() as session, session.post(
            f"{own}/sms/tencent/reply?token={token}",
            json={"extend": "", "mobile": phone, "nationcode": "86", "sign": "评标专家库",
                  "text": text, "time": int(time.time())}) as resp:
        return web.json_response({"ok": resp.status == 200}, status=resp.status)


def _show(item: Sent, api_base: str, labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"seq": item.seq, "kind": item.kind, "at": item.at}
    if item.kind == "custom_text":
        out["text"] = item.payload["content"]
    elif item.kind == "custom_image":
        out["image"] = f"{api_base}/media?media_id={item.payload['media_id']}"
    elif item.kind in ("template", "subscribe"):
        out["template_id"] = item.payload["template_id"]
        # the mini-program page the message opens when tapped
        mini = item.payload.get("miniprogram") or {}
        out["page"] = item.payload.get("page") or mini.get("pagepath") or ""
        # as WeChat shows a template message: each field under its label (集合时间), not its key
        named = labels.get(item.payload["template_id"], {})
        out["fields"] = {named.get(k, k): v for k, v in item.payload["data"].items()}
    else:
        out["text"] = item.payload.get("text", "")
    if item.kind == "mail":  # attachments of a caught mail, downloadable
        out["files"] = [{"name": name, "url": f"{api_base}/api/mail-file?mail="
                         f"{item.payload['mail']}&n={n}"}
                        for n, name in enumerate(item.payload.get("attachments", []))]
    return out


async def inbox(request: web.Request) -> web.Response:
    """What reached this user: customer-service, template and subscribe messages, and SMS
    to their phone."""
    openid = request.query.get("openid", "")
    after = int(request.query.get("after", "0"))
    identity = await WeChatIdentity.get_or_none(openid=openid)
    platform = request.app[PLATFORM]
    # the phone's own: the numbers typed into it, its mini-program's openid
    targets = {openid, *platform.user(openid).numbers}
    others: dict[str, str] = {}  # another person's phone shown here: whose, in words
    if identity is not None and identity.person_id is None:
        targets.add(mini_openid(identity, None))
    if identity is None or identity.person_id is None:
        # someone not bound yet: the SMS to people no WeChat account is bound to (a binding
        # code lands there, an imported expert's invitation too), as if this were their
        # phone; each says whose phone it reached
        bound = WeChatIdentity.filter(person_id__not_isnull=True).values("person_id")
        people = await Person.filter(id__not_in=Subquery(bound)).limit(100)
        others = {p.phone: f"发给 {p.name}（{mask_phone(p.phone)}）" for p in people
                  if p.phone not in targets}
        targets |= {person.phone for person in people}
    else:
        person = await Person.get(id=identity.person_id)
        targets.add(person.phone)
        # their mailboxes: their own address, and where their invoices go
        mailboxes = await column(Payable.filter(person_id=person.id), "invoice_email")
        targets |= {str(e) for e in [person.email, *mailboxes] if e}
        mp = await WeChatIdentity.get_or_none(person_id=person.id, channel=Channel.MINI_PROGRAM)
        if mp is not None:
            targets.add(mp.openid)
    items = [{**_show(s, "/sandbox", platform.labels),
              **({"to": others[s.openid]} if s.openid in others else {})}
             for s in platform.sent if s.seq > after and s.openid in targets]
    return web.json_response(items)


async def menu(request: web.Request) -> web.Response:
    return web.json_response(request.app[PLATFORM].menu)


async def qrcodes(request: web.Request) -> web.Response:
    platform = request.app[PLATFORM]
    now = platform.clock()
    return web.json_response([
        {"ticket": t, "kind": scene.split(":", 1)[0], "expires_in": int(exp - now),
         "image": f"/sandbox/cgi-bin/showqrcode?ticket={t}"}
        for t, (scene, exp) in platform.qr_tickets.items() if exp > now])


async def notify(request: web.Request) -> web.Response:
    """Queue a test notification to this user (it goes through the real outbox)."""
    body = await request.json()
    identity = await WeChatIdentity.get_or_none(openid=body["openid"])
    if identity is None:
        return web.json_response({"error": "unknown", "message": "没有这个用户"}, status=404)
    now = datetime.now(UTC)
    params = {"content": str(body.get("content") or "模拟器触发的推送"),
              "at": f"{now + timedelta(hours=8):%Y-%m-%d %H:%M}"}
    await _services(request).domain.outbox.notify(
        now, "system.test", params, person_id=identity.person_id,
        openid=None if identity.person_id else identity.openid)
    return web.json_response({"ok": True})


async def close_window(request: web.Request) -> web.Response:
    """Make the user's last interaction 49 hours old, as if they had been silent: WeChat and
    the service both find the customer-service window closed."""
    body = await request.json()
    past = datetime.now(UTC) - timedelta(hours=49)
    await WeChatIdentity.filter(openid=body["openid"]).update(last_seen_at=past)
    request.app[PLATFORM].user(body["openid"]).last_interaction = past.timestamp()
    services = _services(request)
    await forget_identity(services.redis, services.keys, body["openid"])
    await ServiceWindows(services.redis, services.keys).close(body["openid"])
    return web.json_response({"ok": True})


def setup_simulator(app: web.Application, platform: Platform) -> None:
    app[PLATFORM] = platform
    r = app.router
    r.add_get("/api/users", users)
    r.add_post("/api/send", send)
    r.add_post("/api/click", click)
    r.add_post("/api/follow", follow)
    r.add_post("/api/scan", scan)
    r.add_get("/api/inbox", inbox)
    r.add_get("/api/menu", menu)
    r.add_get("/api/qrcodes", qrcodes)
    r.add_post("/api/notify", notify)
    r.add_post("/api/close-window", close_window)
    r.add_post("/api/voice-key", voice_key)
    r.add_post("/api/sms-reply", sms_reply)


async def demo_draw(request: web.Request) -> web.Response:
    """As the demo agency's handler: a verified 3-expert draw over the six demo pool experts
    (o_demo_pool1..6), started at once; the invited ones see the invitation in their chat."""
    from models.draws import Condition, DrawActivity, DrawStatus, Notice, Project, Section
    from models.people import Agency
    from services.demo import AGENCY
    from services.demo_codes import demo_credit_code
    from services.demo_draws import DEMO_POOL_SPECIALTY

    domain = _services(request).domain
    handler = await Person.filter(phone_is("13800000004")).first()
    agency = await Agency.get_or_none(credit_code=AGENCY[1])
    if handler is None or agency is None:
        return web.json_response({"error": "demo", "message": "请先运行 expertbot demo"},
                                 status=409)
    now = datetime.now(UTC)
    start = (now + timedelta(days=1)).replace(hour=1, minute=30, second=0, microsecond=0)
    project = await Project.create(agency_id=agency.id, created_by=handler.id,
                                   name="演示：某市第一中学教学楼新建工程",
                                   number=f"DEMO-{int(now.timestamp())}",
                                   kind="工程建设项目招标投标/房屋建筑",
                                   region="4401", tenderer_name="某市第一中学",
                                   tenderer_credit_code=demo_credit_code(50))
    section = await Section.create(project=project, number="1", name="施工")
    activity = await domain.draws.setup.activities.create_activity(
        project, handler.id, [section.id],
        {"bid_open_at": start - timedelta(hours=1), "eval_start": start,
         "eval_end": start + timedelta(hours=6), "total": 3,
         "media": "广东省招标投标监管网", "bid_open_region": "440106"}, now)
    notice = await Notice.create(activity=activity, venue="广州公共资源交易中心", city="广州市",
                                 district="天河区", street="天润路333号", room="5楼评标室",
                                 gather_at=start - timedelta(minutes=30), contact_name="陈志强",
                                 contact_phone="020-12345678", notes="请携带身份证")
    await Condition.create(activity=activity, notice=notice, regions=["4401"],
                           main_specialty=DEMO_POOL_SPECIALTY, planned=3)
    await DrawActivity.filter(id=activity.id).update(status=DrawStatus.VERIFIED)
    started = await domain.draws.running.lifecycle.start(
        activity.id, now, Actor("agency", handler.id, handler.name), "simulator")
    counts = await domain.draws.news.counts.draw_counts(activity.id)
    return web.json_response({"activity": started.id, "seed_hash": started.seed_hash,
                              "progress": counts.text, "waiting": counts.waiting})


def setup_draw_simulator(app: web.Application) -> None:
    app.router.add_post("/api/demo-draw", demo_draw)
