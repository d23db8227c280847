"""The keys and certificates this deployment holds that end (services/admin/key_dates.py):
each one's last day, read from the certificate or recorded by the operator, and the
warnings 30 and 7 days before and once past, in words that say what to do — what the system
administrator's home page shows."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.people import Role

api = Api()
TAG = "管理"
ADMIN = {Role.ADMIN}


class KeyOut(Model):
    kind: str = Field(description=(
        "wechatpay_platform_cert 微信支付平台证书；wechatpay_cert 商户API证书；federation "
        "本库库间签名密钥；federation_peer 互信专家库的公钥；evaluation 本库对电子评标系统的"
        "签名密钥；sm4 个人信息加密密钥；unified_identity 统一身份认证平台客户端密钥"))
    name: str = Field(description="哪一个：证书序列号、专家库名称、SM4 版本；唯一的为空")
    last_day: date = Field(description="可用的最后一天（北京时间）")
    read: bool = Field(description="true 读自证书本身；false 由运维人员记录")
    recorded_by: str = Field(description="记录到期日的人（读自证书的为空）")
    recorded_on: date | None = Field(description="记录日期")
    level: str | None = Field(description=(
        "提醒：30 三十天内到期；7 七天内到期；past 已到期；空为暂不提醒"))
    words: str = Field(description="提醒的内容与下一步（不提醒的为空）")


class KeysOut(Model):
    keys: list[KeyOut] = Field(description="有到期日的密钥和证书，最早到期的在前")
    warnings: int = Field(description="需要处理的条数")


@api.route("GET", "/admin/keys", access=ADMIN, response=KeysOut, tag=TAG,
           summary="密钥与证书的到期日及提醒")
async def key_dates(call: Call) -> KeysOut:
    dates = call.domain.key_dates
    due = {(w.key.kind, w.key.name): w for w in await dates.due(call.now)}
    out = []
    for key in await dates.known():
        warned = due.get((key.kind, key.name))
        out.append(KeyOut(kind=key.kind, name=key.name, last_day=key.last_day, read=key.read,
                          recorded_by=key.recorded_by, recorded_on=key.recorded_on,
                          level=warned.level if warned else None,
                          words=dates.words(warned) if warned else ""))
    return KeysOut(keys=out, warnings=len(due))
