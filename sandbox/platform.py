"""The sandbox's stand-in for the WeChat platform: its state and rules, as documented.

Tokens (stable_token semantics), followers and their customer-service windows (5 messages in
48 h after a message; 3 in a minute after a menu click or scan, a follow or a QR scan), typed
template fields (47003 on a violation), client_msg_id idempotency, subscribe-message
consents, single-use login codes, parametric QR tickets, media, the menu, SMS; plus fault
injection so that tests can make any endpoint fail the way WeChat does.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Any

from sandbox.platform_records import FakeUser, Fault, PlatformError, Sent, check_field

# the customer-service windows (the 服务号 documentation of 发送客服消息, since 2023): a
# message opens 5 messages for 48 h; these events 3 within a minute; any other push none
# (compared lower-cased: WeChat writes CLICK and SCAN, the service reads events lower-cased)
MESSAGE_WINDOW = (5, 48 * 3600)
BRIEF_WINDOW = (3, 60)
WINDOW_EVENTS = frozenset({"subscribe", "scan", "click", "scancode_push", "scancode_waitmsg"})
TOKEN_LIFETIME = 7200
CLIENT_MSG_ID_WINDOW = 600


class Platform:
    """All of the fake's state, for one official account and one mini-program."""

    def __init__(self, appid: str, secret: str, mp_appid: str, mp_secret: str,
                 clock: Callable[[], float] = time.time) -> None:
        self.apps = {appid: secret, mp_appid: mp_secret}
        self.oa_appid = appid
        self.mp_appid = mp_appid
        self.clock = clock
        self.tokens: dict[str, tuple[str, float]] = {}  # token -> (appid, expires_at)
        self.stable: dict[str, str] = {}  # appid -> current stable token
        self.forced: dict[str, list[float]] = {}
        self.token_fetches = 0
        self.calls: dict[str, int] = {}
        self.users: dict[str, FakeUser] = {}
        self.templates: dict[str, list[str]] = {}  # template_id -> field keys
        # template or subscribe id -> each field's label, as the registered template shows it
        self.labels: dict[str, dict[str, str]] = {}
        self.sent: list[Sent] = []
        self.client_msg_ids: dict[tuple[str, str], tuple[int, float]] = {}
        self.repeats = 0  # sends WeChat dropped as repeats of one already made (client_msg_id)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.qr_tickets: dict[str, tuple[str, float]] = {}  # ticket -> (scene, expires)
        self.login_codes: dict[str, str] = {}  # js_code -> mini-program openid
        self.oauth_codes: dict[str, str] = {}  # code -> official-account openid
        self.menu: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self._seq = 0
        # Pushes TEMPLATESENDJOBFINISH (sent, status) back to the service, as WeChat does.
        self.on_template_sent: Callable[[Sent, str], Coroutine[Any, Any, None]] | None = None

    # --- helpers for the simulator and the tests ------------------------------------------

    def user(self, openid: str) -> FakeUser:
        if openid not in self.users:
            self.users[openid] = FakeUser(openid)
        return self.users[openid]

    def saw(self, openid: str, msg_type: str, event: str) -> None:
        """A push the service was sent: a message opens 5 messages for 48 h; a follow, a
        scan or a click or scan menu item 3 within a minute (WeChat's list); a receipt, a
        link menu item or a reported location none."""
        if msg_type != "event":
            self.interact(openid)
        elif event.lower() in WINDOW_EVENTS:
            self.interact(openid, BRIEF_WINDOW)

    def interact(self, openid: str, window: tuple[int, int] = MESSAGE_WINDOW,
                 at: float | None = None) -> None:
        """The user did something (by default, sent a message) at `at` (now): a window of
        `window`'s (messages, seconds) opens, unless the one they have lasts as long
        (windows are not added up)."""
        u = self.user(openid)
        u.follower = True
        now = self.clock() if at is None else at
        seconds = window[1]
        if u.last_interaction is None or now + seconds > u.last_interaction + u.window[1]:
            u.last_interaction, u.window, u.window_used = now, window, 0

    def login_code(self, mp_openid: str) -> str:
        code = "code_" + secrets.token_hex(8)
        self.login_codes[code] = mp_openid
        return code

    def oauth_code(self, openid: str) -> str:
        code = "oauth_" + secrets.token_hex(8)
        self.oauth_codes[code] = openid
        return code

    def inject(self, fault: Fault) -> None:
        self.faults.append(fault)

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path == path and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def record(self, kind: str, openid: str, payload: dict[str, Any]) -> Sent:
        self._seq += 1
        item = Sent(self._seq, kind, openid, payload, self.clock(), msgid=10_000_000 + self._seq)
        self.sent.append(item)
        return item

    def sent_to(self, openid: str, kind: str | None = None) -> list[Sent]:
        return [s for s in self.sent if s.openid == openid and (kind is None or s.kind == kind)]

    def received_by(self, openid: str, kind: str | None = None) -> list[Sent]:
        """What reached the user: without template messages whose job failed."""
        return [s for s in self.sent_to(openid, kind) if not s.receipt.startswith("failed")]

    # --- the documented behaviour ------------------------------------------------------------

    def stable_token(self, appid: str, secret: str, force: bool) -> tuple[str, int]:
        if appid not in self.apps:
            raise PlatformError(40013, "invalid appid")
        if self.apps[appid] != secret:
            raise PlatformError(40125, "invalid appsecret")
        now = self.clock()
        current = self.stable.get(appid)
        if force:
            recent = [t for t in self.forced.get(appid, []) if now - t < 86400]
            if len(recent) >= 20 or (recent and now - recent[-1] < 30):
                raise PlatformError(45009, "reach max api daily quota limit")
            self.forced[appid] = [*recent, now]
        elif current and self.tokens.get(current, ("", 0))[1] > now:
            return current, int(self.tokens[current][1] - now)
        token = "ACCESS_" + secrets.token_hex(16)
        self.tokens[token] = (appid, now + TOKEN_LIFETIME)
        self.stable[appid] = token
        self.token_fetches += 1
        return token, TOKEN_LIFETIME

    def token_owner(self, token: str | None) -> str:
        """The appid a valid token belongs to."""
        if not token:
            raise PlatformError(41001, "access_token missing")
        if token not in self.tokens:
            raise PlatformError(40001, "invalid credential, access_token is invalid or not latest")
        appid, expires = self.tokens[token]
        if expires <= self.clock():
            raise PlatformError(42001, "access_token expired")
        return appid

    def expire_token(self, appid: str) -> None:
        """Make the app's current token invalid (as if fetched elsewhere with /cgi-bin/token)."""
        token = self.stable.pop(appid, None)
        if token:
            self.tokens.pop(token, None)

    def send_custom(self, payload: dict[str, Any]) -> Sent:
        openid = payload.get("touser", "")
        u = self.users.get(openid)
        if u is None or not u.follower:
            raise PlatformError(43004, "require subscribe")
        if u.last_interaction is None or self.clock() - u.last_interaction >= u.window[1]:
            raise PlatformError(45015, "response out of time limit or subscription is canceled")
        if u.window_used >= u.window[0]:
            raise PlatformError(45047, "out of response count limit")
        msgtype = payload.get("msgtype")
        if msgtype == "text":
            content = payload.get("text", {}).get("content", "")
            if not content:
                raise PlatformError(44003, "empty news data")
            u.window_used += 1
            return self.record("custom_text", openid, {"content": content})
        if msgtype == "image":
            media_id = payload.get("image", {}).get("media_id", "")
            if media_id not in self.media:
                raise PlatformError(40007, "invalid media_id")
            u.window_used += 1
            return self.record("custom_image", openid, {"media_id": media_id})
        raise PlatformError(40008, "invalid message type")

    def send_template(self, payload: dict[str, Any]) -> Sent:
        openid = payload.get("touser", "")
        template_id = payload.get("template_id", "")
        if template_id not in self.templates:
            raise PlatformError(40037, "invalid template_id")
        u = self.users.get(openid)
        if u is None or not u.follower:
            raise PlatformError(43004, "require subscribe")
        client_msg_id = payload.get("client_msg_id")
        now = self.clock()
        if client_msg_id:
            seen = self.client_msg_ids.get((openid, client_msg_id))
            if seen and now - seen[1] < CLIENT_MSG_ID_WINDOW:
                self.repeats += 1
                return next(s for s in self.sent if s.msgid == seen[0])
        data = {k: str(v.get("value", "")) for k, v in (payload.get("data") or {}).items()}
        for key in self.templates[template_id]:
            if not check_field(key, data.get(key, "")) or not data.get(key):
                raise PlatformError(47003, f"argument invalid! data.{key}.value invalid")
        item = self.record("template", openid, {"template_id": template_id, "data": data,
                                                "url": payload.get("url"),
                                                "miniprogram": payload.get("miniprogram")})
        if client_msg_id:
            self.client_msg_ids[(openid, client_msg_id)] = (item.msgid, now)
        return item

    def send_subscribe(self, payload: dict[str, Any]) -> Sent:
        openid = payload.get("touser", "")
        template_id = payload.get("template_id", "")
        u = self.users.get(openid)
        if u is None or u.consents.get(template_id, 0) <= 0:
            raise PlatformError(43101, "user refuse to accept the msg")
        data = {k: str(v.get("value", "")) for k, v in (payload.get("data") or {}).items()}
        for key, value in data.items():
            if not check_field(key, value):
                raise PlatformError(47003, f"argument invalid! data.{key}.value invalid")
        u.consents[template_id] -= 1
        return self.record("subscribe", openid, {"template_id": template_id, "data": data,
                                                 "page": payload.get("page"),
                                                 "state": payload.get("miniprogram_state")})

    def send_sms(self, phone: str, text: str) -> Sent:
        """Not WeChat: the sandbox SMS gateway (shown in the simulator, read by tests)."""
        if not re.fullmatch(r"1[3-9][0-9]{9}", phone):
            raise PlatformError(400, "invalid phone")
        if not text:
            raise PlatformError(400, "empty text")
        return self.record("sms", phone, {"text": text})

    def record_call(self, phone: str, text: str) -> Sent:
        """Not WeChat: a voice call ringing on this phone (the fake VMS places it)."""
        if not re.fullmatch(r"1[3-9][0-9]{9}", phone):
            raise PlatformError(400, "invalid phone")
        return self.record("voice", phone, {"text": text})

    def calls_to(self, phone: str) -> list[str]:
        return [s.payload["text"] for s in self.sent if s.kind == "voice" and s.openid == phone]

    def sms_to(self, phone: str) -> list[str]:
        return [s.payload["text"] for s in self.sent if s.kind == "sms" and s.openid == phone]

    def upload(self, content: bytes, content_type: str) -> str:
        if not content:
            raise PlatformError(41005, "media data missing")
        if len(content) > 10 * 1024 * 1024:
            raise PlatformError(40009, "invalid image size")
        media_id = "MEDIA_" + secrets.token_hex(12)
        self.media[media_id] = (content, content_type)
        return media_id

    def create_qr(self, payload: dict[str, Any]) -> dict[str, Any]:
        if payload.get("action_name") != "QR_STR_SCENE":
            raise PlatformError(40097, "invalid args")
        scene = payload.get("action_info", {}).get("scene", {}).get("scene_str", "")
        if not 1 <= len(scene) <= 64:
            raise PlatformError(40097, "invalid args: scene_str length")
        expire = int(payload.get("expire_seconds") or 60)
        if not 60 <= expire <= 2_592_000:
            raise PlatformError(40097, "invalid args: expire_seconds")
        ticket = "TICKET_" + secrets.token_hex(12)
        self.qr_tickets[ticket] = (scene, self.clock() + expire)
        return {"ticket": ticket, "expire_seconds": expire, "url": f"weixin://qr/{ticket}"}

    def set_menu(self, buttons: list[dict[str, Any]]) -> None:
        if not buttons or len(buttons) > 3:
            raise PlatformError(40016, "invalid button size")
        for b in buttons:
            subs = b.get("sub_button") or []
            if len(subs) > 5:
                raise PlatformError(40023, "invalid sub button size")
            for item in [b, *subs]:
                if len(item.get("name", "").encode()) > (16 if item is b else 60):
                    raise PlatformError(40018, "invalid button name size")
        self.menu = buttons

    def jscode2session(self, appid: str, secret: str, code: str) -> dict[str, Any]:
        if appid != self.mp_appid or self.apps.get(appid) != secret:
            raise PlatformError(40013, "invalid appid")
        mp_openid = self.login_codes.pop(code, None)  # single use
        if mp_openid is None:
            raise PlatformError(40029, "invalid code")
        out: dict[str, Any] = {"openid": mp_openid, "session_key": secrets.token_urlsafe(16)}
        unionid = self.user(mp_openid).unionid
        if unionid:
            out["unionid"] = unionid
        return out

    def oauth(self, appid: str, secret: str, code: str) -> dict[str, Any]:
        if appid != self.oa_appid or self.apps.get(appid) != secret:
            raise PlatformError(40013, "invalid appid")
        openid = self.oauth_codes.pop(code, None)
        if openid is None:
            raise PlatformError(40029, "invalid code")
        return {"access_token": "WEB_" + secrets.token_hex(8), "expires_in": 7200,
                "refresh_token": "R", "openid": openid, "scope": "snsapi_base"}
