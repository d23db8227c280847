"""Every download that holds people's personal data, declared once (services/audit/holding.py):
its sheets and columns, the kind of personal data each column holds and whether in full,
and why a desk takes it. The console's Excel files and the API's CSV are written from
these declarations and their access entries say what the file held
(tests/admin/test_access_record.py walks every download the service offers: each is
declared here, or among the downloads that hold nobody's personal data, or is one person's
document)."""

from __future__ import annotations

from services.audit.holding import (
    Column,
    Export,
    ExportSheet,
    Held,
    Kind,
    Purpose,
    Reading,
    Shown,
)


def _col(key: str, kind: Kind | None = None, shown: Shown = Shown.FULL) -> Column:
    return Column(key, (Held(kind, shown),) if kind else ())


def _sheet(key: str, *columns: Column) -> ExportSheet:
    return ExportSheet(key, columns)


FEE, APP, INV, PAY = Kind.FEE, Kind.APPLICATION, Kind.INVITATION, Kind.PAYMENT
PERF = Kind.PERFORMANCE

# 扣缴申报 (IIT-LAW Art. 9): each payee by name and ID number, in full, and the arithmetic
WITHHOLDING = Export("withholding", "GET /console/withholding.xlsx", Purpose.TAX_DECLARATION, (
    _sheet(
        "withholding", _col("name", Kind.NAME), _col("id_type"),
        _col("id_number", Kind.ID_NUMBER), _col("income_item"), _col("gross", FEE),
        _col("deduction", FEE), _col("taxable", FEE), _col("rate", FEE), _col("quick", FEE),
        _col("tax", FEE), _col("net", FEE), _col("paid_on", FEE)),))

# the agencies' sheets (no one's personal data), and each fee paid, by the expert's name
FEE_LEDGER = Export("fee_ledger", "GET /console/fee-ledger.xlsx", Purpose.FEE_BOOKS, (
    _sheet("fee_ledger_sheets", _col("agency"), _col("project"), _col("total"),
           _col("reference"), _col("state"), _col("submitted_on"), _col("approved_on")),
    _sheet("fee_ledger_fees", _col("agency"), _col("project"), _col("name", Kind.NAME),
           _col("gross", FEE), _col("tax", FEE), _col("net", FEE), _col("way", FEE),
           _col("paid_on", FEE), _col("reference", FEE))))

# the register: names and phones masked, unless asked for in full (?unmasked=1)
EXPERTS = Export("experts", "GET /console/experts.xlsx", Purpose.REGISTER, (_sheet(
    "experts", _col("expert_number", Kind.EXPERT_NUMBER),
    _col("name", Kind.NAME, Shown.ASKED), _col("phone", Kind.PHONE, Shown.ASKED),
    _col("region", Kind.REGION), _col("industry", Kind.INDUSTRY),
    _col("title_level", Kind.TITLE_LEVEL), _col("work_unit", Kind.WORK_UNIT),
    _col("specialties", Kind.SPECIALTIES), _col("active", Kind.STANDING)),))

APPLICATIONS = Export("applications", "GET /console/batches/{batch_id}/applications.xlsx",
                      Purpose.BATCH, (
    _sheet("applications", _col("id"), _col("applicant", Kind.NAME, Shown.MASKED),
           _col("id_number", Kind.ID_NUMBER, Shown.MASKED), _col("kind", APP),
           _col("status", APP), _col("region", Kind.REGION), _col("industry", Kind.INDUSTRY),
           _col("last_step", APP), _col("last_reason", APP), _col("last_at", APP)),))

REVIEW_QUEUE = Export("review", "GET /console/review.xlsx", Purpose.REVIEW, (_sheet(
    "review", _col("id"), _col("batch", APP), _col("applicant", Kind.NAME),
    _col("phone", Kind.PHONE, Shown.MASKED), _col("region", Kind.REGION),
    _col("industry", Kind.INDUSTRY), _col("stage", APP), _col("submitted_at", APP)),))

PAYMENTS = Export("payments", "GET /console/payments.xlsx", Purpose.PAYMENTS, (_sheet(
    "payments", _col("out_trade_no", PAY), _col("fee", PAY),
    _col("payer", Kind.NAME, Shown.MASKED), _col("amount", PAY), _col("status", PAY),
    _col("transaction_id", PAY), _col("paid_at", PAY), _col("settled_by", PAY),
    _col("checked_at", PAY), _col("created_at", PAY)),))

# the record names the activity's handler (phone and ID number masked), its supervisors
# (phones masked), the project's contact (phone masked) and the persons avoided; a venue's
# contact phone, which the experts must be able to call, is not personal data (public())
RESULTS = Export("results", "GET /console/activities/{activity_id}/results.xlsx",
                 Purpose.DRAW_RESULTS, (
    _sheet("record", _col("item"), Column("value", (
        Held(Kind.NAME), Held(Kind.PHONE, Shown.MASKED), Held(Kind.ID_NUMBER, Shown.MASKED)))),
    _sheet("results", _col("name", Kind.NAME), _col("expert_number", Kind.EXPERT_NUMBER),
           _col("work_unit", Kind.WORK_UNIT), _col("specialty", Kind.SPECIALTIES),
           _col("verification_code", INV), _col("situation", INV), _col("venue")),
    _sheet("attendance", _col("name", Kind.NAME), _col("verification_code", INV),
           _col("checkin_at", INV), _col("checkout_at", INV), _col("urges", INV),
           _col("manual_urges", INV), _col("absent", INV), _col("venue"))))

# for the invoicing system: each payer by name and email in full, the title asked for (a
# person's is their name; a unit's name and credit code are no one's personal data)
INVOICES = Export("invoices", "GET /admin/invoices.csv", Purpose.INVOICING, (_sheet(
    "invoices", _col("payable_id"), _col("item", PAY), _col("amount", PAY),
    _col("paid_at", PAY), _col("order_no", PAY), _col("payer", Kind.NAME),
    _col("email", Kind.EMAIL), _col("requested_at", PAY), _col("buyer_type", PAY),
    _col("buyer", Kind.NAME), _col("buyer_code"), _col("invoice_no", PAY)),))

# a year's accounts (年度考核's ground, services/standing/yearly_accounts.py): each expert by
# number, the name masked
YEARLY_ACCOUNTS = Export("yearly_accounts", "GET /console/yearly-accounts.xlsx",
                         Purpose.YEARLY_REVIEW, (_sheet(
    "yearly_accounts", _col("expert_number", Kind.EXPERT_NUMBER),
    _col("name", Kind.NAME, Shown.MASKED), *(_col(key, PERF) for key in (
        "invited", "declined", "served", "late", "left_early", "conduct", "absent", "leave",
        "sanctions", "courses", "hours", "credit_score", "credit_level", "made_at"))),))

EXPORTS: tuple[Export, ...] = (WITHHOLDING, FEE_LEDGER, EXPERTS, APPLICATIONS, REVIEW_QUEUE,
                               PAYMENTS, RESULTS, INVOICES, YEARLY_ACCOUNTS)
# the console's page serving an export of the API's as it is
SERVED_AS = {"GET /console/invoices.csv": INVOICES}

# Downloads that hold nobody's personal data (the access entry says so: a download):
# blank templates and forms, study material, counts, catalogues and holidays
WITHOUT_PEOPLE = frozenset({
    "GET /console/statistics.xlsx", "GET /admin/statistics.xlsx",
    "GET /console/templates/{kind}/file", "GET /draws/templates/{kind}",
    "GET /console/catalogues/template.csv", "GET /console/register/template.xlsx",
    "GET /admin/register/template.xlsx", "GET /console/materials/{material_id}/file",
    "GET /admin/materials/{material_id}/file", "GET /materials/{material_id}/file",
    "GET /verify/activities/{activity_id}/evidence/{evidence_id}",
    "GET /console/verify/{activity_id}/evidence/{evidence_id}",
})
# Documents of one person (their own, or the one a desk works on): the entry names the
# record and counts one person
ONE_PERSON = frozenset({
    "GET /me/personal-data/export", "GET /applications/{app_id}/pledge.pdf",
    "GET /applications/{app_id}/review-form.pdf",
    "GET /review/applications/{app_id}/attachments/{attachment_id}",
    "GET /console/review/{app_id}/attachments/{attachment_id}",
    "GET /admin/invoices/{payable_id}/file", "GET /console/invoices/{payable_id}/file",
    "GET /expert/info-sheet.pdf",
    # a transfer's 电子回单 names its payee (services/fees/receipts.py)
    "GET /finance/transfers/{payout_id}/receipt", "GET /console/transfers/{payout_id}/receipt",
    "GET /expert/payouts/{payout_id}/receipt",
    # a 公示 objection's evidence, about one applicant
    "GET /review/objections/{objection_id}/evidence/{index}",
    "GET /console/objections/{objection_id}/evidence/{index}",
})

# Readings in full that are no file: an expert's bank account number for the transfer, and
# the face of an applicant's ID card (its full name and number) opened by a reviewer; the
# withholding declaration and the ledger asked for unmasked are WITHHOLDING's and
# FEE_LEDGER's lists read as they are
ACCOUNT_NUMBER = Reading(
    "POST /finance/fee-sheets/{activity_id}/accounts/{invitation_id}/number",
    Purpose.BANK_TRANSFER, (Held(Kind.NAME), Held(Kind.BANK_ACCOUNT)))  # the holder too
ATTACHMENTS = {"id_front": Reading(
    "GET /review/applications/{app_id}/attachments/{attachment_id}", Purpose.REVIEW,
    (Held(Kind.NAME), Held(Kind.ID_NUMBER)))}
# the number an asker by SMS gave to be called back on, read in full by the 客服人员
CALLBACK_NUMBER = Reading("POST /support/tickets/{ticket_id}/callback-number",
                          Purpose.CALLBACK, (Held(Kind.PHONE),))
# the objector of a 公示 objection (name, and a mobile or an e-mail address), read in full by
# whoever may rule the objection, to check it or to answer them
OBJECTOR = Reading("POST /review/objections/{objection_id}/objector", Purpose.REVIEW,
                   (Held(Kind.NAME), Held(Kind.PHONE), Held(Kind.EMAIL)))
# every operation that may read personal data in full without a file (the register's
# reading is its own entry, 完整读取专家名册)
READS_IN_FULL = frozenset({
    "GET /finance/withholding", "GET /finance/ledger", ACCOUNT_NUMBER.op,
    ATTACHMENTS["id_front"].op, "GET /console/review/{app_id}/attachments/{attachment_id}",
    CALLBACK_NUMBER.op, OBJECTOR.op, "POST /console/objections/{objection_id}/objector"})
