"""The console's menu: each entry's key (its words are texts/console/nav.j2), its address,
and the API endpoint whose roles admit a visitor to it; the console shows a visitor the
entries they may use (console/app.py)."""

from __future__ import annotations

from console.invoke import AnyHandler
from miniapp_api.routes.admin import audit as admin_audit
from miniapp_api.routes.admin import batches as admin_desk
from miniapp_api.routes.admin import federation as peers
from miniapp_api.routes.admin import feedback as feedback_desk
from miniapp_api.routes.admin import statistics
from miniapp_api.routes.applicants import objections, review
from miniapp_api.routes.draws.candidates import kin_releases
from miniapp_api.routes.draws.facts import log as draw_log
from miniapp_api.routes.draws.followups import lent
from miniapp_api.routes.draws.record import performance
from miniapp_api.routes.draws.record import performance_desk as admin_performance
from miniapp_api.routes.draws.setup import prep as draw_prep
from miniapp_api.routes.draws.setup import projects, verify
from miniapp_api.routes.draws.venue import venues
from miniapp_api.routes.education import courses as education
from miniapp_api.routes.education import marking
from miniapp_api.routes.evaluation import portrait as evaluation_portraits
from miniapp_api.routes.evaluation import systems as evaluation_systems
from miniapp_api.routes.fees import declaration, funding, payouts
from miniapp_api.routes.fees import ledger as fee_ledger
from miniapp_api.routes.fees import standards as fee_standards
from miniapp_api.routes.help import keeping, support
from miniapp_api.routes.payments import invoices
from miniapp_api.routes.people import agency, dishonesty
from miniapp_api.routes.people import people_desk as admin
from miniapp_api.routes.people import register as admin_register
from miniapp_api.routes.people import security as admin_security
from miniapp_api.routes.reference import catalogues as admin_reference
from miniapp_api.routes.reference import contacts as consult_contacts
from miniapp_api.routes.reference import holidays as reference_holidays
from miniapp_api.routes.standing import credit, sanctions, yearly_accounts

# the menu shows what the visitor may use
# (the page's key in texts/console/nav.j2, its address, the endpoint that admits to it)
NAV: list[tuple[str, str, AnyHandler | None]] = [
    ("home", "/console/home", None),
    ("activities", "/console/activities", draw_prep.activities),
    ("projects", "/console/projects", projects.projects),
    ("handlers", "/console/handlers", agency.list_handlers),
    ("performance", "/console/performance", performance.evaluations),
    ("verify", "/console/verify", verify.pending),
    ("venue_checks", "/console/venue-checks", venues.venue_day),
    ("venues", "/console/venues", venues.venues),
    ("lent", "/console/lent", lent.lent_list),
    ("review", "/console/review", review.queue),
    ("draws", "/console/draws", draw_log.day_draws),
    ("batches", "/console/batches", admin_desk.list_batches),
    ("public_notice", "/console/public-notice", admin.in_notice),
    ("objections", "/console/objections", objections.objections),
    ("people", "/console/people", admin.find_people),
    ("courses", "/console/courses", education.course_list),
    ("marking", "/console/marking", marking.queue),
    ("feedback", "/console/feedback", feedback_desk.list_feedback),
    ("support", "/console/support", support.tickets),
    ("help_entries", "/console/help-entries", keeping.kept),
    ("notifications", "/console/notifications", admin_desk.stuck),
    ("payments", "/console/payments", admin_desk.payments),
    ("invoices", "/console/invoices", invoices.invoice_list),
    ("fee_sheets", "/console/fee-sheets", funding.fee_sheets),
    ("transfers", "/console/transfers", payouts.transfer_list),
    ("withholding", "/console/withholding", declaration.declaration),
    ("fee_ledger", "/console/fee-ledger", fee_ledger.fee_ledger),
    ("catalogues", "/console/catalogues", admin_reference.catalogues),
    ("units", "/console/units", admin_reference.units),
    ("consult_contacts", "/console/consult-contacts", consult_contacts.contact_list),
    ("register", "/console/register", admin_register.list_imports),
    ("security", "/console/security", admin_security.find_standing),
    ("audit_trail", "/console/audit-trail", admin_audit.audit_trail),
    ("access_log", "/console/access-log", admin_audit.access_log),
    ("fee_standards", "/console/fee-standards", fee_standards.versions),
    ("conduct_items", "/console/conduct-items", admin_performance.catalogue),
    ("performance_disputes", "/console/performance-disputes", admin_performance.disputed),
    ("sanctions", "/console/sanctions", sanctions.sanction_list),
    ("kin_releases", "/console/kin-releases", kin_releases.kin_cases),
    ("draw_policy", "/console/draw-policy", sanctions.policy),
    ("credit_rule", "/console/credit-rule", credit.credit_rule),
    ("yearly_accounts", "/console/yearly-accounts", yearly_accounts.of_year),
    ("holidays", "/console/holidays", reference_holidays.calendar),
    ("statistics", "/console/statistics", statistics.statistics),
    ("federation", "/console/federation", peers.peers),
    ("federation_requests", "/console/federation-requests", peers.lent_requests),
    ("evaluation_systems", "/console/evaluation-systems", evaluation_systems.listing),
    ("portraits", "/console/portraits", evaluation_portraits.flags),
    ("dishonesty", "/console/dishonesty", dishonesty.flag_list)]
