"""Request and response models of the mini-program API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.admin import GrantSpec


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Ok(Model):
    ok: bool = True
    message: str = ""


class LoginIn(Model):
    code: str = Field(min_length=1, max_length=128, description="wx.login() 返回的 code")


class LoginOut(Model):
    token: str = Field(description="后续请求放在 Authorization: Bearer 中")
    bound: bool
    must_change_password: bool = False
    roles: list[str] = []


class BindStartIn(Model):
    id_number: str = Field(min_length=15, max_length=20, description="18位身份证号码")


class CodeIn(Model):
    code: str = Field(pattern=r"^\d{6}$", description="短信验证码（6位数字）")


class PhoneIn(Model):
    phone: str = Field(min_length=11, max_length=16)


class PhoneCodeIn(Model):
    phone: str = Field(min_length=11, max_length=16)
    code: str = Field(pattern=r"^\d{6}$")


class PasswordLoginIn(Model):
    account: str = Field(min_length=2, max_length=64,
                         description="手机号、身份证号，或迁移专家在原系统的账号（如姓名拼音）")
    password: str = Field(min_length=1, max_length=128)


class RegisterIn(Model):
    name: str = Field(min_length=2, max_length=32)
    id_number: str = Field(min_length=18, max_length=18)
    phone: str = Field(min_length=11, max_length=16)
    code: str = Field(pattern=r"^\d{6}$", description="发送到该手机号的验证码")
    password: str = Field(min_length=8, max_length=128)
    email: str | None = Field(default=None, max_length=128,
                              pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PasswordChangeIn(Model):
    old_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=8, max_length=128)


class ProfileOut(Model):
    name: str
    gender: str
    birth_year: str = Field(description="出生年份，如 1980年（不显示完整出生日期）")
    id_number: str = Field(description="已脱敏")
    phone: str = Field(description="已脱敏")
    email: str | None = Field(description="已脱敏")
    roles: list[str] = Field(description="角色代码")
    role_titles: list[str]
    expert_number: str | None
    channels: list[str]
    must_change_password: bool


class BoundOut(Model):
    bound: bool = True
    profile: ProfileOut
    message: str = ""


class TicketOut(Model):
    qr_url: str = Field(description="二维码图片地址；用微信扫码即可绑定公众号")
    expires_in: int


class AgencyOut(Model):
    name: str
    credit_code: str
    kind: str


class MemberOut(Model):
    id: int
    name: str
    role: str
    valid_until: datetime | None
    state: str = Field(default="accepted", description="pending 待经办人确认 / accepted 已接受 / "
                                                       "refused 经办人已拒绝")
    state_title: str = Field(default="已接受", description="state 的文字")


class MembershipOut(Model):
    agency: AgencyOut
    role: str
    valid_until: datetime | None


class MembersOut(Model):
    agency: AgencyOut
    members: list[MemberOut]


class HandlerLinkIn(Model):
    phone: str = Field(min_length=11, max_length=16, description="经办人注册的手机号")
    valid_until: datetime = Field(description="关联有效期至")


class ExpertCardOut(Model):
    name: str
    expert_number: str
    phone: str
    emergency_ok: bool = Field(default=False, description="是否愿意成为应急专家（可修改）")


class ScopeOut(Model):
    role: str
    level: str | None
    region: str | None
    industry: str | None


class PersonSummaryOut(Model):
    id: int
    name: str
    id_number: str
    phone: str
    roles: list[str]


class PeopleQuery(Model):
    phone: str | None = Field(default=None, description="按手机号查找")
    id_number: str | None = Field(default=None, description="按身份证号查找")


class PeopleOut(Model):
    people: list[PersonSummaryOut]


class GrantIn(GrantSpec):
    person_id: int


class GrantOut(Model):
    id: int
    person_id: int
    role: str


class QuestionIn(Model):
    id: str = Field(min_length=1, max_length=8)
    kind: Literal["single", "multiple", "judge", "essay"] = Field(
        description="单选 / 多选 / 判断（自动判分）/ 主观题（管理员批阅）")
    text: str = Field(min_length=2, max_length=500)
    options: list[str] = Field(default=[], max_length=8)
    answer: str = Field(default="", max_length=8,
                        description="单选如 B；多选如 ACD；判断 T/F；主观题不填")
    points: int = Field(ge=1, le=100)
