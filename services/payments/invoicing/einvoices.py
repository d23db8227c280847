"""E-invoices that arrive (XJ-SIGNUP: 培训费发票将发送到此邮箱): a paid fee is invoiced through
the provider (services/payments/invoicing/fapiao.py) — by the finance desk, one or many, or by
itself after payment when INVOICE_ISSUE=auto — then followed until issued (the provider's
notification nudges, a sweep asks): its number recorded, its file (PDF, or OFD) kept, e-mailed
to the payer with the file attached, and the payer told with a link to it. The push says
"已发送至" only once the mail server took the mail. A refunded fee's invoice is reversed (冲红):
a red invoice cancels it and the payer is told. Each step is done once and picked up again
where it stopped."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from models import column
from models.money.payments import EInvoice, FapiaoState, Payable, PayOrder
from models.people import Person
from services.common.clock import china_time
from services.common.errors import BadInput, Conflict, DomainError, NotFound, Unavailable
from services.common.files import FileStore
from services.common.links import Links
from services.common.pii import mask_email
from services.common.schedule import Schedule
from services.notifications import Attachment, Mail, Mailer, MailError, Outbox
from services.payments.invoicing.fapiao import EInvoicing, FapiaoError, FapiaoOrder, FapiaoStatus
from services.payments.invoicing.invoices import title_of

log = logging.getLogger(__name__)

FOLLOW_JOB = "follow_invoice"
LINK_DAYS = 30  # ours: how long the link in the push opens the file
MAX_CHECKS = 40  # queries of one invoice before the desk is left to look (about a day)
REVERSE_REASONS = {"SALES_RETURN": "销货退回（退款）", "SERVICE_SUSPENSION": "服务中止",
                   "ISSUE_ERROR": "开票有误", "SALES_DISCOUNT": "销售折让"}
MailText = Callable[[dict[str, str]], tuple[str, str]]  # params -> subject, body


@dataclass(frozen=True)
class MyInvoice:
    """One e-invoice as its payer sees it."""

    payable_id: int
    title: str
    amount: str
    state: FapiaoState
    number: str | None
    red_number: str | None
    issued_at: datetime | None
    link: str | None  # the file, signed for the payer
    buyer: str = ""  # its title: the unit's name, or the payer's own


def backoff(checks: int) -> timedelta:
    """When to ask again: 5 s, 10 s, 20 s ... at most every 30 minutes."""
    return timedelta(seconds=min(5 * 2 ** checks, 1800))


class EInvoices:
    def __init__(self, outbox: Outbox, files: FileStore, links: Links,
                 provider: EInvoicing | None, mailer: Mailer | None, schedule: Schedule,
                 mail_text: MailText, auto: bool = False) -> None:
        self.outbox, self.files, self.links = outbox, files, links
        self.provider, self.mailer, self.schedule = provider, mailer, schedule
        self.mail_text, self.auto = mail_text, auto

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def _provider(self) -> EInvoicing:
        if self.provider is None:
            raise Conflict("invoice.off")  # not enabled here: not a passing outage
        return self.provider

    # -- issuing ----------------------------------------------------------------------------
    async def issue(self, payable_id: int, now: datetime) -> EInvoice:
        """Ask the provider to invoice a paid fee (again, after a refusal)."""
        provider = self._provider()
        payable = await Payable.get_or_none(id=payable_id, paid_at__not_isnull=True)
        if payable is None:
            raise NotFound("invoice.not_found")
        if payable.invoice_no and not await EInvoice.exists(payable_id=payable.id):
            raise Conflict("invoice.already", invoice_no=payable.invoice_no)
        order = await PayOrder.get_or_none(out_trade_no=payable.order_no or "")
        if order is None or not order.transaction_id:
            raise Conflict("invoice.no_transaction")
        item = await EInvoice.get_or_none(payable_id=payable.id)
        if item is not None and item.state != FapiaoState.FAILED:
            return item  # asked already: followed by the sweep
        if item is None:
            item = await EInvoice.create(
                payable_id=payable.id, apply_id=order.transaction_id,
                fapiao_id=f"FP{payable.id:014d}", created_at=now, updated_at=now)
        person = await Person.get(id=payable.person_id)
        title = title_of(payable)  # read at each try: a re-issue after a refusal keeps it
        try:
            await provider.issue(FapiaoOrder(
                item.apply_id, item.fapiao_id, title.unit_name or person.name, payable.title,
                payable.amount_fen, "ORGANIZATION" if title.is_unit else "INDIVIDUAL",
                title.unit_code))
        except FapiaoError as exc:
            await self._failed(item, exc, now)
            raise Unavailable("invoice.provider_refused") from exc
        await EInvoice.filter(id=item.id).update(state=FapiaoState.ISSUING, error=None,
                                                 checks=0, updated_at=now)
        await self.nudge(item.id, now + backoff(0))
        await item.refresh_from_db()
        return item

    async def issue_many(self, payable_ids: list[int], now: datetime
                         ) -> tuple[int, list[tuple[int, DomainError]]]:
        """The desk's bulk issue, each fee on its own (one refusal does not stop the rest):
        how many were asked, and each refusal."""
        asked, refused = 0, list[tuple[int, DomainError]]()
        for payable_id in payable_ids[:200]:
            try:
                await self.issue(payable_id, now)
                asked += 1
            except (Conflict, NotFound, Unavailable) as exc:
                refused.append((payable_id, exc))
        return asked, refused

    async def _failed(self, item: EInvoice, exc: FapiaoError, now: datetime) -> None:
        log.warning("e-invoice %s: %s", item.id, exc.code or exc)
        state = item.state if exc.transient else FapiaoState.FAILED
        await EInvoice.filter(id=item.id).update(
            state=state, error=f"{exc.code or '无应答'}"[:200], updated_at=now)

    async def nudge(self, einvoice_id: int, when: datetime) -> None:
        checks = (await EInvoice.get(id=einvoice_id)).checks
        await self.schedule(FOLLOW_JOB, when, (einvoice_id,), f"fapiao:{einvoice_id}:{checks}")

    async def notified(self, apply_id: str, now: datetime) -> bool:
        """The provider says an invoice of this application changed: follow it now."""
        item = await EInvoice.get_or_none(apply_id=apply_id[:32])
        if item is None:
            return False
        await self.follow(item.id, now)
        return True

    # -- following ----------------------------------------------------------------------------
    async def follow(self, einvoice_id: int, now: datetime) -> str:
        """Ask where the invoice stands and do what is left: record, keep the file, mail,
        tell. Returns the state it is in."""
        item = await EInvoice.get_or_none(id=einvoice_id)
        if item is None or self.provider is None:
            return "unknown"
        if item.state in (FapiaoState.ISSUING, FapiaoState.REVERSING):
            try:
                status = await self.provider.status(item.apply_id, item.fapiao_id)
            except FapiaoError as exc:
                await self._failed(item, exc, now)
                return await self._again(item, now)
            await self._apply(item, status, now)
            await item.refresh_from_db()
        if item.state == FapiaoState.ISSUED:
            await self._deliver(item, now)
        elif item.state == FapiaoState.REVERSED:
            await self._tell_reversed(item, now)
        elif item.state in (FapiaoState.ISSUING, FapiaoState.REVERSING):
            return await self._again(item, now)
        return str(item.state)

    async def _again(self, item: EInvoice, now: datetime) -> str:
        checks = item.checks + 1
        await EInvoice.filter(id=item.id).update(checks=checks, updated_at=now)
        if checks < MAX_CHECKS:
            await self.schedule(FOLLOW_JOB, now + backoff(checks), (item.id,),
                                f"fapiao:{item.id}:{checks}")
        return str(item.state)

    async def _apply(self, item: EInvoice, status: FapiaoStatus, now: datetime) -> None:
        if status.status == "ISSUED" and item.state == FapiaoState.ISSUING:
            await EInvoice.filter(id=item.id, state=FapiaoState.ISSUING).update(
                state=FapiaoState.ISSUED, number=status.number, code=status.code,
                issued_at=now, error=None, updated_at=now)
            await Payable.filter(id=item.payable_id).update(invoice_no=status.number,
                                                            invoiced_at=now)
        elif status.status == "REVERSED":
            await EInvoice.filter(id=item.id).update(
                state=FapiaoState.REVERSED, red_number=status.red_number, reversed_at=now,
                told_at=None, updated_at=now)

    async def _deliver(self, item: EInvoice, now: datetime) -> None:
        payable = await Payable.get(id=item.payable_id)
        order = await PayOrder.get_or_none(out_trade_no=payable.order_no or "")
        if item.file_key is None and self.provider is not None and order is not None:
            try:
                file = await self.provider.file(
                    item.apply_id, item.fapiao_id, order.payer_openid or "",
                    FapiaoStatus("ISSUED", item.number, item.code))
            except FapiaoError as exc:  # the invoice stands; its file is fetched again later
                log.warning("e-invoice %s: file not fetched: %s", item.id, exc.code or exc)
                await EInvoice.filter(id=item.id).update(error=f"发票文件未取得：{exc.code}"[:200])
                file = None
            if file is not None:
                key = f"fapiao/{item.fapiao_id}.{file.file_type}"
                await self.files.put(key, file.content)
                await EInvoice.filter(id=item.id).update(file_key=key, file_type=file.file_type)
                item.file_key, item.file_type = key, file.file_type
        if item.file_key is None:
            await self._again(item, now)  # the file comes a little after the number
            return
        if self._mail_due(item, payable):
            await self._mail(item, payable, now)
        if item.told_at is None:
            await self._tell(item, payable, now)

    def _mail_due(self, item: EInvoice, payable: Payable) -> bool:
        """A mail to send: an address, a mailer, not sent and not refused for good."""
        return (item.emailed_at is None and item.emailed_to is None
                and bool(payable.invoice_email) and self.mailer is not None)

    async def _mail(self, item: EInvoice, payable: Payable, now: datetime) -> None:
        assert self.mailer is not None and item.file_key and payable.invoice_email
        subject, text = self.mail_text(self._params(item, payable, now))
        content = await self.files.get(item.file_key)
        kind = "application/pdf" if item.file_type == "pdf" else "application/ofd"
        try:
            await self.mailer.send(Mail(payable.invoice_email, subject, text, (Attachment(
                f"电子发票-{item.number}.{item.file_type}", kind, content),)))
        except MailError as exc:
            log.warning("e-invoice %s: mail not taken: %s", item.id, exc)
            if not exc.permanent:
                await EInvoice.filter(id=item.id).update(error=f"邮件未发出：{exc}"[:200])
                await self._again(item, now)
                return
            # refused for good (the address): the payer is told without it, the desk sees why
            await EInvoice.filter(id=item.id).update(error=f"邮件被拒收：{exc}"[:200],
                                                     emailed_to="")
            item.emailed_to = ""
            return
        await EInvoice.filter(id=item.id).update(emailed_at=now,
                                                 emailed_to=payable.invoice_email, error=None)
        item.emailed_at, item.emailed_to = now, payable.invoice_email

    def _params(self, item: EInvoice, payable: Payable, now: datetime) -> dict[str, str]:
        return {"item": payable.title, "amount": f"{payable.amount_fen / 100:.2f}元",
                "invoice_no": item.number or "", "at": china_time(item.issued_at or now),
                "link": self.file_link(item, payable.person_id, now)}

    def file_link(self, item: EInvoice, person_id: int, now: datetime) -> str:
        """The payer's own link to the file (LINK_DAYS)."""
        expires = (now + timedelta(days=LINK_DAYS)).timestamp()
        return self.links.url(f"/invoices/{item.fapiao_id}.{item.file_type or 'pdf'}",
                              "invoice", item.fapiao_id, person_id, expires)

    @staticmethod
    async def with_file(fapiao_id: str, file_type: str) -> tuple[EInvoice, int] | None:
        """The e-invoice whose file (of this type: pdf, ofd) the link asks for, and its
        payer's person id; None: no such file."""
        item = await EInvoice.get_or_none(fapiao_id=fapiao_id)
        if item is None or item.file_key is None or item.file_type != file_type:
            return None
        return item, (await Payable.get(id=item.payable_id)).person_id

    async def _tell(self, item: EInvoice, payable: Payable, now: datetime) -> None:
        if self._mail_due(item, payable):
            return  # the mail is still to go: the push waits, so that it says 已发送 truly
        async with self.outbox.change(now) as change:
            if not await EInvoice.filter(id=item.id, told_at=None).update(told_at=now):
                return
            await change.notify("payment.invoiced", {
                **self._params(item, payable, now),
                "email": mask_email(item.emailed_to) if item.emailed_at and item.emailed_to
                else ""}, person_id=payable.person_id)

    async def of_person(self, person_id: int, now: datetime) -> list[MyInvoice]:
        """A payer's e-invoices, newest first, each with its link while it has a file."""
        rows = await EInvoice.filter(payable__person_id=person_id).order_by(
            "-id").prefetch_related("payable").limit(20)
        person = await Person.get(id=person_id)
        return [MyInvoice(e.payable_id, e.payable.title, f"{e.payable.amount_fen / 100:.2f}元",
                          FapiaoState(e.state), e.number, e.red_number, e.issued_at,
                          self.file_link(e, person_id, now) if e.file_key else None,
                          title_of(e.payable).unit_name or person.name)
                for e in rows]

    async def file_of(self, payable_id: int) -> tuple[EInvoice, bytes]:
        """The issued e-invoice of this fee and its file (the finance staff's download)."""
        item = await EInvoice.get_or_none(payable_id=payable_id)
        if item is None or item.file_key is None:
            raise NotFound("invoice.not_found")
        return item, await self.files.get(item.file_key)

    # -- reversing --------------------------------------------------------------------------
    async def reverse(self, payable_id: int, reason: str, now: datetime) -> EInvoice:
        """冲红: a red invoice cancels the fee's invoice (after a refund)."""
        provider = self._provider()
        if reason not in REVERSE_REASONS:
            raise BadInput("invoice.reverse_reason")
        item = await EInvoice.get_or_none(payable_id=payable_id)
        if item is None or item.state not in (FapiaoState.ISSUED, FapiaoState.REVERSING):
            raise Conflict("invoice.not_issued")
        try:
            await provider.reverse(item.apply_id, item.fapiao_id, item.number or "",
                                   item.code, reason)
        except FapiaoError as exc:
            await self._failed(item, exc, now)
            raise Unavailable("invoice.provider_refused") from exc
        await EInvoice.filter(id=item.id).update(state=FapiaoState.REVERSING,
                                                 reverse_reason=reason, checks=0,
                                                 updated_at=now)
        await self.nudge(item.id, now + backoff(0))
        await item.refresh_from_db()
        return item

    async def _tell_reversed(self, item: EInvoice, now: datetime) -> None:
        payable = await Payable.get(id=item.payable_id)
        async with self.outbox.change(now) as change:
            if not await EInvoice.filter(id=item.id, told_at=None).update(told_at=now):
                return
            await change.notify("payment.invoice_reversed", {
                "item": payable.title, "amount": f"{payable.amount_fen / 100:.2f}元",
                "invoice_no": item.number or "", "red_no": item.red_number or "",
                "reason": REVERSE_REASONS.get(item.reverse_reason or "", ""),
                "at": china_time(now)}, person_id=payable.person_id)

    # -- the backstop -----------------------------------------------------------------------
    async def sweep(self, now: datetime, limit: int = 100) -> Counter[str]:
        """Paid fees to invoice by themselves (INVOICE_ISSUE=auto), and invoices whose
        follow-up was lost (a job, a notification)."""
        counts: Counter[str] = Counter()
        if self.provider is None:
            return counts
        if self.auto:
            waiting = Payable.filter(paid_at__not_isnull=True, invoice_no=None,
                                     invoice_requested_at__not_isnull=True,
                                     einvoice__id__isnull=True)
            for payable_id in await column(waiting.limit(limit), "id"):
                try:
                    await self.issue(int(payable_id), now)
                    counts["issued"] += 1
                except (Conflict, NotFound, Unavailable) as exc:
                    counts[exc.code] += 1
        stale = now - timedelta(minutes=2)
        stuck = EInvoice.filter(
            Q(state__in=[FapiaoState.ISSUING, FapiaoState.REVERSING], checks__lt=MAX_CHECKS)
            | Q(state__in=[FapiaoState.ISSUED, FapiaoState.REVERSED], told_at=None),
            updated_at__lte=stale)
        for einvoice_id in await column(stuck.limit(limit), "id"):
            counts[await self.follow(int(einvoice_id), now)] += 1
        return counts
