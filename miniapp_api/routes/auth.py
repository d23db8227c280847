"""Sign-in and binding: WeChat login, ID number + SMS code, password, SMS login, register."""

from __future__ import annotations

import contextlib

from tortoise.exceptions import IntegrityError

from bot.wechat_errors import BadCode, UserBlocked, WeChatAPIError
from miniapp_api.auth import Caller
from miniapp_api.errors import domain_errors
from miniapp_api.framework import Access, Api, ApiError, Call, bad_request, conflict, forbidden
from miniapp_api.routes.me import profile_out
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
from models.wechat import Channel, WeChatIdentity
from services.binding import LOGIN, TICKET_TTL, BadCredentials, BoundElsewhere
from services.clock import china_today
from services.identity_rules import parse_phone
from services.people import NewPerson
from services.scenes import BindScene

api = Api()
TAG = "账户"
CODE_SENT = "如果信息正确，验证码已发送到登记的手机号，5分钟内有效。"


def _actor(caller: Caller) -> str:
    assert caller.identity is not None
    return f"mp:{caller.identity.openid}"


async def _bind_here(call: Call, person: Person) -> BoundOut:
    identity = call.caller.identity
    assert identity is not None
    with domain_errors():
        await call.rt.domain.binding.bind(identity, person, call.now)
    return BoundOut(profile=await profile_out(call, person))


async def _sms(call: Call, template: str):  # type: ignore[no-untyped-def]
    async def send(phone: str, code: str) -> None:
        await call.rt.sms.send(phone, call.rt.texts.render(template, code=code))

    return send


@api.route("POST", "/auth/login", access=Access.PUBLIC, body=LoginIn, response=LoginOut,
           summary="用 wx.login() 的 code 登录，得到本服务的会话 token", tag=TAG)
async def login(call: Call, body: LoginIn) -> LoginOut:
    try:
        session = await call.rt.mp_api.jscode2session(body.code)
    except BadCode:
        raise bad_request("登录凭证无效或已使用，请重新进入小程序。", "bad_code") from None
    except UserBlocked:
        raise forbidden("该微信账号暂时无法使用本服务。", "wechat_user_blocked") from None
    except WeChatAPIError:
        raise ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试。") from None
    openid, unionid = session["openid"], session.get("unionid")
    identity, _ = await WeChatIdentity.get_or_create(
        openid=openid, defaults={"channel": Channel.MINI_PROGRAM, "unionid": unionid})
    if unionid and identity.unionid != unionid:
        identity.unionid = unionid
        await identity.save(update_fields=["unionid"])
    if identity.person_id is None and unionid:
        # the same WeChat user already bound through the official account
        oa = await WeChatIdentity.filter(unionid=unionid, channel=Channel.OFFICIAL_ACCOUNT,
                                         person_id__not_isnull=True).first()
        if oa is not None:
            with contextlib.suppress(BoundElsewhere, IntegrityError):
                await call.rt.domain.binding.bind(identity, await Person.get(id=oa.person_id),
                                                  call.now)
    token = await call.rt.mp_sessions.create(identity.id, session["session_key"])
    person = await Person.get_or_none(id=identity.person_id) if identity.person_id else None
    roles = ([g.role for g in await call.rt.domain.people.active_roles(person.id, call.now)]
             if person else [])
    return LoginOut(token=token, bound=person is not None, roles=sorted(roles),
                    must_change_password=bool(person and person.must_change_password))


@api.route("POST", "/auth/bind/start", access=Access.SESSION, body=BindStartIn, response=Ok,
           summary="绑定：提交身份证号，验证码发到登记的手机号", tag=TAG)
async def bind_start(call: Call, body: BindStartIn) -> Ok:
    if call.caller.person is not None:
        raise conflict("您已绑定账户。如需更换，请先解除绑定。")
    with domain_errors():
        await call.rt.domain.binding.start(_actor(call.caller), body.id_number,
                                           await _sms(call, "sms/bind_code.j2"))
    return Ok(message=CODE_SENT)


@api.route("POST", "/auth/bind/confirm", access=Access.SESSION, body=CodeIn,
           response=BoundOut, summary="绑定：提交短信验证码", tag=TAG)
async def bind_confirm(call: Call, body: CodeIn) -> BoundOut:
    with domain_errors():
        person = await call.rt.domain.binding.confirm(_actor(call.caller), body.code)
    return await _bind_here(call, person)


@api.route("POST", "/auth/password-login", access=Access.SESSION, body=PasswordLoginIn,
           response=BoundOut, summary="用手机号或身份证号 + 密码登录并绑定", tag=TAG)
async def password_login(call: Call, body: PasswordLoginIn) -> BoundOut:
    with domain_errors():
        try:
            person = await call.rt.domain.binding.password_login(
                _actor(call.caller), body.account, body.password)
        except BadCredentials as exc:
            raise bad_request(exc.message, "bad_credentials") from None
    return await _bind_here(call, person)


@api.route("POST", "/auth/sms-login/start", access=Access.SESSION, body=PhoneIn, response=Ok,
           summary="短信登录：向手机号发送验证码", tag=TAG)
async def sms_login_start(call: Call, body: PhoneIn) -> Ok:
    with domain_errors():
        await call.rt.domain.binding.start_sms_login(_actor(call.caller), body.phone,
                                                     await _sms(call, "sms/login_code.j2"))
    return Ok(message=CODE_SENT)


@api.route("POST", "/auth/sms-login/confirm", access=Access.SESSION, body=PhoneCodeIn,
           response=BoundOut, summary="短信登录：提交验证码并绑定", tag=TAG)
async def sms_login_confirm(call: Call, body: PhoneCodeIn) -> BoundOut:
    with domain_errors():
        person = await call.rt.domain.binding.confirm(_actor(call.caller), body.code, LOGIN)
    return await _bind_here(call, person)


@api.route("POST", "/auth/register/start", access=Access.SESSION, body=PhoneIn, response=Ok,
           summary="注册：向新手机号发送验证码", tag=TAG)
async def register_start(call: Call, body: PhoneIn) -> Ok:
    with domain_errors():
        phone = parse_phone(body.phone)
        send = await _sms(call, "sms/register_code.j2")

        async def deliver(code: str) -> None:
            await send(phone, code)

        await call.rt.domain.codes.issue("register", _actor(call.caller), f"t:{phone}", phone,
                                         deliver)
    return Ok(message="验证码已发送到该手机号，5分钟内有效。")


@api.route("POST", "/auth/register", access=Access.SESSION, body=RegisterIn, response=BoundOut,
           summary="注册为申请人（超过65周岁不能申请）", tag=TAG)
async def register(call: Call, body: RegisterIn) -> BoundOut:
    if call.caller.person is not None:
        raise conflict("您已绑定账户，无需注册。")
    new = NewPerson(body.name, body.id_number, body.phone, body.email)
    with domain_errors():
        phone = parse_phone(body.phone)
        # a mistake in the form is told before the code is used up (no new SMS needed)
        call.rt.domain.people.check_applicant_form(new, body.password, china_today(call.now))
        pending = await call.rt.domain.codes.check("register", _actor(call.caller), body.code)
        if pending.payload != phone:
            raise bad_request("验证码与手机号不匹配，请重新获取验证码。", "code_rejected")
        person = await call.rt.domain.people.register_applicant(
            NewPerson(body.name, body.id_number, phone, body.email), body.password,
            china_today(call.now))
    return await _bind_here(call, person)


@api.route("POST", "/auth/password", access=Access.BOUND, body=PasswordChangeIn, response=Ok,
           summary="修改密码（初始密码必须先修改）", tag=TAG, allow_initial_password=True)
async def change_password(call: Call, body: PasswordChangeIn) -> Ok:
    with domain_errors():
        await call.rt.domain.people.change_password(call.caller.need_person(),
                                                    body.old_password, body.new_password)
    return Ok(message="密码已修改。")


@api.route("POST", "/auth/unbind", access=Access.SESSION, response=Ok,
           summary="解除小程序与账户的绑定", tag=TAG, allow_initial_password=True)
async def unbind(call: Call) -> Ok:
    assert call.caller.identity is not None
    if not await call.rt.domain.binding.unbind(call.caller.identity):
        raise bad_request("当前没有绑定账户。", "not_bound")
    return Ok(message="已解除绑定。")


@api.route("POST", "/auth/logout", access=Access.SESSION, response=Ok, summary="退出登录",
           tag=TAG, allow_initial_password=True)
async def logout(call: Call) -> Ok:
    if call.caller.token:
        await call.rt.mp_sessions.drop(call.caller.token)
    return Ok(message="已退出。")


@api.route("POST", "/auth/bind-ticket", access=Access.BOUND, response=TicketOut,
           summary="生成一次性绑定二维码：用微信扫码即绑定公众号", tag=TAG)
async def bind_ticket(call: Call) -> TicketOut:
    person = call.caller.need_person()
    ticket = await call.rt.domain.binding.issue_ticket(person)
    scene = call.rt.scenes.encode(BindScene(ticket))
    try:
        qr = await call.rt.api.create_qr(scene, TICKET_TTL)
    except WeChatAPIError:
        raise ApiError(503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试。") from None
    return TicketOut(qr_url=call.rt.api.qr_image_url(qr["ticket"]), expires_in=TICKET_TTL)

