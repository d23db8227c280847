"""The caller's own profile, masked; changing the phone (once a year)."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Access, Api, Call
from miniapp_api.schemas import Model, Ok, PhoneCodeIn, PhoneIn, ProfileOut
from models.people import Person

api = Api()
TAG = "我的"


async def profile_out(call: Call, person: Person) -> ProfileOut:
    p = await call.domain.experts.profile.profile_of(call.domain.people, call.services.texts,
                                                     person, call.now)
    return ProfileOut(name=p.name, gender=p.gender, birth_year=p.birth_year,
                      id_number=p.id_masked, phone=p.phone, email=p.email, roles=p.role_codes,
                      role_titles=p.roles, expert_number=p.expert_number, channels=p.channels,
                      must_change_password=p.must_change_password)


@api.route("GET", "/me", access=Access.BOUND, response=ProfileOut, summary="我的信息（已脱敏）",
           tag=TAG, allow_initial_password=True)
async def me(call: Call) -> ProfileOut:
    return await profile_out(call, call.caller.need_person())


@api.route("POST", "/me/phone/start", access=Access.BOUND, body=PhoneIn, response=Ok,
           summary="更换手机号：向新手机号发送验证码（每年只能更换一次）", tag=TAG)
async def phone_change_start(call: Call, body: PhoneIn) -> Ok:
    await call.domain.registration.start_phone_change(call.caller.need_person(),
                                                      body.phone, call.now)
    return Ok(message=call.said("code_sent_new_phone"))


@api.route("POST", "/me/phone", access=Access.BOUND, body=PhoneCodeIn, response=ProfileOut,
           summary="更换手机号：提交新手机号收到的验证码", tag=TAG)
async def phone_change(call: Call, body: PhoneCodeIn) -> ProfileOut:
    person = call.caller.need_person()
    await call.domain.registration.change_phone(person, body.phone, body.code, call.now)
    return await profile_out(call, person)


class EmailIn(Model):
    email: str = Field(max_length=128, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@api.route("PUT", "/me/email", access=Access.BOUND, body=EmailIn, response=ProfileOut,
           summary="填写或修改邮箱（电子发票发送到这里，尚未开具的发票也改发到这里）",
           tag=TAG)
async def set_email(call: Call, body: EmailIn) -> ProfileOut:
    person = call.caller.need_person()
    await call.domain.invoices.set_email(person, body.email)
    return await profile_out(call, person)
