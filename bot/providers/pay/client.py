"""WeChat Pay APIv3 through wechatpayv3's async client (wechatpy's pay is APIv2 only), and the
verification of payment notifications.

Every call has an explicit timeout; transient failures (timeouts, 5xx, SYSTEM_ERROR) are
retried a bounded number of times with the same out_trade_no, which WeChat Pay treats as the
same order. Responses are checked against the WeChat Pay public key by the library. The
daily trade bill (its request, download and file format) is bot/providers/pay/bill.py."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import secrets
import string
import time
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import wechatpayv3.async_.core
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from wechatpayv3.async_ import AsyncWeChatPay
from wechatpayv3.async_.type import WeChatPayType
from wechatpayv3.async_.utils import load_private_key
from wechatpayv3.utils import (
    aes_decrypt,
    build_authorization,
    load_certificate,
    load_public_key,
    rsa_verify,
)

from bot.providers.pay.bill import (
    BillTicket,
    bill_path,
    check_hash,
    download,
    parse_bill,
    parse_ticket,
)
from bot.providers.pay.fundflow import fundflow_path, parse_fundflow
from services.common.clock import CHINA
from services.payments import BillRow, FundFlowRow, NotificationRejected, PayError, Trade

log = logging.getLogger(__name__)

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
PROBE_PREFIX = "WECHATPAY/SIGNTEST/"
MAX_SKEW = 300  # seconds: older (or future) notifications are refused
TRANSIENT_CODES = {"SYSTEM_ERROR", "SYSTEMERROR", "FREQUENCY_LIMITED", "BANKERROR"}


@functools.lru_cache(maxsize=4)
def _merchant_key(pem: str) -> Any:
    """The merchant's private key, parsed once per process: parsing checks the RSA key
    (tens of ms), and every runtime the process opens (the web process and its worker, each
    operator's command, each service a test starts) makes a client with the same key. A
    rotated key is another PEM, parsed at its first use."""
    return load_private_key(pem)


# the library parses the key in each client it makes (AsyncCore.__init__)
wechatpayv3.async_.core.load_private_key = _merchant_key


def rfc3339(moment: datetime) -> str:
    """WeChat Pay's time format (China time, with offset)."""
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


class NotificationVerifier:
    """Checks `Wechatpay-Signature` over timestamp, nonce and the raw body with the key the
    serial names (the WeChat Pay public key, or a platform certificate during a switch),
    refuses probes and stale timestamps, and decrypts the resource with the APIv3 key."""

    def __init__(self, apiv3_key: str, public_key_pem: str, public_key_id: str,
                 cert_dir: str = "") -> None:
        self._apiv3_key = apiv3_key
        self._keys: dict[str, RSAPublicKey] = {public_key_id: load_public_key(public_key_pem)}
        if cert_dir and Path(cert_dir).is_dir():
            for pem in sorted(Path(cert_dir).glob("*.pem")):
                cert = load_certificate(pem.read_text())
                if cert is not None:
                    self._keys[format(cert.serial_number, "X")] = cert.public_key()

    def verify(self, headers: Mapping[str, str], body: str, now: float) -> None:
        """Raises NotificationRejected unless the signature holds and is fresh."""
        signature = headers.get("Wechatpay-Signature", "")
        if not signature or signature.startswith(PROBE_PREFIX):
            raise NotificationRejected("signature probe or missing signature")
        if headers.get("Wechatpay-Signature-Type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
            raise NotificationRejected("unknown signature type")
        serial = headers.get("Wechatpay-Serial", "")
        key = self._keys.get(serial) or self._keys.get(serial.upper())
        if key is None:
            raise NotificationRejected(f"unknown serial {serial[:40]!r}")
        timestamp = headers.get("Wechatpay-Timestamp", "")
        # ASCII digits only ("²".isdigit() is true) and a sane length before int()
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) \
                or abs(now - int(timestamp)) > MAX_SKEW:
            raise NotificationRejected("timestamp missing or older than 5 minutes")
        nonce = headers.get("Wechatpay-Nonce", "")
        if not rsa_verify(timestamp, nonce, body, signature, key):
            raise NotificationRejected("signature does not verify")

    def open(self, headers: Mapping[str, str], body: str, now: float) -> dict[str, Any]:
        """The decrypted resource of a verified notification."""
        self.verify(headers, body, now)
        try:
            envelope = json.loads(body)
            resource = envelope["resource"]
            if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
                raise NotificationRejected("unknown algorithm")
            plain = aes_decrypt(nonce=resource["nonce"], ciphertext=resource["ciphertext"],
                                associated_data=resource.get("associated_data") or "",
                                apiv3_key=self._apiv3_key)
            if plain is None:
                raise NotificationRejected("resource does not decrypt")
            opened = json.loads(plain)
            if not isinstance(opened, dict):
                raise NotificationRejected("the resource is not an object")
            return {"event_type": str(envelope.get("event_type", "")), **opened}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NotificationRejected(f"malformed notification: {exc!r}") from None


def _object(value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise NotificationRejected(f"expected an object, got {type(value).__name__}")
    return value


def parse_trade(data: Mapping[str, Any]) -> Trade:
    """A Trade from a query answer or a decrypted notification; NotificationRejected when a
    field is not of its documented type."""
    amount = _object(data.get("amount"))
    total = amount.get("total")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool)
                              or not 0 <= total < 2**31):
        raise NotificationRejected("amount.total is not an amount in fen")
    success = data.get("success_time")
    try:
        when = datetime.fromisoformat(success) if success else None
    except (TypeError, ValueError):
        raise NotificationRejected("success_time is not an RFC 3339 time") from None
    return Trade(out_trade_no=str(data.get("out_trade_no", ""))[:64],
                 trade_state=str(data.get("trade_state", ""))[:32],
                 mchid=str(data.get("mchid", ""))[:32], appid=str(data.get("appid", ""))[:32],
                 transaction_id=str(data.get("transaction_id") or "")[:32],
                 total_fen=total, currency=str(amount.get("currency", "CNY"))[:8],
                 payer_openid=str(_object(data.get("payer")).get("openid", ""))[:128],
                 success_time=when)


class WeChatPayClient:
    """The PayGateway over APIv3. Use as an async context manager (it holds an HTTP client)."""

    def __init__(self, *, base: str, mchid: str, private_key: str, cert_serial: str,
                 apiv3_key: str, public_key: str, public_key_id: str, appid: str,
                 miniapp_appid: str, notify_url: str, cert_dir: str = "",
                 timeout: float = 3.0, attempts: int = 3, backoff: float = 0.2) -> None:
        self.mchid = mchid
        self._appid, self._miniapp_appid = appid, miniapp_appid
        self._attempts, self._backoff = attempts, backoff
        self._pay = AsyncWeChatPay(
            wechatpay_type=WeChatPayType.NATIVE, mchid=mchid, private_key=private_key,
            cert_serial_no=cert_serial, appid=appid, apiv3_key=apiv3_key,
            notify_url=notify_url, cert_dir=cert_dir or None, logger=None,
            timeout=(min(timeout, 2.0), timeout), public_key=public_key,
            public_key_id=public_key_id)
        # the library fixes the gateway address; the sandbox and tests need their own
        self._base = base.rstrip("/")
        self._pay._core._gate_way = self._base
        self.notifications = NotificationVerifier(apiv3_key, public_key, public_key_id,
                                                  cert_dir)

    async def __aenter__(self) -> WeChatPayClient:
        await self._pay.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._pay.__aexit__(None, None, None)

    def appids(self) -> set[str]:
        return {self._appid, self._miniapp_appid}

    async def _call(self, what: str, call: Any) -> tuple[int, Any]:
        """Run `call()` with bounded retries on transient failures."""
        for attempt in range(1, self._attempts + 1):
            try:
                code, body = await call()
            except httpx.HTTPError as exc:
                error = PayError("NETWORK", f"{what}: {exc!r}", transient=True)
            except Exception as exc:  # the library raises bare Exception on a bad signature
                raise PayError("BAD_RESPONSE", f"{what}: {exc}") from None
            else:
                if code < 300:
                    return code, body
                error = self._error(code, body)
                if not error.transient:
                    raise error
            if attempt == self._attempts:
                raise error
            log.warning("wechat pay %s failed (%s), retrying", what, error.code)
            await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    @staticmethod
    def _error(status: int, body: Any) -> PayError:
        try:
            data = json.loads(body) if isinstance(body, str | bytes) and body else {}
        except ValueError:
            data = {}
        code = str(data.get("code") or f"HTTP_{status}")
        return PayError(code, str(data.get("message", "")),
                        transient=status >= 500 or code in TRANSIENT_CODES)

    async def native(self, out_trade_no: str, description: str, total_fen: int,
                     expires_at: datetime, attach: str) -> str:
        _, body = await self._call("native", lambda: self._pay.pay(
            description=description, out_trade_no=out_trade_no,
            amount={"total": total_fen, "currency": "CNY"}, time_expire=rfc3339(expires_at),
            attach=attach, pay_type=WeChatPayType.NATIVE))
        return str(json.loads(body)["code_url"])

    async def jsapi(self, out_trade_no: str, description: str, total_fen: int,
                    expires_at: datetime, attach: str, openid: str) -> str:
        _, body = await self._call("jsapi", lambda: self._pay.pay(
            description=description, out_trade_no=out_trade_no,
            amount={"total": total_fen, "currency": "CNY"}, time_expire=rfc3339(expires_at),
            attach=attach, payer={"openid": openid}, appid=self._miniapp_appid,
            pay_type=WeChatPayType.MINIPROG))
        return str(json.loads(body)["prepay_id"])

    def jsapi_params(self, prepay_id: str) -> dict[str, str]:
        # letters only: a nonce is no place for a run of digits that looks like a phone
        stamp = str(int(time.time()))
        nonce = "".join(secrets.choice(string.ascii_letters) for _ in range(32))
        package = f"prepay_id={prepay_id}"
        sign = self._pay.sign([self._miniapp_appid, stamp, nonce, package])
        return {"appId": self._miniapp_appid, "timeStamp": stamp, "nonceStr": nonce,
                "package": package, "signType": "RSA", "paySign": sign}

    async def query(self, out_trade_no: str) -> Trade:
        try:
            _, body = await self._call("query", lambda: self._pay.query(
                out_trade_no=out_trade_no))
        except PayError as exc:
            if exc.code == "ORDER_NOT_EXIST":
                return Trade(out_trade_no=out_trade_no, trade_state="NOTEXIST")
            raise
        return parse_trade(json.loads(body))

    async def close(self, out_trade_no: str) -> None:
        await self._call("close", lambda: self._pay.close(out_trade_no=out_trade_no))

    async def refund(self, out_trade_no: str, out_refund_no: str, total_fen: int,
                     reason: str) -> str:
        _, body = await self._call("refund", lambda: self._pay.refund(
            out_refund_no=out_refund_no, out_trade_no=out_trade_no, reason=reason,
            amount={"refund": total_fen, "total": total_fen, "currency": "CNY"}))
        return str(json.loads(body).get("status", ""))

    async def trade_bill(self, day: date) -> list[BillRow]:
        _, body = await self._call("trade bill", lambda: self._pay._core.request(
            bill_path(day)))
        ticket = parse_ticket(body, self._base)
        _, raw = await self._call("bill download", lambda: self._download(ticket))
        check_hash(raw, ticket)
        rows = parse_bill(raw, self.mchid)
        for row in rows:
            if row.problem:  # the line number only: the line holds the payer's openid
                log.warning("trade bill %s line %s unreadable: %s", day, row.line, row.problem)
        return rows

    async def fund_flow_bill(self, day: date, account_type: str) -> list[FundFlowRow]:
        """The fund-flow bill (资金账单) of one account for a China day, checked by its SHA1."""
        _, body = await self._call("fund-flow bill", lambda: self._pay._core.request(
            fundflow_path(day, account_type)))
        ticket = parse_ticket(body, self._base)
        _, raw = await self._call("bill download", lambda: self._download(ticket))
        check_hash(raw, ticket)
        rows = parse_fundflow(raw)
        for row in rows:
            if row.problem:
                log.warning("fund-flow bill %s line %s unreadable: %s", day, row.line,
                            row.problem)
        return rows

    @property
    def base(self) -> str:
        """The gateway's address (a download address must be on it)."""
        return self._base

    async def fetch(self, ticket: BillTicket) -> tuple[int, bytes]:
        """A file on the gateway by a signed GET (a bill's, a transfer receipt's)."""
        return await self._download(ticket)

    async def _download(self, ticket: BillTicket) -> tuple[int, bytes]:
        """The bill file by a signed GET (the library would read it whole, unverified)."""
        core = self._pay._core
        authorization = build_authorization(ticket.path, "GET", self.mchid,
                                            core._cert_serial_no, core._private_key)
        return await download(core._client, ticket, authorization)
