"""Draws (GD-DRAW): a project's activities, their conditions and pools, the running draw
(invitations, answers by chat, SMS, voice and link, waves, 补抽), the venue (check-in,
absences), the record and follow-ups (复评, withdrawals). Above standing, people,
applicants and payments, which it reads; below fees, which reads its activities and writes
to their operation log.

The front door: what edges and other contexts may use (tools/layout.py holds them to it);
the modules behind it are the context's own."""

from services.draws.followups.after_draw import DrawFollowups
from services.draws.followups.recall import Recall, originals
from services.draws.followups.supplements import supplement_time_default
from services.draws.followups.virtual_calls import (
    CallView,
    VirtualCalls,
    apply_reports,
    call_view,
)
from services.draws.followups.withdrawal_report import withdrawal_follow_up
from services.draws.randomness.audit import audit, export_record, import_record, report_text
from services.draws.randomness.commit import published_roots
from services.draws.randomness.merkle import check_proof
from services.draws.randomness.proofs import memberships
from services.draws.randomness.weighting import (
    WEIGHT_MAX,
    WEIGHT_MIN,
    check_weights,
    draw_policy,
    set_draw_policy,
    weighted_words,
    weighting_said,
)
from services.draws.record import performance
from services.draws.record.condition_table import (
    ConditionProgress,
    agreed_in,
    progress_of,
    supplements_shown,
)
from services.draws.record.contacts import contact_report
from services.draws.record.dashboard import DayEvaluation, dashboard, evaluations_on
from services.draws.record.family import SUPPLEMENT, family, root_of, serving
from services.draws.record.oplog import Actor, OperationLog, log_export, log_of
from services.draws.record.performance import Entry, SheetView, Shown, mine, sheet_view
from services.draws.record.performance_due import remind as remind_performance_due
from services.draws.record.results import (
    audit_records,
    draw_results,
    pool_audit,
    result_link,
    result_sheet,
)
from services.draws.record.views import (
    ActivityFile,
    ActivityFilter,
    activity_file,
    activity_number,
    agency_projects,
    answer_view,
    expert_evaluations,
    linked_invitation,
    number_in,
    project_sections,
    visible_file,
    visible_summaries,
)
from services.draws.running.answers import (
    ACKNOWLEDGE,
    ANSWER,
    NotAnAnswer,
    Several,
    answer_from,
    decide,
    listed,
    said,
)
from services.draws.running.calls import CallPolicy, DrawCalls
from services.draws.running.counts import Counts, draw_counts, visible_counts
from services.draws.running.engine import DrawEngine
from services.draws.running.moot import DRAW_MOOT
from services.draws.running.notices import (
    invitation_params,
    notice_contact,
    notice_of,
    venue_region,
)
from services.draws.running.rules import SANCTIONED
from services.draws.running.seal import CHECKIN_LINK, RESULT_LINK, SEAL_BEFORE, check_sealed
from services.draws.running.sealed import SEALED_ACTIONS
from services.draws.running.skip_reasons import skip_said
from services.draws.running.skips import activity_facts
from services.draws.running.sms_answers import SmsReplies
from services.draws.running.venue_roles import mark_roles, remote_venues, venue_label
from services.draws.running.venue_roles import use_texts as use_venue_role_texts
from services.draws.running.voice_answers import VoiceReplies
from services.draws.scope import (
    AgencyRole,
    agency_project,
    agency_role,
    any_activity,
    decided_in_scope,
    verifiable_activity,
    visible_activities,
    visible_activity,
    waiting_verification,
)
from services.draws.setup import drafts
from services.draws.setup.activities import DrawSetup
from services.draws.setup.avoidance_import import Imported as AvoidancesImported
from services.draws.setup.avoidance_import import import_avoidances
from services.draws.setup.evidence import (
    EVIDENCE_MAX,
    EVIDENCE_TYPES,
    attach,
    evidence_file,
    evidence_of,
    remove,
    require_evidence_size,
)
from services.draws.setup.for_peer import PEER, PeerOrder, confirmed_for_peer, prepare_for_peer
from services.draws.setup.form_options import FormOptions, form_options
from services.draws.setup.request_record import (
    PARTS,
    changes,
    in_words,
    part_title,
    project_head,
    refused_request,
    request_of,
    rounds,
    words_of,
)
from services.draws.setup.templates import (
    TEMPLATE_KINDS,
    template_file,
    template_title,
)
from services.draws.setup.templates import XLSX as TEMPLATE_XLSX
from services.draws.setup.terminals import Terminal, chosen_terminal, terminal_name
from services.draws.setup.terminals import offered as offered_terminals
from services.draws.venue.attendance import Attendance, CheckResult
from services.draws.venue.face import FaceCheckIns, FaceStart
from services.draws.venue.identity import IdentityChecks, Presented, StaffCheck, VenueDay
from services.draws.venue.identity_rule import (
    checking_venues,
    identity_checked,
    identity_required,
)
from services.draws.venue.sanction_release import release_for_sanction
from services.draws.venue.urges import MAX_MANUAL_URGES

__all__ = [
    "ACKNOWLEDGE",
    "ANSWER",
    "CHECKIN_LINK",
    "DRAW_MOOT",
    "EVIDENCE_MAX",
    "EVIDENCE_TYPES",
    "MAX_MANUAL_URGES",
    "PARTS",
    "PEER",
    "RESULT_LINK",
    "SANCTIONED",
    "SEALED_ACTIONS",
    "SEAL_BEFORE",
    "SUPPLEMENT",
    "TEMPLATE_KINDS",
    "TEMPLATE_XLSX",
    "WEIGHT_MAX",
    "WEIGHT_MIN",
    "ActivityFile",
    "ActivityFilter",
    "Actor",
    "AgencyRole",
    "Attendance",
    "AvoidancesImported",
    "CallPolicy",
    "CallView",
    "CheckResult",
    "ConditionProgress",
    "Counts",
    "DayEvaluation",
    "DrawCalls",
    "DrawEngine",
    "DrawFollowups",
    "DrawSetup",
    "Entry",
    "FaceCheckIns",
    "FaceStart",
    "FormOptions",
    "IdentityChecks",
    "NotAnAnswer",
    "OperationLog",
    "PeerOrder",
    "Presented",
    "Recall",
    "Several",
    "SheetView",
    "Shown",
    "SmsReplies",
    "StaffCheck",
    "Terminal",
    "VenueDay",
    "VirtualCalls",
    "VoiceReplies",
    "activity_facts",
    "activity_file",
    "activity_number",
    "agency_project",
    "agency_projects",
    "agency_role",
    "agreed_in",
    "answer_from",
    "answer_view",
    "any_activity",
    "apply_reports",
    "attach",
    "audit",
    "audit_records",
    "call_view",
    "changes",
    "check_proof",
    "check_sealed",
    "check_weights",
    "checking_venues",
    "chosen_terminal",
    "confirmed_for_peer",
    "contact_report",
    "dashboard",
    "decide",
    "decided_in_scope",
    "drafts",
    "draw_counts",
    "draw_policy",
    "draw_results",
    "evaluations_on",
    "evidence_file",
    "evidence_of",
    "expert_evaluations",
    "export_record",
    "family",
    "form_options",
    "identity_checked",
    "identity_required",
    "import_avoidances",
    "import_record",
    "in_words",
    "invitation_params",
    "linked_invitation",
    "listed",
    "log_export",
    "log_of",
    "mark_roles",
    "memberships",
    "mine",
    "notice_contact",
    "notice_of",
    "number_in",
    "offered_terminals",
    "originals",
    "part_title",
    "performance",
    "pool_audit",
    "prepare_for_peer",
    "progress_of",
    "project_head",
    "project_sections",
    "published_roots",
    "refused_request",
    "release_for_sanction",
    "remind_performance_due",
    "remote_venues",
    "remove",
    "report_text",
    "request_of",
    "require_evidence_size",
    "result_link",
    "result_sheet",
    "root_of",
    "rounds",
    "said",
    "serving",
    "set_draw_policy",
    "sheet_view",
    "skip_said",
    "supplement_time_default",
    "supplements_shown",
    "template_file",
    "template_title",
    "terminal_name",
    "use_venue_role_texts",
    "venue_label",
    "venue_region",
    "verifiable_activity",
    "visible_activities",
    "visible_activity",
    "visible_counts",
    "visible_file",
    "visible_summaries",
    "waiting_verification",
    "weighted_words",
    "weighting_said",
    "withdrawal_follow_up",
    "words_of",
]
