"""Who each claimed notification goes to: the person's official-account identity, their
mini-program openid with the subscribe messages they granted, and their phone, read for a
relay's whole batch in one statement."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.wechat.windows import Window
from models.notifications import Notification
from models.orm.statements import columns, id_list, models_from, on_postgres, one_of, rows
from models.people import opened_phone
from models.wechat import Channel, WeChatIdentity
from services.notifications import Joined

TO_THE_LEAVER = "account.deregistered"  # the one notice a deregistered person still gets


@dataclass
class Recipient:
    oa: WeChatIdentity | None
    mp_openid: str | None
    phone: str | None
    consents: dict[str, int]
    window: Window | None = None  # the official account's customer-service window
    # why the notice lost its point (answered, checked in, ...), read for the batch
    moot: str | None = None

    @property
    def key(self) -> str:
        return self.oa.openid if self.oa else (self.mp_openid or self.phone or "?")


def _consents_sql(postgres: bool) -> str:
    """A mini-program identity's subscribe consents with some left, as `template=remaining`
    joined by commas (WeChat's template ids are letters, digits, `-` and `_`)."""
    joined = "string_agg" if postgres else "group_concat"
    return (f"CASE WHEN w.channel = '{Channel.MINI_PROGRAM}' THEN (SELECT "
            f"{joined}(c.template_id || '=' || c.remaining, ',') FROM subscribe_consent c "
            "WHERE c.mp_openid = w.openid AND c.remaining > 0) END")


def _read(postgres: bool) -> str:
    """Each person's sealed phone, identities and consents (a row an identity)."""
    return (f"p.id AS pid, p.phone_enc, p.phone_clear, p.deregistered_at, "
            f"{_consents_sql(postgres)} AS consents, {columns(WeChatIdentity, 'w')}")


@cache
def with_claim() -> Joined:
    """The same read in the relay's claim (PostgreSQL only): for each claimed row's person."""
    return Joined(_read(postgres=True),
                  'LEFT JOIN person p ON p.id = claimed."notification.person_id" '
                  "LEFT JOIN wechat_identity w ON w.person_id = p.id")


async def recipients_of(items: list[Notification], claimed: list[dict[str, Any]] | None = None
                        ) -> dict[int, Recipient]:
    """Who each notification goes to: each person's sealed phone with their identities and
    the mini-program's consents in one statement for the batch, or read with the claim
    already (`claimed`: its rows, `with_claim`); the identities of rows addressed to an
    openid alone in a statement of their own, when there are any."""
    person_ids = {i.person_id for i in items if i.person_id is not None}
    openids = {i.openid for i in items if i.person_id is None and i.openid}
    by_person: dict[int, dict[str, WeChatIdentity]] = {}
    by_openid: dict[str, WeChatIdentity] = {}
    if claimed is not None:  # a row a claimed notice and identity: each person's once
        found = list({(r["pid"], r["w.id"]): r for r in claimed if r["pid"] is not None
                      }.values())
    else:
        found = await rows(f"SELECT {_read(on_postgres())} FROM person p LEFT JOIN "
                           f"wechat_identity w ON w.person_id = p.id WHERE {one_of('p.id')}",
                           id_list(person_ids)) if person_ids else []
    phones = {int(r["pid"]): opened_phone(r["phone_enc"], r["phone_clear"]) for r in found}
    # a deregistered person's phone takes only the confirmation of their 注销
    gone = {int(r["pid"]) for r in found if r["deregistered_at"] is not None}
    consents: dict[str, dict[str, int]] = {}
    identities = []
    for row, identity in zip(found, models_from(WeChatIdentity, found, "w"), strict=True):
        if identity is None:
            continue
        identities.append(identity)
        if row["consents"]:
            granted = (pair.rpartition("=") for pair in row["consents"].split(","))
            consents[identity.openid] = {t: int(n) for t, _, n in granted}
    identities += await WeChatIdentity.filter(openid__in=openids) if openids else []
    for identity in identities:
        by_openid[identity.openid] = identity
        if identity.person_id is not None:
            by_person.setdefault(identity.person_id, {})[identity.channel] = identity
    out = {}
    for item in items:
        if item.person_id is not None:
            own = by_person.get(item.person_id, {})
            oa, mp = own.get(Channel.OFFICIAL_ACCOUNT), own.get(Channel.MINI_PROGRAM)
            reach = item.person_id not in gone or item.kind == TO_THE_LEAVER
            out[item.id] = Recipient(oa, mp.openid if mp else None,
                                     phones.get(item.person_id) if reach else None,
                                     consents.get(mp.openid, {}) if mp else {})
        else:
            out[item.id] = Recipient(by_openid.get(item.openid or ""), None, None, {})
    return out
