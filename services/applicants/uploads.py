"""An application's attachments (XJ-SIGNUP, HN-APPLY): uploaded while the form may change,
checked for their real type and size, held to the batch's limits, locked by the print (the
signed form excepted), and counted before the form is printed and submitted."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from datetime import datetime

from models import column
from models.applications import AppKind, Application, AppStatus, Attachment
from services.applicants.attachments import ATTACHMENTS, TYPE_NAMES, Attachments, shortfall
from services.applicants.form_limits import BatchLimits, upload_limit
from services.applicants.returns import require_returned_attachment
from services.common.errors import BadInput, Conflict, NotFound
from services.common.files import FileStore
from services.common.windows import require_window_open
from services.people import ApplicationDraft


class ApplicationUploads:
    """The files an application carries (the part `uploads` of Applications)."""

    def __init__(self, files: FileStore) -> None:
        self.files = files

    @staticmethod
    async def attachments_of_all(apps: list[Application]) -> dict[int, list[Attachment]]:
        """Each application's attachments, in one query however many there are."""
        found: dict[int, list[Attachment]] = {a.id: [] for a in apps}
        for item in await Attachment.filter(application_id__in=list(found)).order_by("id"):
            found[item.application_id].append(item)
        return found

    async def attachment_file(self, app: Application, attachment_id: int
                              ) -> tuple[Attachment, bytes]:
        """An attachment of the application, with its bytes."""
        item = await Attachment.get_or_none(id=attachment_id, application_id=app.id)
        if item is None:
            raise NotFound("attachment.not_found")
        return item, await self.files.get(item.storage_key)

    async def attach(self, app: Application, kind: str, filename: str, data: bytes,
                     now: datetime) -> Attachment:
        """A file of `kind` kept with the application, its real type and size checked."""
        spec = Attachments.attachment_kind(kind)
        if app.status in (AppStatus.IN_REVIEW, AppStatus.APPROVED, AppStatus.REJECTED):
            raise Conflict("attachment.in_review")
        if kind != "review_form" and app.status == AppStatus.PRINTED:
            raise Conflict("attachment.only_signed_form")
        if kind == "review_form" and app.status != AppStatus.PRINTED:
            raise Conflict("attachment.print_first")
        require_returned_attachment(app.returned_items, kind)
        window_end = app.batch.review_until if app.status == AppStatus.RETURNED \
            else app.batch.apply_until
        require_window_open(app.batch.apply_from, window_end, now, "upload")
        real = Attachments.sniff(data)
        if real is None or real not in spec.types:
            raise BadInput("attachment.wrong_type", title=spec.title,
                           allowed=sorted(TYPE_NAMES[t] for t in spec.types))
        Attachments.require_size(kind, len(data))
        existing = await Attachment.filter(application_id=app.id, kind=kind).order_by("id")
        limit = upload_limit(kind, BatchLimits.limits_of(app.batch))
        if limit == 1:
            await self.drop(app, kind)
        elif len(existing) >= limit:
            raise Conflict("attachment.too_many", title=spec.title, limit=limit)
        key = f"applications/{app.id}/{kind}-{secrets.token_hex(8)}"
        await self.files.put(key, data)
        return await Attachment.create(application_id=app.id, kind=kind,
                                       filename=filename[:128] or kind, content_type=real,
                                       size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                       storage_key=key)

    async def detach(self, app: Application, kind: str, attachment_id: int) -> None:
        """Delete an uploaded file before submission (attachments the print locked stay,
        but the signed form may be taken back and uploaded again)."""
        item = await Attachment.get_or_none(id=attachment_id, application_id=app.id,
                                            kind=kind)
        if item is None:
            raise NotFound("attachment.not_found")
        if app.status in (AppStatus.IN_REVIEW, AppStatus.APPROVED, AppStatus.REJECTED):
            raise Conflict("attachment.in_review")
        if item.kind != "review_form" and app.status == AppStatus.PRINTED:
            raise Conflict("attachment.only_signed_form")
        require_returned_attachment(app.returned_items, kind)
        await self.files.delete(item.storage_key)
        await item.delete()

    @staticmethod
    async def missing(app: Application, with_form: bool) -> list[str]:
        """The attachments still missing: every required kind (the signed form only once
        `with_form`), a certificate per title and a PDF per practice qualification."""
        kinds = Counter(await column(Attachment.filter(application_id=app.id), "kind"))
        needed = [k for k in Attachments.required_attachments(AppKind(app.kind))
                  if with_form or k != "review_form"]
        missing = [ATTACHMENTS[k].title for k in needed if k not in kinds]
        if app.kind in (AppKind.NEW, AppKind.RENEWAL):
            draft = ApplicationDraft.model_validate(app.data)
            missing += shortfall(1 + len(draft.more_titles), len(draft.qualifications),
                                 dict(kinds))
        return missing

    async def drop(self, app: Application, kind: str) -> None:
        """Every file of `kind` removed (the signed form a new print makes stale)."""
        for old in await Attachment.filter(application_id=app.id, kind=kind):
            await self.files.delete(old.storage_key)
            await old.delete()
