"""The 清单 of personal data (《网络数据安全管理条例》 2025, Art. 21: the kinds of personal
data processed, the purpose, how and where it is kept, how long; PIPL Art. 17 and 44): one
declaration in code, the single source of the list shown to a person (mini-program and chat),
of the copy they download (PIPL Art. 45) and of the retention job
(services/rights/retention.py). The words a person reads for each key are in
texts/words/personal_data.j2 (`kind.<key>`, `field.<key>`, `purpose.<key>`, `basis.<key>`,
`where.<key>`, `keep.<key>`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mask(StrEnum):
    """How a field's value is shown in the list and in the copy (docs/rules-that-are-ours.md:
    phones and ID numbers are masked everywhere the service answers, the copy included)."""

    NONE = "none"
    PHONE = "phone"
    ID = "id"  # already kept masked (person.id_masked); the full number only encrypted
    EMAIL = "email"


class Keep(StrEnum):
    """What the retention job does with a kind once its period ends."""

    ANONYMISE = "anonymise"  # identifying fields replaced, the record itself stays
    DELETE = "delete"  # rows removed
    KEPT = "kept"  # a record the law keeps (≥ 15 years): never removed by the job
    EXPIRES = "expires"  # Redis keys with a time to live: removed by Redis itself


@dataclass(frozen=True)
class DataField:
    key: str
    mask: Mask = Mask.NONE


@dataclass(frozen=True)
class DataKind:
    key: str
    fields: tuple[DataField, ...]
    tables: tuple[str, ...]  # where it is kept (tables, or "redis")
    keep: Keep
    # the period the job counts, by name of a Retention field (after_deregistration, logs)
    period: str | None


INVENTORY: tuple[DataKind, ...] = (
    DataKind("identity", (DataField("name"), DataField("gender"), DataField("birth_year"),
                          DataField("id_number", Mask.ID)),
             ("person",), Keep.ANONYMISE, "after_deregistration"),
    DataKind("contact", (DataField("phone", Mask.PHONE), DataField("email", Mask.EMAIL)),
             ("person",), Keep.ANONYMISE, "after_deregistration"),
    DataKind("account", (DataField("roles"), DataField("expert_number"),
                         DataField("wechat"), DataField("wechat_events"),
                         DataField("password_set"),
                         DataField("registered_at"), DataField("deregistered_at")),
             ("person", "role_grant", "wechat_identity", "wechat_privacy_event"),
             Keep.ANONYMISE,
             "after_deregistration"),
    DataKind("expert", (DataField("region"), DataField("willing_regions"),
                        DataField("work_unit"), DataField("title_level"),
                        DataField("industry"), DataField("specialties"),
                        DataField("avoid_units")),
             ("expert_profile", "expert_specialty", "expert_avoid_unit", "unavailability"),
             Keep.ANONYMISE, "after_deregistration"),
    DataKind("applications", (DataField("applications"), DataField("review_log"),
                              DataField("attachments")),
             ("application", "review_action", "attachment", "objection"), Keep.ANONYMISE,
             "after_deregistration"),
    # handled_activities: the 经办人 typed on the activities the person handles (name, and
    # the phone and ID number kept sealed: shown masked, never opened for the list or copy)
    DataKind("draws", (DataField("invitations"), DataField("identity_checks"),
                       DataField("handled_activities")),
             ("draw_invitation", "draw_log", "identity_check", "draw_activity"), Keep.KEPT,
             None),
    DataKind("payments", (DataField("payables"),), ("payable", "pay_order", "einvoice"),
             Keep.KEPT, None),
    DataKind("payout_accounts", (DataField("bank_accounts"),), ("payout_account",),
             Keep.ANONYMISE, "after_deregistration"),
    # the fees paid to the person, the tax withheld and each transfer's electronic receipt:
    # accounting vouchers, kept 30 years (会计档案管理办法 Art. 14 and its table, ACC-ARCH)
    DataKind("fees", (DataField("transfers"),),
             ("payout", "payout_receipt", "transfer_authorisation"), Keep.KEPT, None),
    DataKind("education", (DataField("courses"), DataField("exams")),
             ("enrollment", "lesson_study", "exam_attempt"), Keep.KEPT, None),
    # what the trading centres' evaluation systems' scores made of the person's scoring and
    # the proposals on their records (services/evaluation): kept with the evaluation's record
    DataKind("evaluation", (DataField("scores"), DataField("proposals")),
             ("evaluation_observation", "evaluation_proposal", "evaluation_score_table"),
             Keep.KEPT, None),
    DataKind("notifications", (DataField("notifications"),), ("notification",),
             Keep.DELETE, "logs"),
    # what the person asked the 智能客服 and the 人工客服 conversations (services/help)
    DataKind("help", (DataField("questions"), DataField("support")),
             ("help_question", "support_ticket", "support_message"), Keep.DELETE, "logs"),
    DataKind("codes", (), ("redis",), Keep.EXPIRES, None),
)


def kind(key: str) -> DataKind:
    """The declared kind named `key` (KeyError for one not declared)."""
    return next(k for k in INVENTORY if k.key == key)


COPY_PATH = "/personal-data.json"  # the copy's signed download (web/personal_data.py)
COPY_LINK = "personal_data"  # the signed link's purpose
