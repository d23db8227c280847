"""A desk person's second factor (GB/T 22239-2019 level 3, 身份鉴别: two or more factors, one
of them cryptographic): a TOTP secret (RFC 6238) sealed like an ID number, the last time step
used (a code is accepted once), and the one-time recovery codes, kept as keyed hashes."""

from __future__ import annotations

from tortoise import fields

from models.orm.base import Model


class DeskFactor(Model):
    id = fields.BigIntField(primary_key=True)
    person_id = fields.BigIntField(unique=True)
    secret_enc = fields.TextField()  # SM4-GCM, services.common.pii.Vault
    enrolled_at = fields.DatetimeField()
    last_step = fields.BigIntField(default=0)  # the last 30-second step a code was used in
    recovery: list[str] = fields.JSONField(default=list)  # keyed hashes of the unused codes

    class Meta:
        table = "desk_factor"
