"""绑定 / 解绑 / 我的信息, and binding by scanning a one-time ticket QR code.

Binding (flow "bind", 10 minutes):
| state    | input                     | next     | reply                                  |
| -------- | ------------------------- | -------- | -------------------------------------- |
| (none)   | 绑定 (already bound)       | (none)   | bind_already                           |
| (none)   | 绑定                       | ASK_ID   | bind_ask_id                            |
| ASK_ID   | a malformed ID number     | ASK_ID   | bind_bad_id (what is wrong)            |
| ASK_ID   | a valid ID number         | ASK_CODE | bind_code_sent — the same whether or   |
|          |                           |          | not the number is on record            |
| ASK_ID   | asked again within 60 s   | ASK_CODE | the throttle's message (code still valid) |
| ASK_ID   | locked                    | (none)   | bind_restart (when to try again)       |
| ASK_CODE | the right 6 digits        | (none)   | bind_done                              |
| ASK_CODE | wrong digits              | ASK_CODE | how many tries are left                |
| ASK_CODE | 5th wrong / expired code, | (none)   | bind_restart (locked 30 min / expired) |
|          | or the person got locked  |          |                                        |
| ASK_CODE | 重新发送                   | ASK_ID   | bind_resend                            |
Unbinding (flow "unbind", 5 minutes): 解绑 -> CONFIRM; 1 -> unbound; anything else -> kept.
Wrong codes count against the openid and the person together with the mini-program's SMS and
password logins (services/binding.py); the code goes out in the background, so the reply to an
ID number never waits for, or shows, the SMS gateway.
"""

from __future__ import annotations

from datetime import datetime

from bot.event import Event
from bot.filters import MenuClick, Regex, Scene, Text
from bot.flow import Flow
from bot.fsm import FSMContext
from bot.incoming import Incoming
from bot.router import Router
from models.people import Person
from models.wechat import WeChatIdentity
from services.binding import Binding
from services.codes import TooSoon, WrongCode
from services.errors import BadInput, DomainError, Locked
from services.people import People
from services.pii import mask_phone
from services.profile import profile_of
from services.scenes import BindScene
from services.texts import Texts

bind = Flow("bind", title="绑定账户", timeout=600)
ASK_ID = bind.state("ask_id", prompt="chat/account/bind_ask_id.j2")
ASK_CODE = bind.state("ask_code", prompt="chat/account/bind_ask_code.j2")

unbind = Flow("unbind", title="解除绑定", timeout=300)
CONFIRM = unbind.state("confirm")

router = Router("account", flows=(bind, unbind))


def _actor(msg: Incoming) -> str:
    return f"oa:{msg.openid}"


@router.message(Text("绑定", "绑定账户", "账户绑定", "绑定账号"))
@router.event(MenuClick("BIND"))
async def start_binding(fsm: FSMContext, texts: Texts, person: Person | None) -> str:
    if person is not None:
        return texts.render("chat/account/bind_already.j2", name=person.name,
                            phone=mask_phone(person.phone))
    fsm.goto(ASK_ID)
    return texts.render("chat/account/bind_ask_id.j2")


@router.message(Text("重新发送", "重发", "重新获取"), state=ASK_CODE)
async def resend(fsm: FSMContext, texts: Texts) -> str:
    fsm.goto(ASK_ID)
    return texts.render("chat/account/bind_resend.j2")


@router.message(Regex(r"^\d{6}$"), state=ASK_CODE)
async def take_code(fsm: FSMContext, texts: Texts, msg: Incoming, event: Event,
                    identity: WeChatIdentity, binding: Binding, people: People,
                    now: datetime) -> str:
    try:
        person = await binding.confirm(_actor(msg), event.text)
        await binding.bind(identity, person, now)
    except WrongCode:  # tries left: the refusal says how many, the flow stays
        raise
    except DomainError as exc:  # locked, expired, bound elsewhere: start again
        fsm.finish()
        return texts.render("chat/account/bind_restart.j2", problem=texts.error(exc))
    fsm.finish()
    profile = await profile_of(people, person, now)
    return texts.render("chat/account/bind_done.j2", name=person.name, phone=profile.phone,
                        roles=profile.roles_text)


@router.message(state=ASK_ID)
async def take_id_number(fsm: FSMContext, texts: Texts, msg: Incoming,
                         binding: Binding) -> str:
    try:
        await binding.start(_actor(msg), msg.content)
    except TooSoon as exc:  # the code sent a moment ago still works
        fsm.goto(ASK_CODE)
        return texts.error(exc)
    except Locked as exc:
        fsm.finish()
        return texts.render("chat/account/bind_restart.j2", problem=texts.error(exc))
    except BadInput as exc:  # a malformed ID number: asked again
        return texts.render("chat/account/bind_bad_id.j2", problem=texts.error(exc))
    fsm.goto(ASK_CODE)
    return texts.render("chat/account/bind_code_sent.j2")


@router.event(Scene(BindScene))
async def scan_to_bind(msg: Incoming, scene: BindScene, identity: WeChatIdentity,
                       binding: Binding, texts: Texts, now: datetime) -> str:
    welcome = texts.render("chat/welcome.j2") + "\n\n" if msg.event == "subscribe" else ""
    try:
        person = await binding.redeem_ticket(scene.ticket)
        await binding.bind(identity, person, now)
    except DomainError as exc:
        return welcome + texts.error(exc)
    return welcome + texts.render("chat/account/scan_bound.j2", name=person.name,
                                  phone=mask_phone(person.phone))


@router.message(Text("解绑", "解除绑定", "取消绑定"))
async def start_unbinding(fsm: FSMContext, texts: Texts, person: Person | None) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    fsm.goto(CONFIRM)
    return texts.render("chat/account/unbind_confirm.j2", name=person.name,
                        phone=mask_phone(person.phone))


@router.message(Text("1", "确认", "确认解绑"), state=CONFIRM)
async def confirm_unbinding(fsm: FSMContext, texts: Texts, identity: WeChatIdentity,
                            binding: Binding) -> str:
    fsm.finish()
    await binding.unbind(identity)
    return texts.render("chat/account/unbind_done.j2")


@router.message(state=CONFIRM)
async def keep_binding(fsm: FSMContext, texts: Texts) -> str:
    fsm.finish()
    return texts.render("chat/account/unbind_kept.j2")


@router.message(Text("我的信息", "个人信息", "我的账户", "我的资料"))
@router.event(MenuClick("ME"))
async def my_info(texts: Texts, person: Person | None, people: People, now: datetime) -> str:
    if person is None:
        return texts.render("chat/account/not_bound.j2")
    p = await profile_of(people, person, now)
    return texts.render("chat/account/me.j2", name=p.name, gender=p.gender,
                        birth_year=p.birth_year, id_masked=p.id_masked, phone=p.phone,
                        email=p.email, roles=p.roles_text, expert_number=p.expert_number,
                        channels="、".join(p.channels), must_change_password=
                        p.must_change_password)
