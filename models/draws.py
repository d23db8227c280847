"""Expert draws (GD-DRAW): projects and sections, draw activities with their avoidance list,
notices and conditions, and the invitations the engine sends."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from tortoise import fields

from models.orm import sealing
from models.orm.base import Model

SEED = b"draw-seed"  # the associated data a seed is sealed under
AVOID_ID = b"avoided-id"  # that of an avoided person's ID number (docs/federation.md)

# The values of the plain text columns below, as types (the columns stay varchar):
AvoidKind = Literal["unit", "person"]  # Avoidance.kind
RegionMode = Literal["residence", "willing"]  # Condition.region_mode: 常驻地区 / 意愿评标区
PoolName = Literal["main", "alt", "urg"]  # Invitation.pool: main, alternate, 应急 first
# Invitation.answered_via (call: a 复评 agreed on the phone, services/draws/followups/recall.py)
AnsweredVia = Literal["chat", "miniapp", "sms", "link", "voice", "call"]
ActorRole = Literal["agency", "verifier", "admin", "finance", "system"]  # DrawLog.role


class DrawStatus(StrEnum):
    DRAFT = "draft"  # being prepared by the handler
    SUBMITTED = "submitted"  # waiting for the trading centre (withdrawable)
    VERIFIED = "verified"  # may start
    REFUSED = "refused"  # the verifier sent it back, editable again
    DRAWING = "drawing"
    PAUSED = "paused"  # no new invitations, in-flight ones still count
    ENDED = "ended"  # complete, exhausted or force-ended
    WITHDRAWN = "withdrawn"  # 退选
    CANCELLED = "cancelled"  # a draft the agency gave up (its sections are free again)


class ActivityKind(StrEnum):  # DrawActivity.kind
    NORMAL = "normal"
    SUPPLEMENT = "supplement"  # 补抽
    REDRAW = "redraw"  # 重新抽取
    REEVAL = "reeval"  # 复评
    PEER = "peer"  # drawn here for another library (services/draws/setup/for_peer.py)


class InvitationStatus(StrEnum):
    SENT = "sent"  # waiting for the expert's reply
    CONFIRMED = "confirmed"  # 1 参加
    DECLINED = "declined"  # 2 不参加
    AVOIDED = "avoided"  # 3 需回避
    TIMEOUT = "timeout"  # no reply within the window
    RELEASED = "released"  # accepted when the condition was already full: thanked, released
    CANCELLED = "cancelled"  # the draw was withdrawn or force-ended before a reply
    ABSENT = "absent"  # confirmed, then registered absent / on leave


class Project(Model):
    """招标项目, owned by an agency."""

    id = fields.BigIntField(primary_key=True)
    agency_id = fields.BigIntField(db_index=True)
    created_by = fields.BigIntField()  # person id of the handler
    name = fields.CharField(max_length=128)
    number = fields.CharField(max_length=64, null=True)  # none: GD-DRAW "如无编号则不需要填写"
    kind = fields.CharField(max_length=32)  # 工程 / 货物 / 服务
    region = fields.CharField(max_length=6)  # project location (region code)
    funding = fields.CharField(max_length=64, default="")
    approval_no = fields.CharField(max_length=64, default="")
    tender_method = fields.CharField(max_length=16, default="公开招标")
    organisation = fields.CharField(max_length=16, default="委托招标")
    tenderer_type = fields.CharField(max_length=32, default="")
    investment_fen = fields.BigIntField(default=0)
    # 投资项目统一代码: the project's code on the investment approval platform (optional)
    investment_code = fields.CharField(max_length=32, default="", db_default="")
    tenderer_name = fields.CharField(max_length=128)
    tenderer_credit_code = fields.CharField(max_length=18)
    # 行政监督部门: its staff never sit on this project's committees (实施条例 Art. 46)
    supervisor_name = fields.CharField(max_length=128, default="", db_default="")
    supervisor_credit_code = fields.CharField(max_length=18, default="", db_default="")
    contact_name = fields.CharField(max_length=32, default="")
    contact_phone = fields.CharField(max_length=20, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "draw_project"
        unique_together = (("agency_id", "number"),)


class Section(Model):
    """标段: drawn once, by one activity (unless that activity is withdrawn)."""

    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="sections", on_delete=fields.CASCADE, db_index=True)
    project_id: int  # the column, read without a query
    number = fields.CharField(max_length=32)
    name = fields.CharField(max_length=128)
    investment_fen = fields.BigIntField(default=0, db_default=0)  # 标段投资额
    activity_id = fields.BigIntField(null=True, db_index=True)

    class Meta:
        table = "draw_section"
        unique_together = (("project", "number"),)


class DrawActivity(Model):
    """抽取活动 over one or more sections of one project."""

    id = fields.BigIntField(primary_key=True)
    project: fields.ForeignKeyRelation[Project] = fields.ForeignKeyField(
        "models.Project", related_name="activities", on_delete=fields.RESTRICT, db_index=True)
    project_id: int  # the column, read without a query
    agency_id = fields.BigIntField(db_index=True)
    handler_id = fields.BigIntField(db_index=True)  # person id
    kind = fields.CharField(max_length=12, default="normal")  # normal/supplement/redraw/reeval
    parent_id = fields.BigIntField(null=True)
    status = fields.CharField(max_length=12, default=DrawStatus.DRAFT, db_index=True)
    # GD-DRAW's 活动信息 (services/draws/setup/activity_info.py): name, 公告发布媒体, 开标地点 (a
    # region code), remarks, and the 经办人 whose phone and ID number are sealed like a
    # person's (models/draw_handler.py), kept masked beside them for display
    name = fields.CharField(max_length=128, default="", db_default="")
    media = fields.CharField(max_length=64, default="", db_default="")
    bid_open_region = fields.CharField(max_length=6, default="", db_default="")
    remarks = fields.CharField(max_length=200, default="", db_default="")
    handler_name = fields.CharField(max_length=32, default="", db_default="")
    handler_phone_enc = fields.TextField(default="", db_default="")
    handler_phone_masked = fields.CharField(max_length=11, default="", db_default="")
    handler_id_enc = fields.TextField(default="", db_default="")
    handler_id_masked = fields.CharField(max_length=18, default="", db_default="")
    bid_open_at = fields.DatetimeField()
    # the evaluation's window, kept on its invitations too: a trigger moves theirs with it
    # (models/migrations/0094_invitation_windows.py)
    eval_start = fields.DatetimeField()
    eval_end = fields.DatetimeField()
    total = fields.IntField(default=0)  # experts needed: the conditions' counts add up to it
    # the committee (services/draws/facts/committee.py): members, the representatives among
    # them, the cases ticked that raise its least size; None: not recorded (made before 0083)
    committee_size = fields.IntField(null=True)
    representatives = fields.IntField(null=True)
    committee_cases: list[str] | None = fields.JSONField(null=True)
    on_site = fields.BooleanField(default=False)
    # GD-DRAW's 是否已抽专家: the experts confirmed for the earlier activities ticked are avoided
    avoid_drawn = fields.BooleanField(default=False)
    avoid_activity_ids: list[int] = fields.JSONField(default=list)
    # the evaluation is over: at its end, or (进场项目) once every confirmed expert is out
    finished_at = fields.DatetimeField(null=True)
    # 监督人员: {name, department, phone_enc, phone_masked} each (models/draw_handler.py);
    # an older release kept names only (a plain string)
    supervisors: list[Any] = fields.JSONField(default=list)
    response_minutes = fields.IntField(default=10)
    # 复评 by calls (GD-DRAW): drawing, but no wave is sent (services/draws/followups/recall.py)
    by_calls = fields.BooleanField(default=False)
    verifier_id = fields.BigIntField(null=True)
    verified_at = fields.DatetimeField(null=True)
    refuse_reason = fields.CharField(max_length=200, null=True)
    submit_reason = fields.CharField(max_length=200, null=True)  # 提交审核原因 (GD-DRAW)
    # 选择提交终端 (GD-DRAW): the trading centre the request goes to, by the region it serves
    # (a province's or a city's code); "": none chosen, the project's region decides
    terminal = fields.CharField(max_length=12, default="", db_default="")
    seed_hash = fields.CharField(max_length=64, null=True)  # shown at the start
    # the seed, sealed (SM4-GCM, models/orm/sealing.py), revealed at the end through the API;
    # `seed_clear`: a seed an older release wrote, until `expertbot migrate` seals it
    seed_clear = fields.CharField(max_length=64, null=True, source_field="seed")
    seed_enc = fields.CharField(max_length=200, null=True)
    nonce = fields.CharField(max_length=32, null=True)  # entered by the handler at the start
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharField(max_length=16, null=True)  # complete/exhausted/forced
    unsealed_pushed = fields.BooleanField(default=False)
    withdraw_reason = fields.CharField(max_length=200, null=True)  # 退选, force majeure
    withdraw_requested_at = fields.DatetimeField(null=True)
    withdrawal_started_at = fields.DatetimeField(null=True)  # 启动退选: the experts told
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "draw_activity"
        # the agency's list, newest first a page at a time (the legal person's: all the
        # agency's; a handler's: their own); an evaluation's 补抽 and 复评 by their original
        # (an expert's reply reads the committee through it); the last 60 days' ended ones
        # (models/migrations/0095_finished_index.py)
        indexes = (("agency_id", "id"), ("handler_id", "id"), ("parent_id",), ("finished_at",))

    @property
    def seed(self) -> str | None:
        """The seed in clear (opened from its seal), None before verification."""
        if self.seed_enc:
            return sealing.sealer().decrypt(self.seed_enc, SEED)
        return self.seed_clear

    @seed.setter
    def seed(self, value: str | None) -> None:
        self.seed_enc = sealing.sealer().encrypt(value, SEED) if value is not None else None
        self.seed_clear = None


def sealed_seed(seed: str | None) -> dict[str, str | None]:
    """The column values of a seed, for a queryset update."""
    return {"seed_enc": sealing.sealer().encrypt(seed, SEED) if seed is not None else None,
            "seed_clear": None}


class Avoidance(Model):
    """A unit or a person this activity must not draw. The agency and the tenderer are
    added when the activity is created and cannot be removed (fixed)."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[DrawActivity] = fields.ForeignKeyField(
        "models.DrawActivity", related_name="avoidances", on_delete=fields.CASCADE, db_index=True)
    activity_id: int  # the column, read without a query
    kind = fields.CharField(max_length=8)  # AvoidKind
    name = fields.CharField(max_length=128)
    credit_code = fields.CharField(max_length=18, null=True)  # units
    id_hash = fields.CharField(max_length=64, null=True)  # persons: keyed hash of the ID
    id_sealed = fields.TextField(null=True)  # persons: the ID sealed (AVOID_ID), for peers
    expert_id = fields.BigIntField(null=True)  # persons: a formal expert (re-draw)
    fixed = fields.BooleanField(default=False)
    reason = fields.CharField(max_length=64, default="")

    class Meta:
        table = "draw_avoidance"


NoticeRole = Literal["main", "secondary"]  # Notice.role: 主场 / 副场 (FG-807 远程异地评标)


class Notice(Model):
    """The invitation's content (the seed's 语音通知): where and when experts gather; a
    remote evaluation's 主场 or one of its 副场 (services/draws/facts/venue_roles.py)."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[DrawActivity] = fields.ForeignKeyField(
        "models.DrawActivity", related_name="notices", on_delete=fields.CASCADE, db_index=True)
    activity_id: int  # the column, read without a query
    venue = fields.CharField(max_length=64)
    # the centre's Venue picked (its identity check follows this, not the name); None: typed
    venue_id = fields.BigIntField(null=True, db_index=True)
    city = fields.CharField(max_length=16)
    district = fields.CharField(max_length=16)
    street = fields.CharField(max_length=64)
    room = fields.CharField(max_length=32, default="")
    gather_at = fields.DatetimeField()
    contact_name = fields.CharField(max_length=32)
    contact_phone = fields.CharField(max_length=20)
    notes = fields.CharField(max_length=50, default="")
    role = fields.CharField(max_length=12, default="main", db_default="main")  # NoticeRole
    # not a column: "主场" / "副场" when the activity has a 副场, else "" (set by the loaders)
    role_word: str = ""

    class Meta:
        table = "draw_notice"

    @property
    def address(self) -> str:
        """Where to gather, as every invitation, page and API answer writes it."""
        return f"{self.city}{self.district}{self.street}{self.room}"


class Condition(Model):
    """抽取条件: who may be drawn, and how many."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[DrawActivity] = fields.ForeignKeyField(
        "models.DrawActivity", related_name="conditions", on_delete=fields.CASCADE, db_index=True)
    activity_id: int  # the column, read without a query
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "models.Notice", related_name="conditions", on_delete=fields.RESTRICT, db_index=True)
    notice_id: int  # the column, read without a query
    region_mode = fields.CharField(max_length=12, default="residence")  # RegionMode
    regions: list[str] = fields.JSONField()  # region codes (province, city or county)
    # a specialty of any level: it takes every one under it (catalogue_version's tree)
    main_specialty = fields.CharField(max_length=16)
    alternate_specialty = fields.CharField(max_length=16, null=True)
    catalogue_version = fields.IntField(null=True)  # None: the catalogue the release ships
    title_level = fields.CharField(max_length=8, null=True)
    qualification = fields.CharField(max_length=64, null=True)
    industry = fields.CharField(max_length=16, null=True)
    planned = fields.IntField()
    # expert ids of the main pool, fixed at the start
    pool: list[int] | None = fields.JSONField(null=True)
    pool_hash = fields.CharField(max_length=64, null=True)
    # alternate pool, fixed when first needed
    alt_pool: list[int] | None = fields.JSONField(null=True)
    alt_pool_hash = fields.CharField(max_length=64, null=True)
    # the weighting by credit level the pools were committed with (level -> weight), and
    # each candidate's weight ({"<expert id>": weight}); None: an unweighted draw
    weighting: dict[str, int] | None = fields.JSONField(null=True)
    pool_weights: dict[str, int] | None = fields.JSONField(null=True)
    alt_pool_weights: dict[str, int] | None = fields.JSONField(null=True)
    exhausted = fields.BooleanField(default=False)
    source_id = fields.BigIntField(null=True)  # the condition a supplement / clone comes from

    class Meta:
        table = "draw_condition"


class Invitation(Model):
    """One expert invited for one condition: rank is the position in the seeded order."""

    id = fields.BigIntField(primary_key=True)
    activity: fields.ForeignKeyRelation[DrawActivity] = fields.ForeignKeyField(
        "models.DrawActivity", related_name="invitations", on_delete=fields.CASCADE)
    activity_id: int  # the column, read without a query
    condition: fields.ForeignKeyRelation[Condition] = fields.ForeignKeyField(
        "models.Condition", related_name="invitations", on_delete=fields.CASCADE, db_index=True)
    condition_id: int  # the column, read without a query
    expert_id = fields.BigIntField(db_index=True)
    person_id = fields.BigIntField(db_index=True)
    pool = fields.CharField(max_length=4, default="main")  # PoolName
    rank = fields.IntField()
    wave = fields.IntField()
    status = fields.CharField(max_length=12, default=InvitationStatus.SENT, db_index=True)
    sent_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    replied_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=100, null=True)
    # how the answer came (AnsweredVia)
    answered_via = fields.CharField(max_length=12, null=True)
    code = fields.CharField(max_length=8, null=True)  # 验证码, on confirmation
    supplementary = fields.BooleanField(default=False)
    absence = fields.CharField(max_length=8, null=True)  # 缺席 / 请假, registered by the agency
    # withdrawal (退选) notice: pushes made, and when the expert acknowledged it in chat
    withdrawal_notices = fields.IntField(default=0)
    acknowledged_at = fields.DatetimeField(null=True)
    # who recorded the acknowledgement: the expert's own 收到 (None), or the agency's note of
    # an outcome it obtained another way (reached by phone, ...)
    acknowledged_by = fields.CharField(max_length=32, null=True)
    acknowledged_note = fields.CharField(max_length=100, null=True)
    # 专家酬劳支付情况 (GD-DRAW): recorded by the agency after the evaluation
    fee_fen = fields.IntField(null=True)
    fee_paid = fields.BooleanField(default=False)
    fee_recorded_at = fields.DatetimeField(null=True)
    # what the published standard gave when the fee was recorded; the agency's reason if not
    fee_computed_fen = fields.IntField(null=True)
    fee_reason = fields.CharField(max_length=200, null=True)
    # attendance: check-in and check-out at the venue, urges (the system's and the agency's
    # counted apart, GD-DRAW: 系统语音催促最多 3 次)
    checkin_at = fields.DatetimeField(null=True)
    checkout_at = fields.DatetimeField(null=True)
    urges = fields.IntField(default=0)  # the system's (at most 3)
    last_urge_at = fields.DatetimeField(null=True)
    manual_urges = fields.IntField(default=0)  # the agency's own, counted apart
    last_manual_urge_at = fields.DatetimeField(null=True)
    # its activity's evaluation window, written with the invitation and moved with the
    # activity's by a trigger (models/migrations/0094_invitation_windows.py): an expert's
    # evaluations overlapping another are found through (expert_id, eval_end), past ones
    # outside the index range, whatever the length of the expert's history
    eval_start = fields.DatetimeField()
    eval_end = fields.DatetimeField()

    class Meta:
        table = "draw_invitation"
        unique_together = (("activity", "expert_id"),)
        indexes = (("expert_id", "eval_end"),)


class SkippedCandidate(Model):
    """A candidate passed over at invitation time (became unavailable, booked elsewhere),
    kept so the auditor can account for every position of the order."""

    id = fields.BigIntField(primary_key=True)
    condition: fields.ForeignKeyRelation[Condition] = fields.ForeignKeyField(
        "models.Condition", related_name="skipped", on_delete=fields.CASCADE, db_index=True)
    condition_id: int  # the column, read without a query
    expert_id = fields.BigIntField()
    pool = fields.CharField(max_length=4, default="main")
    rank = fields.IntField()
    reason = fields.CharField(max_length=32)

    class Meta:
        table = "draw_skipped"


class DrawLog(Model):
    """One operation on a draw activity: who (their role and masked name), what, when and,
    where GD-DRAW asks for one, why. The agency, the verifier and the administrator read
    it; the audit export includes it."""

    id = fields.BigIntField(primary_key=True)
    activity_id = fields.BigIntField(db_index=True)
    at = fields.DatetimeField()
    role = fields.CharField(max_length=16)  # ActorRole
    actor_id = fields.BigIntField(null=True)  # person id (none for the system)
    actor_name = fields.CharField(max_length=32)  # masked: 陈*强
    action = fields.CharField(max_length=24)  # services.draws.facts.oplog.ACTIONS
    reason = fields.CharField(max_length=200, null=True)
    detail: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "draw_log"
        indexes = (("role", "at", "id"),)  # the verifiers' 核验记录, newest first
