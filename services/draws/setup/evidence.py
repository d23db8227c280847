"""What a request to the trading centre carries (GD-DRAW): the 抽取申请 "填写信息并上传申请
附件后点击提交审核", and a 退选 "首先要填写退选原因并上传证明材料至抽取终端审核" — a reason and
at least one PDF or JPG, checked by its content, not by its name. The trading centre's
verifiers in the project's region are told at once that a request waits."""

from __future__ import annotations

import secrets
from datetime import datetime

from models.draw_evidence import DrawEvidence
from models.draws import DrawActivity, Project
from models.people import Role, RoleGrant
from services.applicants import MB, TYPE_NAMES, ApplicationReads
from services.common.clock import china_time
from services.common.errors import BadInput, NotFound, TooLarge
from services.common.files import FileStore
from services.notifications import Change

EVIDENCE_TYPES = frozenset({"application/pdf", "image/jpeg"})
EVIDENCE_MAX = 10 * MB
EVIDENCE_PER_REQUEST = 5
PURPOSES = ("submission", "withdrawal")


class Evidence:
    """The request's attachments (PDF or JPG): attached, removed, read."""

    @staticmethod
    def require_evidence_size(size: int) -> None:
        if size > EVIDENCE_MAX:
            raise TooLarge("evidence.too_large", mb=EVIDENCE_MAX // MB)

    @staticmethod
    async def attach(files: FileStore, activity: DrawActivity, purpose: str, filename: str,
                     data: bytes, now: datetime) -> DrawEvidence:
        if purpose not in PURPOSES:
            raise BadInput("evidence.purpose")
        Evidence.require_evidence_size(len(data))
        real = ApplicationReads.attachments.sniff(data)
        if real not in EVIDENCE_TYPES:
            raise BadInput("evidence.type", allowed=sorted(TYPE_NAMES[t]
                                                           for t in EVIDENCE_TYPES))
        if await DrawEvidence.filter(activity_id=activity.id, purpose=purpose).count() \
                >= EVIDENCE_PER_REQUEST:
            raise BadInput("evidence.too_many", limit=EVIDENCE_PER_REQUEST)
        key = f"draws/{activity.id}/{secrets.token_hex(12)}"
        await files.put(key, data)
        return await DrawEvidence.create(
            activity_id=activity.id, purpose=purpose, filename=filename[:128] or purpose,
            content_type=real, size=len(data), file_key=key, uploaded_at=now)

    @staticmethod
    async def remove(files: FileStore, activity: DrawActivity, evidence_id: int) -> None:
        item = await DrawEvidence.get_or_none(id=evidence_id, activity_id=activity.id)
        if item is None:
            raise NotFound("evidence.not_found")
        await item.delete()
        await files.delete(item.file_key)

    @staticmethod
    async def evidence_file(files: FileStore, activity: DrawActivity, evidence_id: int
                            ) -> tuple[DrawEvidence, bytes]:
        item = await DrawEvidence.get_or_none(id=evidence_id, activity_id=activity.id)
        if item is None:
            raise NotFound("evidence.not_found")
        return item, await files.get(item.file_key)

    @staticmethod
    async def evidence_of(activity: DrawActivity, purpose: str | None = None
                          ) -> list[DrawEvidence]:
        query = DrawEvidence.filter(activity_id=activity.id)
        return await (query.filter(purpose=purpose) if purpose else query).order_by("id")


async def require_evidence(activity: DrawActivity, purpose: str) -> None:
    """The refusal names the attachment as its page does: 申请附件 or 退选附件."""
    if not await DrawEvidence.exists(activity_id=activity.id, purpose=purpose):
        raise BadInput("evidence.missing", purpose=purpose)


async def notify_verifiers(change: Change, activity: DrawActivity, what: str) -> None:
    """Every verifier of the trading centre the request went to (选择提交终端; none chosen:
    whose region covers the project): a request waits; `what` is the activity's kind
    (normal, redraw, reeval) or withdrawal."""
    project = await Project.get(id=activity.project_id)
    grants = await RoleGrant.filter(role=Role.VERIFIER, revoked_at=None)
    where = activity.terminal or project.region
    people = {g.person_id for g in grants if g.active(change.now)
              and (not g.region or where.startswith(g.region))}
    for person_id in people:
        await change.notify("draw.awaiting_verification", {
            "project": project.name[:20], "activity": activity.id, "request_kind": what,
            "eval_start": china_time(activity.eval_start), "at": china_time(change.now)},
            person_id=person_id)
