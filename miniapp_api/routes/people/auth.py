"""Sign-in and binding: WeChat login, ID number + SMS code, password, SMS login, register."""

from __future__ import annotations

from miniapp_api.caller import Caller
from miniapp_api.framework import Access, Api, Call
from miniapp_api.routes.people.me import profile_out
from miniapp_api.schemas import (
    BindStartIn,
    BoundOut,
    CodeIn,
    LoginIn,
    LoginOut,
    Ok,
    PasswordChangeIn,
    PasswordLoginIn,
    PhoneCodeIn,
    PhoneIn,
    RegisterIn,
    TicketOut,
)
from models.people import Person
from services.common.errors import Conflict
from services.common.redis_keys import TICKET_TTL
from services.common.scenes import BindScene
from services.people import LOGIN, NewPerson

api = Api()
TAG = "账户"


def _actor(caller: Caller) -> str:
    return f"mp:{caller.need_identity().openid}"


async def _bind_here(call: Call, person: Person) -> BoundOut:
    await call.domain.binding.bind(call.caller.need_identity(), person, call.now)
    return BoundOut(profile=await profile_out(call, person))


@api.route("POST", "/auth/login", access=Access.PUBLIC, body=LoginIn, response=LoginOut,
           summary="用 wx.login() 的 code 登录，得到本服务的会话 token", tag=TAG)
async def login(call: Call, body: LoginIn) -> LoginOut:
    session = await call.services.login.login(body.code)
    identity, person = await call.domain.binding.mini_program_identity(
        session.openid, session.unionid, call.now)
    token = await call.services.sessions.create(identity.id, session.session_key)
    roles = ([g.role for g in await call.domain.people.active_roles(person.id, call.now)]
             if person else [])
    return LoginOut(token=token, bound=person is not None, roles=sorted(roles),
                    must_change_password=bool(person and person.must_change_password))


@api.route("POST", "/auth/bind/start", access=Access.SESSION, body=BindStartIn, response=Ok,
           summary="绑定：提交身份证号，验证码发到登记的手机号", tag=TAG)
async def bind_start(call: Call, body: BindStartIn) -> Ok:
    if call.caller.person is not None:
        raise Conflict("auth.already_bound")
    await call.domain.binding.start(_actor(call.caller), body.id_number)
    return Ok(message=call.said("code_sent_if_known"))


@api.route("POST", "/auth/bind/confirm", access=Access.SESSION, body=CodeIn,
           response=BoundOut, summary="绑定：提交短信验证码", tag=TAG)
async def bind_confirm(call: Call, body: CodeIn) -> BoundOut:
    person = await call.domain.binding.confirm(_actor(call.caller), body.code)
    return await _bind_here(call, person)


@api.route("POST", "/auth/password-login", access=Access.SESSION, body=PasswordLoginIn,
           response=BoundOut, summary="用手机号或身份证号 + 密码登录并绑定", tag=TAG)
async def password_login(call: Call, body: PasswordLoginIn) -> BoundOut:
    person = await call.domain.binding.password_login(_actor(call.caller), body.account,
                                                      body.password)
    return await _bind_here(call, person)


@api.route("POST", "/auth/sms-login/start", access=Access.SESSION, body=PhoneIn, response=Ok,
           summary="短信登录：向手机号发送验证码", tag=TAG)
async def sms_login_start(call: Call, body: PhoneIn) -> Ok:
    await call.domain.binding.start_sms_login(_actor(call.caller), body.phone)
    return Ok(message=call.said("code_sent_if_known"))


@api.route("POST", "/auth/sms-login/confirm", access=Access.SESSION, body=PhoneCodeIn,
           response=BoundOut, summary="短信登录：提交验证码并绑定", tag=TAG)
async def sms_login_confirm(call: Call, body: PhoneCodeIn) -> BoundOut:
    person = await call.domain.binding.confirm(_actor(call.caller), body.code, LOGIN)
    return await _bind_here(call, person)


@api.route("POST", "/auth/register/start", access=Access.SESSION, body=PhoneIn, response=Ok,
           summary="注册：向新手机号发送验证码", tag=TAG)
async def register_start(call: Call, body: PhoneIn) -> Ok:
    await call.domain.registration.start(_actor(call.caller), body.phone)
    return Ok(message=call.said("code_sent"))


@api.route("POST", "/auth/register", access=Access.SESSION, body=RegisterIn, response=BoundOut,
           summary="注册为申请人（超过65周岁不能申请）", tag=TAG)
async def register(call: Call, body: RegisterIn) -> BoundOut:
    if call.caller.person is not None:
        raise Conflict("auth.bound_no_register")
    person, verified = await call.domain.registration.register(
        _actor(call.caller), NewPerson(body.name, body.id_number, body.phone, body.email),
        body.password, body.code, call.now)
    bound = await _bind_here(call, person)
    bound.message = call.services.texts.render("miniapp/registered_verified.j2" if verified
                                               else "miniapp/registered_unverified.j2")
    return bound


@api.route("POST", "/auth/password", access=Access.BOUND, body=PasswordChangeIn, response=Ok,
           summary="修改密码（初始密码必须先修改）", tag=TAG, allow_initial_password=True)
async def change_password(call: Call, body: PasswordChangeIn) -> Ok:
    await call.domain.binding.change_password(_actor(call.caller), call.caller.need_person(),
                                              body.old_password, body.new_password)
    return Ok(message=call.said("password_changed"))


@api.route("POST", "/auth/unbind", access=Access.SESSION, response=Ok,
           summary="解除小程序与账户的绑定", tag=TAG, allow_initial_password=True)
async def unbind(call: Call) -> Ok:
    if not await call.domain.binding.unbind(call.caller.need_identity()):
        raise Conflict("auth.nothing_to_unbind")
    return Ok(message=call.said("unbound"))


@api.route("POST", "/auth/logout", access=Access.SESSION, response=Ok, summary="退出登录",
           tag=TAG, allow_initial_password=True)
async def logout(call: Call) -> Ok:
    if call.caller.token:
        await call.services.sessions.drop(call.caller.token)
    return Ok(message=call.said("signed_out"))


@api.route("POST", "/auth/bind-ticket", access=Access.BOUND, response=TicketOut,
           summary="生成一次性绑定二维码：用微信扫码即绑定公众号", tag=TAG)
async def bind_ticket(call: Call) -> TicketOut:
    ticket = await call.domain.binding.issue_ticket(call.caller.need_person())
    url = await call.services.qr.qr_image(call.domain.scenes.encode(BindScene(ticket)),
                                          TICKET_TTL)
    return TicketOut(qr_url=url, expires_in=TICKET_TTL)
