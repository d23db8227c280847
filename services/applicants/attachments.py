"""The attachments an application carries: their kinds, types and size limits (XJ-SIGNUP),
and the real type of an uploaded file read from its first bytes."""

from __future__ import annotations

from dataclasses import dataclass

from models.applications import AppKind
from services.common.errors import BadInput, TooLarge

MB = 1024 * 1024


@dataclass(frozen=True)
class AttachmentKind:
    title: str
    types: frozenset[str]
    max_size: int
    required: bool
    max_count: int = 1


IMAGES = frozenset({"image/jpeg", "image/png"})
DOCS = IMAGES | {"application/pdf"}
ATTACHMENTS = {
    "id_front": AttachmentKind("身份证人像面", IMAGES, 5 * MB, True),
    "id_back": AttachmentKind("身份证国徽面", IMAGES, 5 * MB, True),
    "photo": AttachmentKind("一寸照片", IMAGES, 2 * MB, True),
    "diploma": AttachmentKind("学历证书", DOCS, 10 * MB, True),
    "title_cert": AttachmentKind("职称证书", DOCS, 10 * MB, True, 5),  # one per title
    "qualification": AttachmentKind("执业资格证书（PDF）", frozenset({"application/pdf"}),
                                    10 * MB, False, 5),  # one per qualification
    "review_form": AttachmentKind("签字盖章的申报表", DOCS, 10 * MB, True),
    "pledge": AttachmentKind("诚信承诺书", DOCS, 10 * MB, True),
    # JL-GP: "“其他材料”中附件信息选填，要求 JPG 格式，大小 20M 以下，最多三张"; the counts of
    # title certificates, qualifications and other material follow the batch's rule set
    # (services/reference/rule_limits.py, services/applicants/form_limits.py upload_limit)
    "extra": AttachmentKind("其他证明材料（JPG）", frozenset({"image/jpeg"}), 20 * MB, False, 3),
}
_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n",
          "application/pdf": b"%PDF"}
TYPE_NAMES = {"image/jpeg": "JPG", "image/png": "PNG", "application/pdf": "PDF"}


def shortfall(draft_titles: int, draft_qualifications: int, present: dict[str, int]
              ) -> list[str]:
    """Certificates the form names but the uploads do not cover: one title certificate per
    title, one PDF per practice qualification."""
    out = []
    for kind, needed in (("title_cert", draft_titles), ("qualification", draft_qualifications)):
        have = present.get(kind, 0)
        if have < needed:
            out.append(f"{ATTACHMENTS[kind].title}（还差{needed - have}份）")
    return out


class Attachments:
    """The attachments' rules: their kinds, the ones a kind of application needs, their size,
    and a file's real type (the part `attachments` of ApplicationReads)."""

    @staticmethod
    def attachment_kind(kind: str) -> AttachmentKind:
        """The kind of attachment named `kind`; BadInput for one there is not."""
        spec = ATTACHMENTS.get(kind)
        if spec is None:
            raise BadInput("attachment.unknown_kind", kind=kind)
        return spec

    @staticmethod
    def required_attachments(kind: AppKind) -> list[str]:
        """A new or renewal application needs every certificate; a change or region request
        only its signed form (the rest is on file)."""
        if kind in (AppKind.CHANGE, AppKind.TRANSFER):
            return ["review_form"]
        return [k for k, spec in ATTACHMENTS.items() if spec.required]

    @staticmethod
    def require_size(kind: str, size: int) -> None:
        """An upload of `kind` may be at most its kind's limit."""
        spec = Attachments.attachment_kind(kind)
        if size > spec.max_size:
            raise TooLarge("attachment.too_large", title=spec.title, mb=spec.max_size // MB)

    @staticmethod
    def sniff(data: bytes) -> str | None:
        """The file's real type from its first bytes (the declared type is not trusted)."""
        return next((t for t, magic in _MAGIC.items() if data.startswith(magic)), None)
