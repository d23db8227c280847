"""Authorised transfers (用户授权免确认, WX-PAY): where the merchant has the mode
(WECHATPAY_TRANSFER_AUTHORISED), an expert agrees once in the mini-program
(发起免确认收款授权, then wx.requestMerchantTransfer with its package_info, within 24 hours);
from then on each fee transfer to them is made by 用户授权后转账 naming the authorisation and
goes to their change without a confirmation, until they revoke it (here: 解除免确认收款授权;
or in WeChat, which notifies MCHTRANSFER.AUTHORIZATION.CLOSED). WeChat Pay's word (its
answer, notification or our query) moves an authorisation once: waiting, active, closed
(final: a new one may be asked for). One waiting or active authorisation per expert
(WeChat Pay: 一个用户账号对应唯一一个生效中的授权); a waiting one is offered again rather than
a new number (its FAQ: 请复用已有授权单号). Without the mode nothing here is offered and
every transfer waits for the expert's confirmation as before (payouts.py)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from models.money.payouts import AuthorisationState, TransferAuthorisation
from models.people import Person
from models.wechat import Channel, WeChatIdentity
from services.common.errors import Conflict, Unavailable
from services.payments import PayError
from services.payments.transfers import AuthorizationRequest, TransferAuthorization, TransferGateway

log = logging.getLogger(__name__)
AGREE_WITHIN = timedelta(hours=24)  # WeChat Pay closes an authorisation not agreed by then
LIVE = (AuthorisationState.WAITING, AuthorisationState.ACTIVE)
BY_STATE = {"WAIT_USER_CONFIRM": AuthorisationState.WAITING,
            "CONFIRMED": AuthorisationState.ACTIVE, "CLOSED": AuthorisationState.CLOSED,
            "NOTEXIST": AuthorisationState.CLOSED}


class AuthorisationMismatch(Exception):
    """A notification or answer that does not fit our authorisation (merchant or payee)."""


@dataclass(frozen=True)
class AuthoriseParams:
    """What wx.requestMerchantTransfer takes to show the expert the authorisation."""

    mch_id: str
    app_id: str
    package: str


class TransferAuthorisations:
    def __init__(self, gateway: TransferGateway | None, enabled: bool,
                 display: Callable[[str], str]) -> None:
        self.gateway = gateway
        self.enabled = enabled  # the merchant has the mode (WECHATPAY_TRANSFER_AUTHORISED)
        self._display = display  # 用户展示名称, by the expert's name

    @property
    def available(self) -> bool:
        return self.enabled and self.gateway is not None

    @staticmethod
    async def current(person_id: int) -> TransferAuthorisation | None:
        """The expert's waiting or active authorisation."""
        return await TransferAuthorisation.filter(
            person_id=person_id, state__in=list(LIVE)).order_by("-id").first()

    @staticmethod
    async def latest(person_id: int) -> TransferAuthorisation | None:
        """The expert's last authorisation, live or closed (what their page shows)."""
        return await TransferAuthorisation.filter(person_id=person_id).order_by("-id").first()

    async def active(self, person_id: int) -> TransferAuthorisation | None:
        """The authorisation a transfer to this expert goes under (None: they confirm)."""
        if not self.available:
            return None
        return await TransferAuthorisation.get_or_none(
            person_id=person_id, state=AuthorisationState.ACTIVE)

    def _gateway(self) -> TransferGateway:
        if self.gateway is None or not self.enabled:
            raise Conflict("payout.authorisation_off")
        return self.gateway

    async def start(self, person_id: int, now: datetime) -> AuthoriseParams:
        """Ask WeChat Pay for the expert's authorisation: the parameters the mini-program
        shows it with (a waiting one is offered again)."""
        gateway = self._gateway()
        held = await self.current(person_id)
        if held is not None and held.created_at <= now - AGREE_WITHIN:
            held = await self.check(person_id, now)  # WeChat Pay closed it by now
        if held is not None and held.state == AuthorisationState.ACTIVE:
            raise Conflict("payout.authorised")
        if held is None:
            mini = await WeChatIdentity.filter(person_id=person_id,
                                               channel=Channel.MINI_PROGRAM).first()
            if mini is None:
                raise Conflict("payout.authorisation_off")
            held = await TransferAuthorisation.create(
                person_id=person_id, openid=mini.openid, created_at=now,
                out_authorization_no=f"AUT{person_id:010d}{secrets.token_hex(5)}")
        if not held.package_info:
            person = await Person.get(id=person_id)
            try:
                answer = await gateway.authorize(AuthorizationRequest(
                    held.out_authorization_no, held.openid, self._display(person.name)))
            except PayError as exc:
                log.warning("authorisation %s refused: %s", held.out_authorization_no, exc)
                await self._closed(held, exc.code, now)
                raise Conflict("payout.authorisation_refused", reason=refusal_words(exc)) from None
            await self.apply(answer, now)
            held = await TransferAuthorisation.get(id=held.id)
        if held.state != AuthorisationState.WAITING or not held.package_info:
            raise Conflict("payout.authorised" if held.state == AuthorisationState.ACTIVE
                           else "payout.authorisation_refused", reason=held.close_reason)
        return AuthoriseParams(gateway.mchid, gateway.appid, held.package_info)

    async def check(self, person_id: int, now: datetime) -> TransferAuthorisation | None:
        """Ask WeChat Pay about the expert's authorisation (after the mini-program's page,
        or when a transfer under it was refused); the one still live, if any."""
        held = await self.current(person_id)
        if held is None or self.gateway is None:
            return held
        try:
            answer = await self.gateway.authorization(held.out_authorization_no)
        except PayError as exc:
            log.warning("authorisation %s query failed: %s", held.out_authorization_no, exc)
            return held
        await self.apply(answer, now)
        return await self.current(person_id)

    async def revoke(self, person_id: int, now: datetime) -> None:
        """The expert revokes it: later transfers wait for their confirmation again."""
        held = await self.current(person_id)
        if held is None:
            raise Conflict("payout.not_authorised")
        if self.gateway is not None:
            try:
                answer = await self.gateway.close_authorization(held.out_authorization_no)
            except PayError as exc:
                log.warning("authorisation %s close failed: %s", held.out_authorization_no, exc)
                if exc.code != "NOT_FOUND":
                    raise Unavailable("payout.unknown") from None
            else:
                await self.apply(answer, now)
        await self._closed(held, "MERCHANT_CLOSE", now)  # ours, whatever came back

    async def _closed(self, held: TransferAuthorisation, reason: str, now: datetime) -> None:
        await TransferAuthorisation.filter(id=held.id, state__in=list(LIVE)).update(
            state=AuthorisationState.CLOSED, close_reason=reason[:64], revoked_at=now,
            package_info="")

    async def apply(self, answer: TransferAuthorization, now: datetime) -> str:
        """WeChat Pay's word on an authorisation, applied once under a row lock; "unknown"
        for one not ours, "duplicate" when it changes nothing; AuthorisationMismatch when it
        does not fit."""
        async with in_transaction():
            held = await TransferAuthorisation.select_for_update().get_or_none(
                out_authorization_no=answer.out_authorization_no)
            if held is None:
                return "unknown"
            mchid = self.gateway.mchid if self.gateway else ""
            if (answer.mchid and answer.mchid != mchid) or (
                    answer.openid and answer.openid != held.openid):
                raise AuthorisationMismatch(f"authorisation {held.out_authorization_no}")
            state = BY_STATE.get(answer.state, AuthorisationState(held.state))
            if held.state == AuthorisationState.CLOSED:
                return "duplicate"
            if state == held.state:  # the package of one waiting comes with the answer
                if answer.package_info and answer.package_info != held.package_info:
                    await TransferAuthorisation.filter(id=held.id).update(
                        package_info=answer.package_info, wx_state=answer.state)
                    return "pending"
                return "duplicate"
            updates: dict[str, object] = {"state": state, "wx_state": answer.state}
            if state == AuthorisationState.WAITING:
                updates["package_info"] = answer.package_info
            elif state == AuthorisationState.ACTIVE:
                updates.update(granted_at=now, package_info="",
                               authorization_id=answer.authorization_id)
            else:
                updates.update(revoked_at=now, package_info="",
                               close_reason=(answer.close_reason or answer.state)[:64])
            await TransferAuthorisation.filter(id=held.id).update(**updates)
        return str(state)


def refusal_words(exc: PayError) -> str:
    """WeChat Pay's own words for a refusal (its message), else its code."""
    text = str(exc)
    return (text.split(": ", 1)[1] if ": " in text else text)[:60] or exc.code
