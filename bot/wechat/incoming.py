"""The incoming push as the engine sees it: one typed, immutable value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.errors import BadRequest

OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Events WeChat sends on its own; they are not the user interacting with us.
PASSIVE_EVENTS = frozenset({"templatesendjobfinish", "unsubscribe", "location",
                            "subscribe_msg_popup_event", "subscribe_msg_sent_event"})


@dataclass(slots=True)
class Incoming:
    """A message or event pushed to /wechat/callback."""

    to_user: str
    openid: str
    create_time: int
    msg_type: str
    content: str = ""
    msg_id: str = ""
    event: str = ""
    event_key: str = ""
    scene: str | None = None  # parametric QR scene, for subscribe-by-scan and SCAN
    raw: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_event(self) -> bool:
        return self.msg_type == "event"

    @property
    def is_text(self) -> bool:
        return self.msg_type == "text"

    @property
    def has_text(self) -> bool:
        """True for a text message, or a voice message WeChat transcribed."""
        return bool(self.content) and self.msg_type in ("text", "voice")

    @property
    def is_interaction(self) -> bool:
        """True when the user did something (opens the 48 h customer-service window)."""
        return not (self.is_event and self.event in PASSIVE_EVENTS)

    @property
    def dedup_key(self) -> str:
        """Identity of this push across WeChat's retries."""
        if self.msg_id and not self.is_event:
            # MsgId collisions were seen in the wild: scope it to the sender.
            return f"m:{self.openid}:{self.msg_id}"
        # Events: sender + time + event + key (+ MsgID where WeChat sends one, as it does for
        # TEMPLATESENDJOBFINISH, so two jobs finishing in one second stay distinct).
        return f"e:{self.openid}:{self.create_time}:{self.event}:{self.event_key}:{self.msg_id}"

    @classmethod
    def parse(cls, data: dict[str, str]) -> Incoming:
        """Build from the parsed XML fields; raises BadRequest when a required field is missing."""
        try:
            to_user = data["ToUserName"]
            openid = data["FromUserName"]
            msg_type = data["MsgType"].strip().lower()
            stamp = data.get("CreateTime") or "0"
            create_time = int(stamp) if len(stamp) <= 12 else -1
        except (KeyError, ValueError) as exc:
            raise BadRequest(f"missing or bad field: {exc}") from None
        if not openid or not msg_type:
            raise BadRequest("empty FromUserName or MsgType")
        # WeChat's openids are 28 characters of [A-Za-z0-9_-]; anything else is refused
        # before it reaches a log line, a Redis key or a reply
        if not OPENID.fullmatch(openid) or len(msg_type) > 32 or not 0 <= create_time < 2**40:
            raise BadRequest("malformed FromUserName, MsgType or CreateTime")
        msg_id = data.get("MsgId", "") or data.get("MsgID", "")
        if len(msg_id) > 32 or len(data.get("EventKey", "") or "") > 512:
            raise BadRequest("MsgId or EventKey too long")
        event = data.get("Event", "").strip().lower() if msg_type == "event" else ""
        key = data.get("EventKey", "") or ""
        scene = None
        if event == "subscribe" and key.startswith("qrscene_"):
            scene = key[len("qrscene_"):]
        elif event == "scan":
            scene = key
        content = data.get("Content", "") if msg_type == "text" else ""
        if msg_type == "voice" and data.get("Recognition"):
            content = data["Recognition"]  # speech recognition result, treated as text
        return cls(
            to_user=to_user,
            openid=openid,
            create_time=create_time,
            msg_type=msg_type,
            content=content.strip(),
            msg_id=msg_id,
            event=event,
            event_key=key,
            scene=scene,
            raw=data,
        )
