"""Draws shared between two libraries (NDRC-26 异地抽取; FG-807 主场/副场, 最小化调用): a
condition of this library's draw served by another library's pool (PeerAsk, the asking
side), and another library's request for experts drawn here (PeerDraw, the answering side).
Nothing personal about an expert is kept on the asking side but what the protocol returns:
a masked name, the specialty and the verification code (docs/federation.md)."""

from __future__ import annotations

from typing import Any, Literal

from tortoise import fields

from models.orm.base import Model

# PeerAsk.status: planned (waiting for the draw's start), asked (sent, the peer said it
# received it), pending (its administrator decides), drawing, done, short, refused,
# unreachable (not answered: retried), local (the handler had it drawn here instead),
# cancelled (our draw stopped first: the other library was told)
AskStatus = Literal["planned", "asked", "pending", "drawing", "done", "short", "refused",
                    "unreachable", "local", "cancelled"]
# PeerDraw.status: pending (our administrator decides), refused, drawing (then done or short,
# read from its draw), cancelled (the asking library stopped it)
LendStatus = Literal["pending", "refused", "drawing", "cancelled"]


class PeerAsk(Model):
    """One condition of this library's draw that another library draws from its pool."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)
    condition_id = fields.BigIntField(unique=True)
    peer_code = fields.CharField(max_length=16)
    peer_name = fields.CharField(max_length=64)
    request_id = fields.CharField(max_length=40, unique=True)  # ours, sent to the peer
    status = fields.CharField(max_length=12, default="planned", db_index=True)  # AskStatus
    reason = fields.CharField(max_length=200, default="")  # the peer's words when it refused
    tries = fields.IntField(default=0)  # calls not answered in a row
    next_at = fields.DatetimeField(null=True)  # when to call the peer next
    # per confirmed expert: {"name": masked, "specialty", "specialty_name", "code"}
    experts: list[dict[str, Any]] = fields.JSONField(default=list)
    asked_at = fields.DatetimeField(null=True)
    answered_at = fields.DatetimeField(null=True)  # the peer's last signed answer
    # drawn here instead after the request may have reached the peer: the peer is told to
    # cancel and release what it confirmed ("telling", retried until it answers), then
    # "told" with how many experts it released (never two libraries on one condition)
    release = fields.CharField(max_length=8, default="", db_default="")
    released = fields.IntField(default=0, db_default=0)
    # the evaluation as the peer last acknowledged it (times, the 副场's notice), and its
    # sequence number: a change here is sent as the next number until it answers
    told: dict[str, Any] | None = fields.JSONField(null=True)  # None: as first sent
    told_seq = fields.IntField(default=0, db_default=0)
    update_at = fields.DatetimeField(null=True)  # when to send a change next (backoff)
    update_tries = fields.IntField(default=0, db_default=0)
    roster_seq = fields.IntField(default=0, db_default=0)  # the peer's last roster applied
    wanted = fields.IntField(default=0, db_default=0)  # places the agency asks it to fill again
    # the agency's performance records of the lent experts, by verification code (CK-198),
    # sent with the evaluation's changes: {code: {late, left_early, conduct, score, comment}}
    records: dict[str, Any] | None = fields.JSONField(null=True)
    # the score analysis' proposals about the lent experts the agency confirmed, sent with
    # the evaluation's changes: {code: [{id, kind, detail, mark, mark_name, reason, at}]}
    proposals: dict[str, Any] | None = fields.JSONField(null=True)
    # the lent experts' fee sheet as the peer last sent it (its state, total, each fee by
    # code), and its number; the agency's funding of it (its bank reference, who, when) and
    # whether the peer has it yet ("telling", retried with backoff, then "told")
    fees: dict[str, Any] | None = fields.JSONField(null=True)
    fees_seq = fields.IntField(default=0, db_default=0)
    funding: dict[str, Any] | None = fields.JSONField(null=True)
    funding_told = fields.CharField(max_length=8, default="", db_default="")
    funding_at = fields.DatetimeField(null=True)
    funding_tries = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "peer_ask"


class PeerDraw(Model):
    """Another library's request for experts drawn from this library's pool."""

    id = fields.BigIntField(primary_key=True)
    peer_code = fields.CharField(max_length=16)
    peer_name = fields.CharField(max_length=64)
    request_id = fields.CharField(max_length=40)  # the asking library's
    status = fields.CharField(max_length=12, default="pending", db_index=True)  # LendStatus
    reason = fields.CharField(max_length=200, default="")  # why refused
    specialty = fields.CharField(max_length=16)  # the catalogue's code
    region = fields.CharField(max_length=6)  # as stored here (4402), sent as 440200
    count = fields.IntField()
    # the request as received (times, the notice, the nonce, the units to avoid)
    request: dict[str, Any] = fields.JSONField(default=dict)
    activity_id = fields.BigIntField(null=True)  # our draw for it, once accepted
    decided_by = fields.BigIntField(null=True)  # person id; None: the standing rule
    decided_at = fields.DatetimeField(null=True)
    answered = fields.CharField(max_length=24, default="")  # the last answer's state:confirmed
    received_at = fields.DatetimeField()
    seq = fields.IntField(default=0, db_default=0)  # the asker's last change applied
    # the 副场's roster as the asker last acknowledged it (its experts' states, arrivals and
    # check-outs), its number, and when to send a newer one next (backoff)
    roster: list[Any] | None = fields.JSONField(null=True)
    roster_seq = fields.IntField(default=0, db_default=0)
    roster_at = fields.DatetimeField(null=True)
    roster_tries = fields.IntField(default=0, db_default=0)
    wanted = fields.IntField(default=0, db_default=0)  # places the asker asks us to fill again
    # the asker's records of our experts as received, and those written here (code: entry)
    records: dict[str, Any] | None = fields.JSONField(null=True)
    records_done: dict[str, Any] | None = fields.JSONField(null=True)
    # the asker's confirmed proposals about our experts as received, and the ids written
    # here on their own records (code: [proposal id, …])
    proposals: dict[str, Any] | None = fields.JSONField(null=True)
    proposals_done: dict[str, Any] | None = fields.JSONField(null=True)
    # the fee sheet of our experts as the asker last acknowledged it, its number, and when
    # to send a newer one next (backoff)
    fees: dict[str, Any] | None = fields.JSONField(null=True)
    fees_seq = fields.IntField(default=0, db_default=0)
    fees_at = fields.DatetimeField(null=True)
    fees_tries = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "peer_draw"
        unique_together = (("peer_code", "request_id"),)
