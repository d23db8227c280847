"""Role checks on every endpoint; ID numbers encrypted at rest and not rebuildable from what is
kept or shown in clear; masking in replies, API responses and logs; identity fields fixed;
password login that does not tell known accounts by its timing."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from tortoise import connections

from miniapp_api.routes import api as collect
from models.people import Role, phone_is
from services.common.pii import find_unmasked, mask_id, mask_text
from tests.support.api import Api
from tests.support.clock import MovedClock
from tests.support.leaks import known_leak_finder
from tests.support.wechat import Chat
from web.context import DOMAIN

# A demo person holding each role (the migrated expert still has the initial password).
ROLE_HOLDERS = {Role.APPLICANT: "applicant", Role.EXPERT: "expert",
                Role.AGENCY_LEGAL: "agency_legal", Role.AGENCY_HANDLER: "handler",
                Role.REVIEWER: "reviewer", Role.VERIFIER: "verifier", Role.ADMIN: "admin",
                Role.SECURITY_ADMIN: "security_admin", Role.AUDIT_ADMIN: "audit_admin"}


@pytest.mark.slow  # every endpoint as every role: the whole matrix, as the fuzz
@pytest.mark.parametrize("role", list(ROLE_HOLDERS), ids=lambda r: str(r.value))
async def test_each_role_gets_403_from_every_other_roles_endpoints(
        api: Api, demo: dict, role: Role) -> None:
    token = await api.login(demo[ROLE_HOLDERS[role]].mp_openid)
    restricted = [ep for ep in collect().endpoints if ep.roles is not None]
    assert {r for ep in restricted for r in ep.roles} >= set(ROLE_HOLDERS) - {Role.APPLICANT}
    checked = 0
    for ep in restricted:
        path = re.sub(r"{\w+}", "1", ep.path)
        answer = await api.call(ep.method, path, token,
                                json={} if ep.method in ("POST", "PUT") else None)
        if role in ep.roles:  # let in (whatever the domain then says of item 1)
            assert answer.error not in ("auth.role_required", "auth.sign_in"), (
                ep.path, role, answer.data)
        else:
            assert answer.status == 403, (ep.path, role, answer.data)
            assert answer.error == "auth.role_required" and "没有权限" in answer.message
            checked += 1
    assert checked >= 5  # every role is refused somewhere


async def test_a_handler_past_its_validity_loses_the_role(api: Api, demo: dict) -> None:
    from datetime import UTC, datetime, timedelta

    from models.people import RoleGrant

    token = await api.login(demo["handler"].mp_openid)
    assert (await api.call("GET", "/agency/membership", token)).status == 200
    await RoleGrant.filter(role=Role.AGENCY_HANDLER).update(
        valid_until=datetime.now(UTC) - timedelta(minutes=1))
    assert (await api.call("GET", "/agency/membership", token)).status == 403


async def test_a_validity_ends_by_the_services_clock_not_the_machines(
        api: Api, demo: dict, clock: MovedClock) -> None:
    """A handler linked until tomorrow is refused once the service's day is past it, as its
    calls' own moment says (it was the machine's clock that decided, and a test's moved day
    was let in)."""
    from datetime import timedelta

    from models.people import RoleGrant

    token = await api.login(demo["handler"].mp_openid)
    await RoleGrant.filter(role=Role.AGENCY_HANDLER).update(
        valid_until=clock.now() + timedelta(days=1))
    assert (await api.call("GET", "/agency/membership", token)).status == 200
    clock.advance(2 * 86400)
    refused = await api.call("GET", "/agency/membership", token)
    assert refused.status == 403 and refused.error == "auth.role_required", refused.data


async def test_at_the_desk_a_validity_ends_by_the_services_clock_too(
        client: TestClient, demo: dict, clock: MovedClock) -> None:
    """The console reads a session's roles by the same clock: two hours on, a handler linked
    for one more hour finds the agency's pages closed, in words."""
    from datetime import timedelta

    from models.people import RoleGrant
    from tests.support.console import Desk

    await RoleGrant.filter(role=Role.AGENCY_HANDLER).update(
        valid_until=clock.now() + timedelta(hours=1))
    desk = Desk(client)
    await desk.sign_in(demo["handler"].phone)
    opened, _ = await desk.get("/console/activities")
    assert opened.status == 200
    clock.advance(2 * 3600)
    closed, page = await desk.get("/console/activities")
    assert closed.status == 403 and "权限" in page


async def test_legal_person_links_a_handler_for_a_period(api: Api, demo: dict) -> None:
    token = await api.login(demo["agency_legal"].mp_openid)
    linked = await api.call("POST", "/agency/handlers", token,
                            {"phone": demo["applicant"].phone,
                             "valid_until": "2099-01-01T00:00:00+08:00"})
    assert linked.status == 200 and linked.data["name"] == "王晓明"
    listed = await api.call("GET", "/agency/handlers", token)
    assert {m["name"] for m in listed.data["members"]} == {"陈志强", "王晓明"}
    past = await api.call("POST", "/agency/handlers", token,
                          {"phone": demo["expert"].phone, "valid_until": "2000-01-01T00:00:00Z"})
    assert past.status == 400 and "有效期" in past.message


async def test_id_numbers_are_encrypted_at_rest(client: TestClient, demo: dict) -> None:
    expert = demo["expert"]
    rows = await connections.get("default").execute_query_dict("SELECT * FROM person")
    dump = repr(rows)
    for person in demo.values():
        assert person.id_number not in dump
        assert person.id_number[6:14] not in dump  # not even the birth date part in clear
    people = client.app[DOMAIN].people
    stored = await people.by_id_number(expert.id_number)
    assert stored is not None and people.id_number_of(stored) == expert.id_number
    assert stored.id_number_hash != expert.id_number and len(stored.id_number_hash) == 64


def test_log_lines_are_masked_even_where_code_forgets(caplog: pytest.LogCaptureFixture) -> None:
    from config.observability.logging_setup import install_pii_masking

    install_pii_masking()
    log = logging.getLogger("careless.module")
    with caplog.at_level(logging.INFO):
        log.info("user %s with id %s", "13812345678", "11010519491231002X")
        log.warning("raw f-string 13900001111 and 440524188001010014")
        try:
            raise ValueError("bad 11010519491231002X")
        except ValueError:
            log.exception("failed")
    text = caplog.text
    assert "13812345678" not in text and "11010519491231002X" not in text
    assert "138****5678" in text and "110105********002X" in text
    assert "440524********0014" in text


def _date_forms(born: date) -> list[str]:
    """The ways a birth date gets written."""
    return [born.isoformat(), f"{born:%Y%m%d}", f"{born:%Y年%m月%d日}",
            f"{born.year}年{born.month}月{born.day}日", f"{born:%m月%d日}",
            f"{born.month}月{born.day}日", f"{born:%Y/%m/%d}", repr(born)]


async def test_the_stored_row_and_the_masked_number_do_not_give_the_id_number(
        client: TestClient, demo: dict) -> None:
    from services.people.identity_rules import IdentityRules

    rows = await connections.get("default").execute_query_dict("SELECT * FROM person")
    by_masked = {r["id_masked"]: r for r in rows}
    for person in demo.values():
        number = IdentityRules.parse_id_number(person.id_number)
        row = by_masked[mask_id(person.id_number)]
        dump = repr(row)
        assert person.id_number[6:14] not in dump  # the digits the display hides
        assert not [f for f in _date_forms(number.birth_date) if f in dump]
        assert not [v for v in row.values() if type(v) is date]  # no date column left
        # what the row and the display say, in clear: region, year, sequence, check
        # character; the month and day stay open (about 33 numbers fit, not one)
        masked, year = row["id_masked"], row["birth_year"]
        assert year == number.birth_date.year
        fitting = [n for day in range(366)
                   if (born := date(year, 1, 1) + timedelta(days=day)).year == year
                   and (n := masked[:6] + f"{born:%Y%m%d}" + masked[-4:-1])
                   and IdentityRules.id_check_character(n) == masked[-1]]
        assert person.id_number[:17] in fitting and len(fitting) > 10


async def test_profile_replies_show_the_birth_year_not_the_date(chat: Chat, api: Api,
                                                                demo: dict) -> None:
    from services.people.identity_rules import IdentityRules

    expert = demo["expert"]
    born = IdentityRules.parse_id_number(expert.id_number).birth_date
    reply = (await chat.say(expert.openid, "我的信息")).text
    profile = (await api.call("GET", "/me", await api.login(expert.mp_openid))).data
    assert f"出生年份：{born.year}年" in reply and profile["birth_year"] == f"{born.year}年"
    assert mask_id(expert.id_number) in reply and profile["id_number"] == mask_id(
        expert.id_number)
    assert "birth_date" not in profile
    for shown in (reply, json.dumps(profile, ensure_ascii=False)):
        assert expert.id_number[6:14] not in shown
        assert not [f for f in _date_forms(born) if f in shown], shown


async def test_the_printed_review_form_shows_the_birth_year_only(api: Api, demo: dict) -> None:
    from services.people.identity_rules import IdentityRules
    from tests.support.applications import FILES, applicant, form, make_batch

    born = IdentityRules.parse_id_number(demo["applicant"].id_number).birth_date
    token = await applicant(api, demo)
    app_id = (await api.call("POST", "/applications", token,
                             {"batch_id": (await make_batch()).id})).data["id"]
    assert (await api.call("PUT", f"/applications/{app_id}", token, form())).status == 200
    for kind, content in FILES.items():  # printing locks the attachments too
        assert (await api.upload(f"/applications/{app_id}/attachments/{kind}", token,
                                 content)).status == 200
    url = urlsplit((await api.call("POST", f"/applications/{app_id}/print", token)
                    ).data["form_url"])
    page = await (await api.client.get(f"{url.path}?{url.query}")).text()
    assert f"{born.year}年" in page and mask_id(demo["applicant"].id_number) in page
    assert not [f for f in _date_forms(born) if f in page]


async def test_the_age_rule_reads_the_birth_date_from_the_encrypted_number(
        client: TestClient, api: Api) -> None:
    """Only the year is in clear: the 65th-birthday boundary needs the full date."""
    from datetime import UTC, datetime

    from models.wechat import Channel, WeChatIdentity
    from services.common.clock import china_today
    from services.demo_codes import demo_id
    from services.people.persons import NewPerson
    from tests.support.applications import make_batch

    today = china_today(datetime.now(UTC))
    if (today.month, today.day) in ((2, 29), (1, 1), (12, 31)):
        return  # the year boundaries: the plain case is enough for this test
    people = client.app[DOMAIN].people
    batch = await make_batch()
    answers = {}
    for n, born in enumerate((today.replace(year=today.year - 65),
                              today.replace(year=today.year - 65) - timedelta(days=1))):
        person = await people.create(NewPerson(f"申请人{n}", demo_id("440106", born, 300 + n,
                                                                    True), f"1370000000{n}"))
        await WeChatIdentity.create(openid=f"mp_age_{n}", channel=Channel.MINI_PROGRAM,
                                    person_id=person.id, bound_at=datetime.now(UTC))
        answers[n] = await api.call("POST", "/applications", await api.login(f"mp_age_{n}"),
                                    {"batch_id": batch.id})
    assert answers[0].status == 200, answers[0].data  # 65 today: not over 65
    assert answers[1].status == 403 and "超过65周岁" in answers[1].message


@pytest.mark.parametrize("written", [
    "13800000002", "+8613800000002", "+86 138 0000 0002", "+86-138-0000-0002",
    "138-0000-0002", "138 0000 0002", "0086 13800000002", "(+86)138 0000 0002",
    "138 0000-0002"])
def test_every_written_form_of_a_phone_is_masked(written: str) -> None:
    text = f"联系电话：{written}，请回电"
    masked = mask_text(text)
    assert "138****0002" in masked and "0000" not in masked.replace("138****0002", "")
    assert find_unmasked(text) == [written] and find_unmasked(masked) == []


@pytest.mark.parametrize("number", [
    "EB261121103000A1B2C3D4E5",  # an order number
    "订单号 4200001234202611211380000000",  # a WeChat Pay transaction id
    "1380000000", "138000000021", "金额 1 380 000 元", "2026-11-21 13:45:00",
    "8613800000002",  # without + or 00: an ordinary 13-digit number
    "6222 0213 8000 0000 002",  # a bank card, grouped by 4
    # a draw's seed hash in hex (seen masked in CI: 161****5441...)
    "16111595441bdf3a566be7590253d08e84c18b5b8ac4718b7c9398c0dda45008",
    "f0e13800000002ab",
])
def test_ordinary_numbers_are_left_alone(number: str) -> None:
    assert mask_text(number) == number and find_unmasked(number) == []


def test_the_api_mask_spares_opaque_fields_only() -> None:
    """The API's last-line mask covers the new forms, and still leaves a model's OPAQUE
    fields (signed payment values) as they are."""
    from typing import ClassVar

    from miniapp_api.framework import masked_json
    from miniapp_api.schemas import Model

    class Out(Model):
        OPAQUE: ClassVar[frozenset[str]] = frozenset({"signature"})
        note: str
        signature: str

    out = json.loads(masked_json(Out(note="请拨 +86 138 0000 0002 或 138-0000-0002",
                                     signature="a+86 138 0000 0002=")))
    assert out["note"] == "请拨 +86 138****0002 或 138****0002"
    assert out["signature"] == "a+86 138 0000 0002="


def test_the_api_mask_masks_strings_and_leaves_numbers_numbers() -> None:
    """A number shaped like a phone or an ID number (a row id, which the document allows up
    to 2^63 - 1) is no personal data and stays the number its schema says: masked in the
    JSON text it left the answer no JSON at all. A string holding one is masked, keys too."""
    from miniapp_api.framework import masked_json
    from miniapp_api.schemas import Model

    class Out(Model):
        id: int
        ids: list[int]
        note: str
        values: dict[str, object]

    out = json.loads(masked_json(Out(
        id=13800000002, ids=[110105198001010023], note="13800000002",
        values={"13800000002": [13800000002, "110105198001010023"]})))
    assert out == {"id": 13800000002, "ids": [110105198001010023], "note": "138****0002",
                   "values": {"138****0002": [13800000002, "110105********0023"]}}


def test_log_lines_mask_phones_with_country_code_and_groups(
        caplog: pytest.LogCaptureFixture) -> None:
    from config.observability.logging_setup import install_pii_masking

    install_pii_masking()
    with caplog.at_level(logging.INFO):
        logging.getLogger("careless.module").info(
            "sms to %s, %s and %s", "+8613812345678", "+86 138 1234 5678", "138-1234-5678")
    assert caplog.text.count("138****5678") == 3 and "1234" not in caplog.text


def test_the_leak_scan_does_not_depend_on_the_masking_regex() -> None:
    """The suite-wide scan (conftest) looks for the real numbers of the people a test made:
    written in a way the masking regex does not know, they are still found."""
    find = known_leak_finder({"13800000002"}, {"11010519491231002X"})
    for written in ("138.0000.0002", "8613800000002", "+86 138.0000.0002", "138 00 00 00 02",
                    "单位1003 138.0000.0002", "身份证 110105 1949 1231 002x",
                    "110105-19491231-002x"):
        assert find_unmasked(mask_text(written)) == []  # the regex lets these through...
        assert find(mask_text(written)), written  # ...the scan does not
    assert find("138****0002 110105********002X EB2026113800000002 13800000003") == []


async def test_password_login_does_the_same_work_for_unknown_accounts(
        api: Api, demo: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """No timing difference between a known and an unknown account: the scrypt check runs
    for both (against a dummy hash when nobody matches, or for a person with no password)."""
    import services.people.persons
    from services.demo_codes import demo_id

    checked: list[str | None] = []
    real = services.people.persons.verify_password

    async def spy(password: str, stored: str | None) -> bool:
        checked.append(stored)
        return await real(password, stored)

    monkeypatch.setattr(services.people.persons, "verify_password", spy)
    token = await api.login("mp_timing")
    unknown_id = demo_id("110105", date(1960, 1, 2), 9, True)
    for account in (demo["applicant"].id_number, unknown_id, "13700000099",
                    demo["applicant"].phone):
        answer = await api.call("POST", "/auth/password-login", token,
                                {"account": account, "password": "Wrong1234"})
        assert answer.status == 400 and answer.error == "auth.bad_credentials"
    assert len(checked) == 4
    assert all(stored and stored.startswith("scrypt$") for stored in checked)


async def test_name_and_id_number_cannot_change_by_any_path(client: TestClient,
                                                            demo: dict) -> None:
    from models.people import IMMUTABLE, ImmutableFieldError, Person

    expert = demo["expert"]
    person = await Person.get(phone_is(expert.phone))
    before = await Person.filter(id=person.id).values(*IMMUTABLE)
    other = "440104197208030010"
    people = client.app[DOMAIN].people
    for field, value in (("name", "改个名"), ("id_number_enc", people.vault.encrypt(other)),
                         ("id_number_hash", people.vault.lookup_hash(other)),
                         ("id_masked", mask_id(other)), ("birth_year", 1999),
                         ("gender", "F")):
        fresh = await Person.get(id=person.id)
        setattr(fresh, field, value)
        with pytest.raises(ImmutableFieldError, match="never change"):
            await fresh.save()
        with pytest.raises(ImmutableFieldError, match="never change"):
            await fresh.save(update_fields=[field])
        with pytest.raises(ImmutableFieldError, match="never change"):
            await Person.filter(id=person.id).update(**{field: value})
        with pytest.raises(ImmutableFieldError, match="never change"):
            await Person.bulk_update([fresh], fields=[field])
        # an object built with an existing id (never loaded) is saved as an UPDATE too
        stranger = Person(id=person.id, **{field: value})
        with pytest.raises(ImmutableFieldError, match="never change"):
            await stranger.save(update_fields=[field])
        with pytest.raises(ImmutableFieldError, match="never change"):
            await stranger.save(force_update=True)
    assert await Person.filter(id=person.id).values(*IMMUTABLE) == before
    # the other fields still change the usual ways
    await Person.filter(id=person.id).update(email="new@example.com")
    assert (await Person.get(id=person.id)).email == "new@example.com"
    assert people.id_number_of(await Person.get(id=person.id)) == expert.id_number


@pytest.mark.slow  # migrates a database of its own to 0010
async def test_migration_0010_keeps_the_year_and_drops_the_date(tmp_path: Path) -> None:
    """From a database at 0009 with people in it: the year is filled in, the date column is
    gone, and the rows that reference a person are still there (no table rebuild)."""
    from tortoise import Tortoise
    from tortoise.context import TortoiseContext
    from tortoise.migrations.api.migrate import migrate

    from config.db.tortoise import tortoise_config
    from tests.support.settings import make_settings

    settings = make_settings({"DATABASE_URL": f"sqlite://{tmp_path / 'm.sqlite3'}",
                              "REDIS_URL": "redis://127.0.0.1:9/0", "VAR": str(tmp_path)})
    config = tortoise_config(settings)
    async with TortoiseContext():
        await migrate(config=config, target="models.0009_attendance")
        await connections.get("default").execute_script(
            "INSERT INTO person (id, name, id_number_enc, id_number_hash, id_masked, gender,"
            " birth_date, phone, must_change_password, created_at, updated_at) VALUES"
            " (1, '张三', 'x', 'h', '110105********002X', 'M', '1949-12-31', '13800000002', 0,"
            " '2026-01-01', '2026-01-01');"
            " INSERT INTO role_grant (id, person_id, role, granted_at)"
            " VALUES (1, 1, 'expert', '2026-01-01')")
        await Tortoise.close_connections()
    async with TortoiseContext():  # to 0010 only: the later ones are the template's to test
        await migrate(config=config, target="models.0010_birth_year")
        rows = await connections.get("default").execute_query_dict("SELECT * FROM person")
        grants = await connections.get("default").execute_query_dict(
            "SELECT * FROM role_grant")
        await Tortoise.close_connections()
    assert rows[0]["birth_year"] == 1949 and "birth_date" not in rows[0]
    assert len(grants) == 1
