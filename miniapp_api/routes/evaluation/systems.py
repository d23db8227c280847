"""The trading centres' evaluation systems, registered by the system administrator as
signed clients (docs/evaluation-systems.md), and the thresholds their scores are read by."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.schemas import Model
from models.evaluation.systems import EvaluationSystem
from models.people import Role
from services.evaluation import SystemInput

api = Api()
TAG = "评标系统"
ADMIN = {Role.ADMIN}


class CentreOut(Model):
    code: str = Field(description="交易中心服务的地区（六位行政区划代码）")
    name: str = Field(description="交易中心名称")


class SystemOut(Model):
    id: int
    code: str = Field(description="系统代码（对方签名时使用）")
    name: str
    centres: list[CentreOut] = Field(description="服务的交易中心")
    public_key: str = Field(description=(
        "对方的公钥：SM2 为“sm2:”加 base64，无前缀为 Ed25519（base64）"))
    url: str = Field(description="接收评标委员会变更推送的地址；空为不推送")
    active: bool = Field(description="启用；停用的系统的请求一律拒绝")
    registered_at: datetime
    changed_at: datetime | None
    key_rotate_by: date | None = Field(default=None, description=(
        "对方告知的公钥更换日期；到期前30天、7天及过期后在工作台提醒"))


class SystemsOut(Model):
    on: bool = Field(description="本库已配置签名密钥，接口可用")
    library_code: str = Field(description="本库在签名中的代码（X-Evaluation-To）")
    public_key: str = Field(description="本库的 SM2 公钥（交给评标系统的运维人员）")
    legacy_public_key: str = Field(default="", description=(
        "本库保留的 Ed25519 公钥，只供尚未改用 SM2 的系统；空为未保留"))
    deviation_percent: Decimal = Field(description="评分偏离阈值（满分的百分比）")
    leaning_sample: int = Field(description="评分倾向至少需要的评标次数")
    systems: list[SystemOut]
    offered: list[CentreOut] = Field(description="可选择的交易中心（各省和各市的）")


class SystemIn(Model):
    code: str = Field(min_length=2, max_length=16, description="系统代码，字母或数字（修改时不变）")
    name: str = Field(min_length=1, max_length=64)
    centres: list[str] = Field(min_length=1, max_length=20,
                               description="服务的交易中心：地区代码（440000、440100）")
    public_key: str = Field(min_length=1, max_length=128)
    url: str = Field(default="", max_length=200)
    active: bool = True
    key_rotate_by: date | None = Field(default=None, description=(
        "对方告知的公钥更换日期（北京时间，当天仍可用）；空为未告知"))

    def data(self) -> SystemInput:
        return SystemInput(self.code, self.name, self.centres, self.public_key, self.url,
                           self.active, self.key_rotate_by)


class ThresholdsIn(Model):
    deviation_percent: Decimal = Field(ge=1, le=50, decimal_places=1,
                                       description="评分偏离阈值（满分的百分比，默认 5）")
    leaning_sample: int = Field(ge=3, le=50, description="评分倾向至少需要的评标次数（默认 5）")


def centre_out(call: Call, region: str) -> CentreOut:
    return CentreOut(code=call.domain.reference.regions.to_gb(region),
                     name=call.domain.draws.setup.terminals.terminal_name(call.services.texts,
                                                                          region))


def system_out(call: Call, system: EvaluationSystem) -> SystemOut:
    return SystemOut(
        id=system.id, code=system.code, name=system.name,
        centres=[centre_out(call, c) for c in system.centres],
        public_key=system.public_key, url=system.url, active=system.active,
        registered_at=system.registered_at, changed_at=system.changed_at,
        key_rotate_by=system.key_rotate_by)


async def systems_out(call: Call) -> SystemsOut:
    trust = call.domain.watches.trust
    percent, sample = await call.domain.scores.thresholds()
    return SystemsOut(
        on=trust.on, library_code=trust.identity.code if trust.identity else "",
        public_key=trust.identity.public_key() if trust.identity else "",
        legacy_public_key=[*trust.identity.public_keys(), ""][1] if trust.identity else "",
        deviation_percent=percent, leaning_sample=sample,
        systems=[system_out(call, s) for s in await call.domain.evaluation_systems.listing()],
        offered=[centre_out(call, c) for c in call.domain.evaluation_systems.offered()])


@api.route("GET", "/admin/evaluation-systems", access=ADMIN, response=SystemsOut, tag=TAG,
           summary="登记的交易中心电子评标系统，本库公钥和评分分析阈值")
async def listing(call: Call) -> SystemsOut:
    return await systems_out(call)


@api.route("POST", "/admin/evaluation-systems", access=ADMIN, body=SystemIn,
           response=SystemsOut, tag=TAG,
           summary="登记一个电子评标系统（代码、名称、服务的交易中心、公钥）")
async def register(call: Call, body: SystemIn) -> SystemsOut:
    await call.domain.evaluation_systems.register(body.data(), call.caller.need_person().id,
                                                  call.now)
    return await systems_out(call)


@api.route("PUT", "/admin/evaluation-systems/{system_id}", access=ADMIN, body=SystemIn,
           response=SystemsOut, tag=TAG, summary="修改或停用一个电子评标系统（代码不变）")
async def change(call: Call, body: SystemIn) -> SystemsOut:
    await call.domain.evaluation_systems.change(call.path_int("system_id"), body.data(),
                                                call.caller.need_person().id, call.now)
    return await systems_out(call)


@api.route("PUT", "/admin/evaluation-thresholds", access=ADMIN, body=ThresholdsIn,
           response=SystemsOut, tag=TAG, summary="设置评分偏离阈值和评分倾向的最少评标次数")
async def thresholds(call: Call, body: ThresholdsIn) -> SystemsOut:
    await call.domain.scores.set_thresholds(body.deviation_percent, body.leaning_sample,
                                            call.caller.need_person().id, call.now)
    return await systems_out(call)
