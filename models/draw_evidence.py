"""The attachments a draw activity's requests to the trading centre carry (GD-DRAW: "上传附件"
with the 抽取申请, the 退选 request, a re-draw or re-evaluation)."""

from __future__ import annotations

from typing import Literal

from tortoise import fields

from models.orm.base import Model

EvidencePurpose = Literal["submission", "withdrawal"]  # DrawEvidence.purpose


class DrawEvidence(Model):
    """An attachment a request to the trading centre carries (GD-DRAW: "上传附件" with the
    抽取申请, the 退选 request, a re-draw or re-evaluation): a PDF or JPG, checked by its
    content."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)
    purpose = fields.CharField(max_length=12)  # EvidencePurpose
    filename = fields.CharField(max_length=128)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    file_key = fields.CharField(max_length=128)
    uploaded_at = fields.DatetimeField()

    class Meta:
        table = "draw_evidence"
