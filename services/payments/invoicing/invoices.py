"""Invoices that keep the receipt's promise: every paid fee registers an invoice
request (services/payments/orders.py); the finance staff see the requests waiting (a list and a CSV
export for their invoicing system), record the invoice number (or the e-invoice id) once it is
issued, and the payer is told the number. The invoice's title (抬头) is the payer as a person,
or the unit that reimburses the fee with its unified social credit code (GB-32100): the payer
chooses it before paying or until the invoice is issued."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from models.applications import Application
from models.money.payments import EInvoice, FapiaoState, FeeKind, Payable
from models.people import Person
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, DomainError, NotFound
from services.common.paging import PAGE, Page, keyset
from services.notifications import Outbox
from services.people import IdentityRules


class Fee(Protocol):
    """A fee as services/payments/orders.py's FeeItem describes it."""

    @property
    def kind(self) -> str: ...
    @property
    def ref_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def amount_fen(self) -> int: ...

TitleKind = Literal["person", "unit"]  # the invoice's title: the payer, or a unit
PERSON, UNIT = "person", "unit"
UNIT_NAME_MAX = 100  # ours: the longest registered unit names run to some 60 characters


@dataclass(frozen=True)
class InvoiceTitle:
    """Whom the invoice is made out to: the payer (`person`), or a unit by its name and
    unified social credit code, which is its taxpayer id (纳税人识别号)."""

    kind: str = PERSON
    unit_name: str | None = None
    unit_code: str | None = None

    @property
    def is_unit(self) -> bool:
        return self.kind == UNIT

    @staticmethod
    def parse(kind: str, unit_name: str | None = None,
              unit_code: str | None = None) -> InvoiceTitle:
        """The title asked for, checked: a unit needs its name and a valid credit code; the
        refusal names the field."""
        if kind == PERSON:
            return InvoiceTitle()
        if kind != UNIT:
            raise BadInput("invoice.title_kind")
        name = " ".join((unit_name or "").split())
        if not 2 <= len(name) <= UNIT_NAME_MAX:
            raise BadInput("invoice.title_unit_name", max=UNIT_NAME_MAX)
        if not (unit_code or "").strip():
            raise BadInput("invoice.title_unit_code_missing")
        try:
            code = IdentityRules.parse_credit_code(unit_code or "")
        except DomainError as exc:  # the identity words name the code; these name the invoice's
            raise BadInput("invoice.title_unit_code_check" if exc.code.endswith("check_character")
                           else "invoice.title_unit_code_format") from None
        return InvoiceTitle(UNIT, name, code)


def title_of(payable: Payable) -> InvoiceTitle:
    if payable.invoice_title == UNIT and payable.invoice_unit_name and payable.invoice_unit_code:
        return InvoiceTitle(UNIT, payable.invoice_unit_name, payable.invoice_unit_code)
    return InvoiceTitle()


@dataclass(frozen=True)
class InvoiceRow:
    payable_id: int
    title: str
    amount: str
    paid_at: datetime
    order_no: str
    payer: str
    email: str  # where the e-invoice goes: the finance staff need it whole
    requested_at: datetime
    invoice_no: str | None
    # the e-invoice issued through the provider (services/payments/invoicing/einvoices.py), if any
    state: FapiaoState | None = None
    error: str | None = None
    emailed_at: datetime | None = None
    file_type: str | None = None
    red_no: str | None = None
    buyer: InvoiceTitle = InvoiceTitle()  # the invoice's title: the payer, or a unit


async def invoice_email(payable: Payable, person: Person) -> str | None:
    """Where the e-invoice goes: for the batch training fee, the form's 电子邮箱 (XJ-SIGNUP:
    请准确填写邮箱号，培训费发票将发送到此邮箱); otherwise the person's own."""
    if payable.kind == FeeKind.TRAINING:
        app = await Application.get_or_none(id=payable.ref_id)
        if app is not None and app.data.get("email"):
            return str(app.data["email"])
    return person.email


class Invoices:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @staticmethod
    async def set_email(person: Person, email: str) -> int:
        """The payer's email, given after paying (the receipt asked for it): it is theirs
        from now on, and the invoices still waiting go there; how many."""
        person.email = email
        await person.save(update_fields=["email"])
        return await Payable.filter(person_id=person.id, paid_at__not_isnull=True,
                                    invoice_no=None).update(invoice_email=email)

    @staticmethod
    async def requests(issued: bool = False, limit: int = 500) -> list[InvoiceRow]:
        """Paid fees whose invoice is waiting (or, `issued`, was recorded), oldest first."""
        return await Invoices.rows(await Payable.filter(
            paid_at__not_isnull=True, invoice_requested_at__not_isnull=True,
            invoice_no__isnull=not issued).order_by("invoice_requested_at").limit(limit))

    @staticmethod
    async def page(issued: bool, limit: int = PAGE,
                   after: str | None = None) -> Page[InvoiceRow]:
        """The same list a page at a time after the cursor `after` (keyset paging by the
        time the invoice was asked for and the id)."""
        found = await keyset(Payable.filter(
            paid_at__not_isnull=True, invoice_requested_at__not_isnull=True,
            invoice_no__isnull=not issued), limit, after, ("invoice_requested_at", "id"),
            (datetime, int))
        return Page(await Invoices.rows(found.rows), found.next)

    @staticmethod
    async def rows(rows: list[Payable]) -> list[InvoiceRow]:
        people = {p.id: p for p in await Person.filter(id__in=[r.person_id for r in rows])}
        issued = {e.payable_id: e for e in await EInvoice.filter(
            payable_id__in=[r.id for r in rows])}
        out = []
        for r in rows:
            e = issued.get(r.id)
            out.append(InvoiceRow(
                r.id, r.title, f"{r.amount_fen / 100:.2f}", r.paid_at or r.created_at,
                r.order_no or "", people[r.person_id].name,
                r.invoice_email or people[r.person_id].email or "",
                r.invoice_requested_at or r.created_at, r.invoice_no,
                FapiaoState(e.state) if e else None, e.error if e else None,
                e.emailed_at if e else None,
                e.file_type if e and e.file_key else None, e.red_number if e else None,
                title_of(r)))
        return out

    @staticmethod
    async def row(payable_id: int) -> InvoiceRow:
        (row,) = await Invoices.rows([await Payable.get(id=payable_id)])
        return row

    @staticmethod
    async def title(person_id: int, kind: str, ref_id: int) -> InvoiceTitle:
        """The title asked for this fee of the person (a person's, until one is chosen)."""
        payable = await Payable.get_or_none(kind=kind, ref_id=ref_id, person_id=person_id)
        return title_of(payable) if payable is not None else InvoiceTitle()

    @staticmethod
    async def set_title(person_id: int, item: Fee, title: InvoiceTitle) -> InvoiceTitle:
        """The payer's choice of title for one of their fees, before paying or until its
        invoice is issued (an issued one is changed only by reversing it)."""
        payable, _ = await Payable.get_or_create(kind=item.kind, ref_id=item.ref_id, defaults={
            "person_id": person_id, "title": item.title, "amount_fen": item.amount_fen})
        issuing = await EInvoice.filter(payable_id=payable.id).exclude(
            state=FapiaoState.FAILED).exists()
        if payable.person_id != person_id:
            raise NotFound("invoice.not_found")
        if payable.invoice_no or issuing:
            raise Conflict("invoice.title_fixed", item=payable.title)
        changed = await Payable.filter(id=payable.id, invoice_no=None).update(
            invoice_title=title.kind, invoice_unit_name=title.unit_name,
            invoice_unit_code=title.unit_code)
        if not changed:
            raise Conflict("invoice.title_fixed", item=payable.title)
        return title

    async def record(self, payable_id: int, invoice_no: str, now: datetime) -> Payable:
        """The invoice issued for this fee: kept once, and the payer told."""
        payable = await Payable.get_or_none(id=payable_id, paid_at__not_isnull=True,
                                            invoice_requested_at__not_isnull=True)
        if payable is None:
            raise NotFound("invoice.not_found")
        async with self.outbox.change(now) as change:
            if not await Payable.filter(id=payable.id, invoice_no=None).update(
                    invoice_no=invoice_no.strip()[:64], invoiced_at=now):
                await payable.refresh_from_db()
                raise Conflict("invoice.already", invoice_no=payable.invoice_no)
            await payable.refresh_from_db()
            await change.notify("payment.invoiced", {
                "item": payable.title, "amount": f"{payable.amount_fen / 100:.2f}元",
                "invoice_no": payable.invoice_no or "", "at": china_time(now),
                # typed by the desk, issued elsewhere: no file here, no mail sent by us
                "email": "", "link": ""},
                person_id=payable.person_id)
        return payable
