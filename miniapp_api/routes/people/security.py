"""The security administrator's desk (安全管理员; GB/T 22239-2019 level 3, the separation of
administrators): find a desk person and see their sign-in standing (second factor enrolled,
account locked until when), reset their second factor after a lost phone, unlock an account
locked by failed sign-ins. Each reset and unlock is a change on the audit trail
(miniapp_api/audit.py); nobody does either for themselves (services/people/security_desk.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model, PeopleQuery
from models.people import Role
from services.common.pii import mask_phone
from services.common.redis_keys import CONSOLE_IDLE, CONSOLE_MAX_AGE, LOCK_TTL
from services.people import MAX_FAILURES, PERSON_FAILURES

api = Api()
TAG = "安全"
SECURITY = {Role.SECURITY_ADMIN}


class StandingOut(Model):
    id: int
    name: str
    id_number: str = Field(description="身份证号（脱敏）")
    phone: str = Field(description="手机号（脱敏）")
    roles: list[str]
    role_titles: list[str] = Field(description="角色（中文）")
    second_factor: bool = Field(description="已绑定身份验证器")
    locked_until: datetime | None = Field(description="账号锁定到何时；为空表示未锁定")


class StandingsOut(Model):
    people: list[StandingOut]


async def _standing(call: Call, person_id: int) -> StandingOut:
    seen = await call.domain.security.standing(person_id, call.now)
    person, roles = seen.person, seen.roles
    return StandingOut(id=person.id, name=person.name, id_number=person.id_masked,
                       phone=mask_phone(person.phone), roles=roles,
                       role_titles=[call.services.texts.word("role", r) for r in roles],
                       second_factor=seen.enrolled, locked_until=seen.locked_until)


@api.route("GET", "/security/people", access=SECURITY, query=PeopleQuery,
           response=StandingsOut, tag=TAG,
           summary="按手机号或身份证号查找人员的登录状态（身份验证器、锁定，已脱敏）")
async def find_standing(call: Call, query: PeopleQuery) -> StandingsOut:
    found = await call.domain.administration.find_person(query.phone, query.id_number)
    return StandingsOut(people=[await _standing(call, found.id)] if found else [])


@api.route("POST", "/security/people/{person_id}/second-factor/reset", access=SECURITY,
           response=StandingOut, tag=TAG,
           summary="重置第二重验证：该人员下次登录工作台时重新绑定身份验证器")
async def reset_second_factor(call: Call) -> StandingOut:
    person = await call.domain.security.reset_second_factor(
        call.path_int("person_id"), call.caller.need_person())
    return await _standing(call, person.id)


@api.route("POST", "/security/people/{person_id}/unlock", access=SECURITY,
           response=StandingOut, tag=TAG, summary="解除因多次登录失败而锁定的账号")
async def unlock(call: Call) -> StandingOut:
    person = await call.domain.security.unlock(call.path_int("person_id"),
                                               call.caller.need_person())
    return await _standing(call, person.id)


class PolicyOut(Model):
    key_version: int = Field(description="加密（SM4）当前密钥版本")
    waiting: int = Field(description="尚待用当前密钥重新加密或重算查询摘要的记录数")
    two_factor_roles: list[str] = Field(description="登录须第二重验证的角色（中文）")
    password_days: int = Field(description="工作台密码使用天数上限，0 为不限")
    asker_failures: int = Field(description="同一来源连续失败几次后锁定")
    person_failures: int = Field(
        description="针对同一人员的错误密码（不论来自几个会话）合计几次后暂停其密码登录，需改用短信验证码登录")
    lock_minutes: int
    idle_minutes: int = Field(description="工作台无操作多少分钟后退出")
    session_hours: int = Field(description="工作台一次登录最长几小时")


@api.route("GET", "/security/policy", access=SECURITY, response=PolicyOut, tag=TAG,
           summary="安全策略与密钥状态（只读：策略由部署配置设定）")
async def policy(call: Call) -> PolicyOut:
    vault, texts = call.domain.vault, call.services.texts
    return PolicyOut(
        key_version=vault.version, waiting=await call.domain.reencryption.remaining(vault),
        two_factor_roles=[texts.word("role", r) for r in sorted(call.services.second_factor_roles)],
        password_days=call.services.password_days, asker_failures=MAX_FAILURES,
        person_failures=PERSON_FAILURES, lock_minutes=LOCK_TTL // 60,
        idle_minutes=CONSOLE_IDLE // 60, session_hours=CONSOLE_MAX_AGE // 3600)
