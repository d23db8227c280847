"""The record of a draw as the agency files it (GD-DRAW: 打印抽取结果): the project, its
sections, the request in words (times, notices, conditions, avoidances) and how the order
was fixed (the seed's hash committed at verification, the handler's value, the seed once
the draw ended). The names stay in the results, sealed until 30 minutes before."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, activity_in_path
from miniapp_api.routes.draws.setup.verify_request import PartOut, ProjectHeadOut
from models.draws import DrawStatus
from services.draws.setup import PARTS

api = Api()
TAG = "抽取结果"


class RecordOut(ProjectHeadOut):
    request: list[PartOut]
    seed_hash: str | None = Field(description="核验通过时公布的种子摘要")
    nonce: str | None = Field(description="经办人开始抽取时输入的随机串")
    seed: str | None = Field(description="抽取结束后公开的随机种子")


@api.route("GET", "/draws/activities/{activity_id}/record", access=AGENCY, response=RecordOut,
           summary="抽取记录：项目、标段、时间、通知、条件、回避（文字）与随机性核对信息", tag=TAG)
async def record(call: Call) -> RecordOut:
    activity = await activity_in_path(call)
    texts = call.services.texts
    requests = call.domain.draws.setup.request_record
    shown = requests.in_words(await requests.request_of(activity), requests.words_of(texts))
    return RecordOut(
        **await call.domain.draws.setup.request_record.project_head(activity),
        request=[PartOut(part=p, title=call.domain.draws.setup.request_record.part_title(texts, p),
                         items=shown[p]) for p in PARTS
                 if p != "evidence"],
        seed_hash=activity.seed_hash, nonce=activity.nonce,
        seed=activity.seed if activity.status == DrawStatus.ENDED else None)
