"""The dates of the keys and certificates this deployment holds (services/admin/key_dates.py):
read from the material where it carries one (the WeChat Pay platform certificates in
WECHATPAY_PLATFORM_CERT_DIR, the merchant API certificate in WECHATPAY_CERT: each one's
notAfter), recorded by the operator where it does not (KEY_ROTATE_BY for this service's raw
keys; `until` of a peer's key in FEDERATION_PEERS). The WeChat Pay public key has no period
(WX-PAY): nothing to date."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from cryptography import x509

from config.settings import Settings, SettingsError
from services.admin import KeyDate
from services.common.clock import end_of_china_day
from services.federation import Federation

# KEY_ROTATE_BY's keys: the raw keys and secrets that carry no date of their own
RECORDED = ("sm4", "federation", "evaluation", "unified_identity", "wechatpay_cert")
WHO_MAX = 32


def parse_until(text: str, what: str) -> datetime:
    """`2027-06-30` (good through that China day) or an ISO moment with its offset
    (`2027-06-30T12:00:00+08:00`); a SettingsError naming `what` otherwise."""
    text = text.strip()
    try:
        if len(text) == 10:
            return end_of_china_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{what}: {text!r} is not a date (2027-06-30)") from None
    if moment.tzinfo is None:
        raise SettingsError(f"{what}: {text!r} needs its offset (+08:00)")
    return moment


def _certificate_end(pem: bytes) -> tuple[str, datetime] | None:
    """A PEM certificate's serial (hex, as WeChat Pay writes it) and notAfter."""
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        return None
    return format(cert.serial_number, "X"), cert.not_valid_after_utc


def _recorded(raw: str, settings: Settings) -> list[KeyDate]:
    try:
        items = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise SettingsError("KEY_ROTATE_BY is not JSON (an object by key)") from None
    if not isinstance(items, dict):
        raise SettingsError("KEY_ROTATE_BY must be a JSON object by key")
    found = []
    for key, entry in items.items():
        if key not in RECORDED:
            raise SettingsError(f"KEY_ROTATE_BY: {key!r} is not one of {', '.join(RECORDED)}")
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(f), str) and entry[f].strip() for f in ("until", "by", "on")):
            raise SettingsError(f"KEY_ROTATE_BY {key}: give until, by (who recorded it) and "
                                "on (when), e.g. {\"until\": \"2027-06-30\", \"by\": \"王工\", "
                                "\"on\": \"2026-11-29\"}")
        try:
            on = date.fromisoformat(entry["on"].strip())
        except ValueError:
            raise SettingsError(f"KEY_ROTATE_BY {key}: on is not a date (2026-11-29)") from None
        name = str(_sm4_version(settings)) if key == "sm4" else ""
        found.append(KeyDate(key, name, parse_until(entry["until"], f"KEY_ROTATE_BY {key}"),
                             False, " ".join(entry["by"].split())[:WHO_MAX], on))
    return found


def _sm4_version(settings: Settings) -> int:
    """The SM4 key that seals now: the highest of SM4_KEYS (1 when derived)."""
    versions = [int(v.split(":", 1)[0]) for v in settings.sm4_keys.split(",")
                if ":" in v and v.split(":", 1)[0].strip().isdigit()]
    return max(versions, default=1)


def _peers(federation: Federation | None) -> list[KeyDate]:
    """Each peer's key with an end that no other key of theirs outlasts."""
    found = []
    for peer in (federation.peers.values() if federation else ()):
        keys = [(k, u) for k, u in ((peer.public_key, peer.until),
                                    (peer.second_key, peer.second_until)) if k]
        if any(u is None for _, u in keys):
            continue  # a key with no end: the peer stays trusted whatever the other's end
        last = max(u for _, u in keys if u is not None)
        found.append(KeyDate("federation_peer", peer.name, last, False))
    return found


def key_dates_of(settings: Settings, federation: Federation | None) -> list[KeyDate]:
    """Every dated key and certificate of this deployment; a SettingsError naming a
    setting that cannot be read."""
    found = _recorded(settings.key_rotate_by, settings) + _peers(federation)
    folder = settings.wechatpay_platform_cert_dir
    if folder and Path(folder).is_dir():
        # WeChat Pay adds the next certificate before the old one ends (WX-PAY): one
        # outlasted by another in the folder needs nothing done
        ends = [got for pem in sorted(Path(folder).glob("*.pem"))
                if (got := _certificate_end(pem.read_bytes())) is not None]
        if ends:
            serial, last = max(ends, key=lambda e: e[1])
            found.append(KeyDate("wechatpay_platform_cert", serial, last, True))
    if settings.wechatpay_cert:
        got = _certificate_end(settings.wechatpay_cert.encode())
        if got is None:
            raise SettingsError("WECHATPAY_CERT is not a PEM certificate (apiclient_cert.pem)")
        found = [k for k in found if k.kind != "wechatpay_cert"]
        found.append(KeyDate("wechatpay_cert", got[0], got[1], True))
    return found
