"""Every Redis key the service writes, and how long each lives, in one place.

All keys start with REDIS_PREFIX. Keys of one chat user share the hash tag `{openid}`, so the
conversation scripts also run on Redis Cluster. arq keeps its own queue keys (`arq:*`).
Lifetimes that are business rules (a code is valid 5 minutes, a lock lasts 30) are the
constants below; the modules that enforce them import them from here."""

from __future__ import annotations

from dataclasses import dataclass

# -- the conversation (bot.conversation.store) ---------------------------------------------------
# dedup record of a push: DEDUP_TTL (setting, at least 60 s); the user's lock: LOCK_TTL_MS;
# the FSM record: the flow's timeout + EXPIRY_MEMORY (bot.conversation.fsm); the identity cache:
# IDENTITY_TTL; the tombstone of an abandoned opening: ABANDON_TOMBSTONE_MS.
# A user's lock is first taken for USER_LOCK_TTL s and extended by as much, every half of
# it, only while its push is being handled here: an opening whose answer was lost (a Redis
# stall) and whose undo was lost too holds nobody up for longer than that.
USER_LOCK_TTL = 3.0
IDENTITY_TTL = 3600
ABANDON_TOMBSTONE_MS = 60_000  # longer than any opening can be on its way

# -- verification codes and login locks (services.people.codes) -----------------------------------
CODE_TTL = 300  # a code is valid 5 minutes
LOCK_TTL = 1800  # too many failures lock for 30 minutes; failure counters live as long
RESEND_INTERVAL = 60  # a new code at most once a minute

# -- one-time binding tickets (services.people.binding) -------------------------------------------
TICKET_TTL = 600

# -- mini-program sessions (miniapp_api.auth): a lifetime that slides with use --------------
SESSION_TTL = 7 * 24 * 3600
# -- console sessions (console/sessions.py): idle timeout, and the longest a session lives --
CONSOLE_IDLE = 30 * 60
CONSOLE_MAX_AGE = 12 * 3600

# -- WeChat access tokens (bot.wechat.token) -----------------------------------------------
# the token: its expires_in minus EARLY_REFRESH (bot.wechat.token); the refresh lock: the
# fetch budget plus a margin (TokenCache.lock_ttl)

# -- the outbox (bot.relay.relay, bot.relay.sender, bot.relay.ratelimit) ------------------
OUTBOX_DIRTY_TTL = 3600  # "more was queued while the relay ran"
EARLY_RECEIPT_TTL = 3600  # a TEMPLATESENDJOBFINISH that came before its row was saved
SEND_MARKER_TTL = 86400  # "this row was sent on an unkeyed channel" (no second send)
PACE_TTL_MS = 60_000  # the global rate's next free slot
USER_RATE_TTL = 120  # one recipient's count in the current minute

# -- payments (services.payments.orders) ----------------------------------------------------------
CHECKOUT_LOCK_TTL = 20  # one checkout per fee at a time


@dataclass(frozen=True)
class RedisKeys:
    """The key names, under one prefix."""

    prefix: str

    # conversation: dedup record, lock, FSM record, identity cache, abandon tombstone,
    # customer-service window (bot/wechat/windows.py)
    def conversation(self, openid: str, dedup_key: str | None, token: str = "") -> list[str]:
        """The six keys of one push of one user, in the order the scripts take them."""
        tag = "{" + openid + "}"
        p = self.prefix
        return [f"{p}dd:{tag}:{dedup_key or '-'}", f"{p}lock:{tag}", f"{p}fsm:{tag}",
                f"{p}ident:{tag}", f"{p}gone:{tag}:{token}", f"{p}win:{tag}"]

    def service_window(self, openid: str) -> str:
        return self.conversation(openid, None)[5]

    def identity_cache(self, openid: str) -> str:
        return self.conversation(openid, None)[3]

    # verification codes: `party` is `oa:<openid>`, `p:<person>`, `u:<hash>`, ...
    def sms_budget(self, destination: str) -> str:
        """Recent codes to one number (`destination`: its keyed hash)."""
        return f"{self.prefix}smsb:{destination}"

    def sms_hour(self, hour: int) -> str:
        """Codes sent to every number together in one clock hour (hours since the epoch)."""
        return f"{self.prefix}smsh:{hour}"

    def code(self, purpose: str, actor: str) -> str:
        return f"{self.prefix}code:{purpose}:{actor}"

    def code_sent(self, purpose: str, actor: str) -> str:
        return f"{self.prefix}code:sent:{purpose}:{actor}"

    def code_lock(self, party: str) -> str:
        return f"{self.prefix}code:lock:{party}"

    def code_failures(self, party: str) -> str:
        return f"{self.prefix}code:fail:{party}"

    def bind_ticket(self, ticket: str) -> str:
        return f"{self.prefix}bindticket:{ticket}"

    def mp_session(self, token_hash: str) -> str:
        return f"{self.prefix}mpsess:{token_hash}"

    def console_session(self, token_hash: str) -> str:
        return f"{self.prefix}consess:{token_hash}"

    def wechat_token(self, appid: str) -> str:
        return f"{self.prefix}wxtoken:{appid}"

    def wechat_token_lock(self, appid: str) -> str:
        return f"{self.prefix}wxtoken-lock:{appid}"

    # the outbox
    def outbox_dirty(self) -> str:
        return f"{self.prefix}ob:dirty"

    def outbox_nudges(self) -> str:
        """How many nudges there have been (a relay beside a mass batch claims at a change)."""
        return f"{self.prefix}ob:nudges"

    def push_nonce(self, timestamp: str, nonce: str) -> str:
        return f"{self.prefix}nonce:{timestamp}:{nonce}"

    def receipt_inbox(self) -> str:
        return f"{self.prefix}ob:receipts"

    def early_receipts(self) -> str:
        """Hash msgid -> "status|epoch seconds": receipts that came before their row."""
        return f"{self.prefix}ob:early-receipts"

    def sms_reply(self, digest: str) -> str:
        """An SMS reply (上行) already handled: the provider retries its callbacks."""
        return f"{self.prefix}sms:reply:{digest}"

    def voice_parked(self) -> str:
        """Hash digest -> JSON: voice callbacks naming a call not found yet, retried by the
        worker (bot/providers/voice/callbacks.py)."""
        return f"{self.prefix}voice:parked"

    def voice_key(self, digest: str) -> str:
        """A key pressed on a call, already handled: the provider retries its callbacks."""
        return f"{self.prefix}voice:key:{digest}"

    def send_marker(self, notification_id: int) -> str:
        return f"{self.prefix}ob:sent:{notification_id}"

    def send_pace(self) -> str:
        return f"{self.prefix}rl:g"

    def page_rate(self, page: str, address: str, minute: int) -> str:
        """How often one client address opened a page in one minute."""
        return f"{self.prefix}page:{page}:{address}:{minute}"

    def captcha(self, challenge: str) -> str:
        """An image captcha's answer (web/captcha.py), kept until used once or expired."""
        return f"{self.prefix}captcha:{challenge}"

    def user_rate(self, who: str, minute: int) -> str:
        return f"{self.prefix}rl:u:{who}:{minute}"

    def checkout_lock(self, kind: str, ref_id: int) -> str:
        return f"{self.prefix}pay:checkout:{kind}:{ref_id}"

    def face_session(self, digest: str) -> str:
        """A face verification under way: whose check-in a verify_id (by its digest) is."""
        return f"{self.prefix}face:{digest}"
