"""One route table per resource, in a folder per context (people, applicants, education,
payments, draws, fees, standing, admin, reference, rights); `api()` gathers them."""

from __future__ import annotations

from miniapp_api.framework import Api
from miniapp_api.routes.admin import audit as admin_audit
from miniapp_api.routes.admin import batches as admin_batches
from miniapp_api.routes.admin import federation as admin_federation
from miniapp_api.routes.admin import feedback as admin_feedback
from miniapp_api.routes.admin import statistics as admin_statistics
from miniapp_api.routes.applicants import applications as applicants_applications
from miniapp_api.routes.applicants import notice_board as applicants_notice_board
from miniapp_api.routes.applicants import review as applicants_review
from miniapp_api.routes.draws import attendance as draws_attendance
from miniapp_api.routes.draws import drafts as draws_drafts
from miniapp_api.routes.draws import drawing as draws_drawing
from miniapp_api.routes.draws import face_checkin as draws_face_checkin
from miniapp_api.routes.draws import followups as draws_followups
from miniapp_api.routes.draws import invitations as draws_invitations
from miniapp_api.routes.draws import log as draws_log
from miniapp_api.routes.draws import peer_draws as draws_peer_draws
from miniapp_api.routes.draws import performance as draws_performance
from miniapp_api.routes.draws import performance_desk as draws_performance_desk
from miniapp_api.routes.draws import prep as draws_prep
from miniapp_api.routes.draws import projects as draws_projects
from miniapp_api.routes.draws import record as draws_record
from miniapp_api.routes.draws import templates as draws_templates
from miniapp_api.routes.draws import terminals as draws_terminals
from miniapp_api.routes.draws import venues as draws_venues
from miniapp_api.routes.draws import verify as draws_verify
from miniapp_api.routes.draws import verify_request as draws_verify_request
from miniapp_api.routes.draws import virtual_calls as draws_virtual_calls
from miniapp_api.routes.education import courses as education_courses
from miniapp_api.routes.education import lessons as education_lessons
from miniapp_api.routes.education import marking as education_marking
from miniapp_api.routes.education import materials as education_materials
from miniapp_api.routes.education import training as education_training
from miniapp_api.routes.fees import accounts as fees_accounts
from miniapp_api.routes.fees import authorisations as fees_authorisations
from miniapp_api.routes.fees import declaration as fees_declaration
from miniapp_api.routes.fees import funding as fees_funding
from miniapp_api.routes.fees import ledger as fees_ledger
from miniapp_api.routes.fees import payouts as fees_payouts
from miniapp_api.routes.fees import sheets as fees_sheets
from miniapp_api.routes.fees import standards as fees_standards
from miniapp_api.routes.payments import bills as payments_bills
from miniapp_api.routes.payments import invoices as payments_invoices
from miniapp_api.routes.payments import payments_due as payments_payments_due
from miniapp_api.routes.people import agency as people_agency
from miniapp_api.routes.people import auth as people_auth
from miniapp_api.routes.people import dishonesty as people_dishonesty
from miniapp_api.routes.people import expert as people_expert
from miniapp_api.routes.people import me as people_me
from miniapp_api.routes.people import people_desk as people_people_desk
from miniapp_api.routes.people import register as people_register
from miniapp_api.routes.people import roles as people_roles
from miniapp_api.routes.people import security as people_security
from miniapp_api.routes.people import subscriptions as people_subscriptions
from miniapp_api.routes.reference import catalogues as reference_catalogues
from miniapp_api.routes.reference import contacts as reference_contacts
from miniapp_api.routes.reference import holidays as reference_holidays
from miniapp_api.routes.reference import pickers as reference_pickers
from miniapp_api.routes.reference import unit_requests as reference_unit_requests
from miniapp_api.routes.rights import personal_data as rights_personal_data
from miniapp_api.routes.rights import retention as rights_retention
from miniapp_api.routes.standing import credit as standing_credit
from miniapp_api.routes.standing import sanctions as standing_sanctions

# the order routes are added in (a literal path before a parameterised one)
MODULES = (
    people_auth,
    people_me,
    rights_personal_data,
    people_subscriptions,
    applicants_applications,
    applicants_review,
    applicants_notice_board,
    people_expert,
    education_courses,
    education_lessons,
    education_materials,
    education_training,
    education_marking,
    payments_payments_due,
    draws_invitations,
    draws_face_checkin,
    people_agency,
    draws_projects,
    draws_prep,
    draws_drafts,
    draws_peer_draws,
    draws_templates,
    draws_terminals,
    draws_drawing,
    draws_record,
    draws_followups,
    draws_attendance,
    draws_verify,
    draws_venues,
    draws_verify_request,
    draws_log,
    fees_funding,
    fees_accounts,
    fees_declaration,
    fees_ledger,
    people_roles,
    people_people_desk,
    admin_batches,
    payments_bills,
    payments_invoices,
    admin_feedback,
    reference_pickers,
    reference_contacts,
    reference_unit_requests,
    reference_catalogues,
    reference_holidays,
    people_register,
    draws_virtual_calls,
    admin_audit,
    people_security,
    rights_retention,
    fees_sheets,
    fees_standards,
    standing_sanctions,
    draws_performance,
    draws_performance_desk,
    standing_credit,
    admin_statistics,
    admin_federation,
    people_dishonesty,
    fees_payouts,
    fees_authorisations,
)


def api() -> Api:
    whole = Api()
    for module in MODULES:
        whole.include(module.api)
    return whole
