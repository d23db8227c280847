"""Training material (HN-APPLY: "在此期间可查看考试资料，预习考试知识点"; 系统首页的“资料下载”
栏目，提供了相关的培训材料，申请人可进入该栏目下载培训资料进行学习): an administrator uploads
files for a batch, or for one of its exams; the batch's applicants download them before the
exam, in the mini-program or from a signed link the chat gives."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.applications import Application, Batch
from models.learning.exams import Exam
from models.learning.training import StudyMaterial
from services.common.errors import BadInput, NotFound, TooLarge
from services.common.files import FileStore
from services.common.links import LinkError, Links

MB = 1024 * 1024
MATERIAL_MAX = 50 * MB  # docs/rules-that-are-ours.md: a training file at most 50 MB
MATERIAL_LINK_DAYS = 7  # a download link given in chat lives a week
MATERIAL_LINK = "material"
# a file's real type from its first bytes; the containers (ZIP, OLE) by the name's ending
_MAGIC = (("application/pdf", b"%PDF"), ("image/jpeg", b"\xff\xd8\xff"),
          ("image/png", b"\x89PNG\r\n\x1a\n"))
_ZIPPED = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "zip": "application/zip"}
_OLE = {"doc": "application/msword", "ppt": "application/vnd.ms-powerpoint",
        "xls": "application/vnd.ms-excel"}
MATERIAL_TYPES = (*(t for t, _ in _MAGIC), "video/mp4", *_ZIPPED.values(), *_OLE.values())
KINDS = "PDF、Word、PPT、Excel、ZIP、JPG、PNG、MP4"


def sniff(filename: str, data: bytes) -> str | None:
    """The material's type, read from its content (and, for Office files and ZIP archives,
    which share a container, from the name's ending); None for a type not taken."""
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    for kind, magic in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data.startswith(b"PK\x03\x04"):
        return _ZIPPED.get(ext, "application/zip")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _OLE.get(ext)
    return None


@dataclass(frozen=True)
class MaterialView:
    material: StudyMaterial
    batch: str  # the batch's name
    exam: str | None  # the exam's title, when the material is for one exam


class Materials:
    """Training material a batch's applicants download before the exam."""

    @staticmethod
    def saved_as(title: str, filename: str) -> str:
        """The name the applicant's download is saved under: the title the chat listed it by
        (「评标专家培训教材」), with the uploaded file's extension (not the uploader's
        scan001.pdf)."""
        ext = filename.rpartition(".")[2] if "." in filename else ""
        if not title or (ext and title.lower().endswith("." + ext.lower())):
            return title or filename
        return f"{title}.{ext}" if ext else title

    @staticmethod
    def require_size(size: int) -> None:
        """Refuses a file over MATERIAL_MAX before more of it is read."""
        if size > MATERIAL_MAX:
            raise TooLarge("material.too_large", mb=MATERIAL_MAX // MB)


    def __init__(self, files: FileStore, links: Links) -> None:
        self.files = files
        self.links = links

    async def upload(self, batch_id: int, exam_id: int | None, title: str, filename: str,
                     data: bytes, by: int | None, now: datetime) -> StudyMaterial:
        """A file for the batch's applicants (or for those of one of its exams)."""
        if not await Batch.exists(id=batch_id):
            raise NotFound("material.no_batch")
        if exam_id is not None and not await Exam.exists(id=exam_id, batch_id=batch_id):
            raise NotFound("material.no_exam")
        Materials.require_size(len(data))
        if not data:
            raise BadInput("material.empty")
        kind = sniff(filename, data)
        if kind is None:
            raise BadInput("material.wrong_type", kinds=KINDS)
        title = " ".join(title.split()) or filename.rpartition(".")[0] or filename
        key = f"materials/{batch_id}/{secrets.token_hex(8)}"
        await self.files.put(key, data)
        return await StudyMaterial.create(
            batch_id=batch_id, exam_id=exam_id, title=title[:64], filename=filename[:128],
            content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key, uploaded_by=by, created_at=now)

    @staticmethod
    async def of_batch(batch_id: int) -> list[MaterialView]:
        """A batch's material, newest first (the administrator's list)."""
        if not await Batch.exists(id=batch_id):
            raise NotFound("material.no_batch")
        return await _views(await StudyMaterial.filter(batch_id=batch_id).order_by("-id"))

    @staticmethod
    async def for_person(person_id: int) -> list[MaterialView]:
        """The material of every batch the person has applied to, the newest batch and file
        first: what they may download."""
        batches = await Application.filter(person_id=person_id).values_list("batch_id",
                                                                            flat=True)
        found = await StudyMaterial.filter(batch_id__in=list(batches)).order_by(
            "-batch_id", "-id")
        return await _views(found)

    async def remove(self, material_id: int) -> StudyMaterial:
        item = await StudyMaterial.get_or_none(id=material_id)
        if item is None:
            raise NotFound("material.not_found")
        await item.delete()
        await self.files.delete(item.storage_key)
        return item

    async def file_for(self, material_id: int, person_id: int | None
                       ) -> tuple[StudyMaterial, bytes]:
        """The file, for an applicant of its batch (`person_id`) or a desk (None)."""
        item = await StudyMaterial.get_or_none(id=material_id)
        if item is None or (person_id is not None and not await Application.exists(
                person_id=person_id, batch_id=item.batch_id)):
            raise NotFound("material.not_found")
        return item, await self.files.get(item.storage_key)

    def link(self, item: StudyMaterial, person_id: int, now: datetime) -> str:
        """A signed download link for the chat, valid MATERIAL_LINK_DAYS."""
        expires = (now + timedelta(days=MATERIAL_LINK_DAYS)).timestamp()
        return self.links.url(f"/materials/{item.id}", MATERIAL_LINK, str(item.id), person_id,
                              expires)

    def linked_person(self, material_id: int, token: str) -> int | None:
        """Whom a download link was made for (None: forged, malformed or expired)."""
        try:
            return self.links.verify(MATERIAL_LINK, str(material_id), token)
        except LinkError:
            return None


async def _views(items: list[StudyMaterial]) -> list[MaterialView]:
    batches = dict(await Batch.filter(id__in={m.batch_id for m in items}).values_list(
        "id", "name"))
    exams = dict(await Exam.filter(id__in={m.exam_id for m in items if m.exam_id}
                                   ).values_list("id", "title"))
    return [MaterialView(m, str(batches.get(m.batch_id, "")),
                         str(exams[m.exam_id]) if m.exam_id in exams else None)
            for m in items]
