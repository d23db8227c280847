"""Keys and certificates that end, told before they do (WX-PAY: a platform certificate lasts
five years; GB-39786: a key is replaced within its period): the thresholds as a golden
table at China's day boundary, the words with what to do, each source of a date read
(a certificate's notAfter) or recorded (KEY_ROTATE_BY, a peer's `until`), a peer's second
key accepted during the overlap and not the old one after it, and the administrator's
warnings over the API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from config.federation import FederationSettings, federation_of
from config.key_dates import key_dates_of
from config.settings import Settings, SettingsError
from services.admin import KeyDate, KeyDates
from services.admin.key_dates import level_of
from services.common.clock import CHINA, end_of_china_day
from services.common.texts import Texts
from services.federation import Federation, Identity, Incoming, Keys, NotTrusted, Peer, Trust
from tests.support.api import Api

LAST = date(2027, 6, 30)  # "rotate by 2027-06-30": good through that China day
RECORDED = KeyDate("sm4", "2", end_of_china_day(LAST), False, "王工", date(2026, 11, 29))


def china(day: date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CHINA)


# days before the last day -> the warning at the first and the last second of that China day
GOLDEN = [(31, None), (30, "30"), (8, "30"), (7, "7"), (0, "7"), (-1, "past")]


@pytest.mark.parametrize(("before", "level"), GOLDEN)
def test_the_thresholds_at_chinas_day_boundary(before: int, level: str | None) -> None:
    day = LAST - timedelta(days=before)
    for now in (china(day), china(day, 23, 59, 59)):
        got = level_of(RECORDED, now.astimezone(UTC))
        assert (got.level if got else None) == level, (now, got)
        assert got is None or got.days == before
    # the UTC day is not China's: 16:00 UTC is the next China day's midnight
    eve = china(LAST - timedelta(days=31), 23, 59, 59).astimezone(UTC)
    assert eve.hour == 15 and level_of(RECORDED, eve) is None
    assert level_of(RECORDED, eve + timedelta(seconds=1)).level == "30"  # type: ignore[union-attr]


def test_a_certificate_ends_at_its_moment_not_at_midnight() -> None:
    """notAfter 10:00 China time on its last day: still "7" (today) at 09:59:59, past at
    10:00."""
    cert = KeyDate("wechatpay_platform_cert", "5157F09E", china(LAST, 10), True)
    assert cert.last_day == LAST
    before = level_of(cert, china(LAST, 9, 59, 59))
    assert before is not None and (before.level, before.days) == ("7", 0)
    assert level_of(cert, china(LAST, 10)).level == "past"  # type: ignore[union-attr]


def test_the_words_say_when_and_what_to_do() -> None:
    dates = KeyDates([RECORDED], Texts(Path("texts")))
    said = {}
    for before in (30, 7, 0, -1):
        warning = level_of(RECORDED, china(LAST - timedelta(days=before), 12))
        assert warning is not None
        said[before] = dates.words(warning)
    assert said[30].startswith("个人信息加密密钥（SM4 第2版）将于2027年06月30日到期（还有30天）")
    assert "（到期日由王工于2026年11月29日记录）" in said[30]
    assert "请在2027年06月30日前在 SM4_KEYS 中加入新版本密钥" in said[30]
    assert "expertbot reencrypt" in said[30] and "docs/security.md" in said[30]
    assert "还有7天" in said[7]
    assert "今天（2027年06月30日）是最后一天" in said[0]
    assert said[-1].startswith("个人信息加密密钥（SM4 第2版）已于2027年06月30日到期（到期日由王工")
    assert "请尽快" in said[-1]


def self_signed(not_after: datetime) -> tuple[str, str]:
    """A certificate (PEM) ending at that moment, and its serial as WeChat Pay writes it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_after - timedelta(days=1825)).not_valid_after(not_after)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM).decode(),
            format(cert.serial_number, "X"))


def test_each_date_is_read_or_recorded(settings: Settings, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    ends = datetime(2027, 6, 30, 2, 0, tzinfo=UTC)
    platform, serial = self_signed(ends)
    (tmp_path / "wechatpay_2.pem").write_text(platform)
    older, older_serial = self_signed(ends - timedelta(days=365))  # replaced: not said
    (tmp_path / "wechatpay_1.pem").write_text(older)
    merchant, merchant_serial = self_signed(ends + timedelta(days=100))
    recorded = {"sm4": {"until": "2027-03-31", "by": "王工", "on": "2026-11-29"},
                "federation": {"until": "2027-12-31", "by": "李工", "on": "2026-11-29"},
                "wechatpay_cert": {"until": "2027-01-01", "by": "王工", "on": "2026-11-29"}}
    ours = settings.model_copy(update={
        "wechatpay_mchid": "1900000001", "wechatpay_platform_cert_dir": str(tmp_path),
        "wechatpay_cert": merchant, "key_rotate_by": json.dumps(recorded),
        "sm4_keys": f"1:{'A' * 22}==,3:{'B' * 22}=="})
    old, new = Keys.new_private(), Keys.new_private()
    monkeypatch.setenv("FEDERATION_CODE", "440200")
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([
        {"code": "440100", "name": "广州市评标专家库", "url": "http://127.0.0.1:9",
         "public_key": Identity("x", "x", old).public_key(), "until": "2027-01-31"},
        {"code": "440300", "name": "深圳市评标专家库", "url": "http://127.0.0.1:9",
         "public_key": Identity("x", "x", old).public_key(), "until": "2027-01-31",
         "second_public_key": Identity("x", "x", new).public_key()}]))
    found = {(k.kind, k.name): k for k in key_dates_of(ours, federation_of(ours))}
    assert found[("wechatpay_platform_cert", serial)].ends == ends
    assert found[("wechatpay_platform_cert", serial)].read
    assert ("wechatpay_platform_cert", older_serial) not in found
    # the certificate given wins over a recorded date for the same
    assert found[("wechatpay_cert", merchant_serial)].last_day == date(2027, 10, 8)
    assert ("wechatpay_cert", "") not in found
    assert found[("sm4", "3")].last_day == date(2027, 3, 31)
    assert (found[("sm4", "3")].recorded_by, found[("sm4", "3")].recorded_on) == (
        "王工", date(2026, 11, 29))
    assert found[("federation", "")].last_day == date(2027, 12, 31)
    # a peer with a second key and no end is not warned of; one without is
    assert found[("federation_peer", "广州市评标专家库")].last_day == date(2027, 1, 31)
    assert ("federation_peer", "深圳市评标专家库") not in found
    for wrong, says in (("[]", "a JSON object"), ('{"sm3": {}}', "'sm3' is not one of"),
                        ('{"sm4": {"until": "2027-06-30"}}', "give until, by"),
                        ('{"sm4": {"until": "30/06/2027", "by": "王工", "on": "2026-11-29"}}',
                         "is not a date")):
        with pytest.raises(SettingsError, match=says):
            key_dates_of(ours.model_copy(update={"key_rotate_by": wrong}), None)
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": "440100", "name": "广州", "url": "u", "public_key": Keys.new_private(),
        "until": "2027-02-30"}]))
    with pytest.raises(SettingsError, match=r"440100.*until.*not a date"):
        federation_of(ours, FederationSettings())


async def test_a_second_key_is_accepted_in_the_overlap_and_the_old_not_after(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """广州 rotates its key: 韶关 lists the new one beside the old, whose end is 31 January
    (China). Signed with either, a request and an answer are believed on the 31st; from 1
    February only the new key's."""
    old, new = Identity("440100", "广州", Keys.new_private()), Identity(
        "440100", "广州", Keys.new_private())
    monkeypatch.setenv("FEDERATION_CODE", "440200")
    monkeypatch.setenv("FEDERATION_PEERS", json.dumps([{
        "code": "440100", "name": "广州", "url": "http://127.0.0.1:9",
        "public_key": old.public_key(), "until": "2027-01-31",
        "second_public_key": new.public_key()}]))
    here = federation_of(settings, FederationSettings())
    assert here.identity is not None
    guangzhou = here.peers["440100"]
    shaoguan = Peer("440200", "韶关", "", here.identity.public_key())
    ours = Trust(here, None, "")
    path, last_second = "/federation/v1/directory", int(
        china(date(2027, 1, 31), 23, 59, 59).timestamp())
    for signer, now, believed in ((old, last_second, True), (new, last_second, True),
                                  (old, last_second + 1, False), (new, last_second + 1, True)):
        theirs = Trust(Federation(signer, {shaoguan.code: shaoguan}), None, "")
        headers = theirs.sign_request(shaoguan, "GET", path, b"", now)
        with pytest.raises(NotTrusted) as refused:  # past the signature: no Redis, "off"
            await ours.check_request(headers, "GET", path, b"", now)
        assert refused.value.reason == ("off" if believed else "bad_signature")
        answer = theirs.sign_answer(Incoming(shaoguan, "n" * 16), 200, b"{}")
        if believed:
            ours.check_answer(guangzhou, "n" * 16, 200, answer, b"{}", now)
        else:
            with pytest.raises(NotTrusted, match="bad_signature"):
                ours.check_answer(guangzhou, "n" * 16, 200, answer, b"{}", now)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """This centre recorded its SM4 key's rotation for five days from now (China)."""
    soon = (datetime.now(CHINA) + timedelta(days=5)).date()
    return settings.model_copy(update={"key_rotate_by": json.dumps(
        {"sm4": {"until": soon.isoformat(), "by": "王工", "on": "2026-11-29"},
         "federation": {"until": "2099-12-31", "by": "李工", "on": "2026-11-29"}})})


async def test_the_administrator_reads_the_keys_and_their_warnings(
        api: Api, demo: dict) -> None:
    """The SM4 key recorded in the settings; an evaluation system's key dated on its row of
    the register, by the administrator who entered it (a stopped system is not warned of)."""
    admin = await api.login(demo["admin"].mp_openid)
    soon = (datetime.now(CHINA) + timedelta(days=12)).date()
    system = {"code": "GZJY", "name": "广州公共资源交易中心电子评标系统", "centres": ["440100"],
              "public_key": Identity("GZJY", "x", Keys.new_private()).public_key(),
              "key_rotate_by": soon.isoformat()}
    made = await api.call("POST", "/admin/evaluation-systems", admin, system)
    assert made.status == 200, made.data
    assert made.data["systems"][0]["key_rotate_by"] == soon.isoformat()
    got = await api.call("GET", "/admin/keys", admin)
    assert got.status == 200, got.data
    assert got.data["warnings"] == 2
    first, second, third = got.data["keys"]
    assert (first["kind"], first["level"], first["recorded_by"]) == ("sm4", "7", "王工")
    assert "还有5天" in first["words"] and "expertbot reencrypt" in first["words"]
    assert (second["kind"], second["name"], second["level"]) == (
        "evaluation_system", "广州公共资源交易中心电子评标系统", "30")
    assert second["recorded_by"] == demo["admin"].name and "还有12天" in second["words"]
    assert (third["kind"], third["level"], third["words"]) == ("federation", None, "")
    # stopped: not warned of
    system_id = made.data["systems"][0]["id"]
    assert (await api.call("PUT", f"/admin/evaluation-systems/{system_id}", admin,
                           {**system, "active": False})).status == 200
    assert (await api.call("GET", "/admin/keys", admin)).data["warnings"] == 1
    expert = await api.login(demo["expert"].mp_openid)
    assert (await api.call("GET", "/admin/keys", expert)).status == 403
