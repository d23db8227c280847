"""`/w/{token}`: the link in the SMS of a WeChat Pay transfer bill waiting for the expert
(fee.payout_ready). The bill is confirmed in the mini-program only (WX-PAY: the payee
confirms with wx.requestMerchantTransfer), so the page says so, shows the bill's state, and
offers the other way: a bank account (the bill is then withdrawn, and the page goes on to
the account's page below). The notice of the paid transfer (fee.payout_paid) links it too,
for a notice's days: the page then offers the transfer's electronic receipt
(`/w/{token}/receipt`, services/fees/receipts.py) once it is archived.

`/f/{token}`: an expert WeChat Pay cannot pay (no mini-program) gives the bank account
their fee is to be paid into, from the link in the SMS the agency's 发放 sent
(services/fees/accounts.py). The page shows the evaluation day and the amount,
then the account as given (masked) and, once the payer has recorded the transfer, that it was
paid; the account may be given again until then. The link's checks, form token and size cap
are the notice pages' (web/act.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from services.common.clock import china_time
from services.common.errors import DomainError
from services.common.links import PAYOUT_LINK, TRANSFER_LINK
from services.common.pii import public
from services.fees import Amounts
from web.act import checked, form_token, posted_form, with_token
from web.context import DOMAIN, TEXTS
from web.pages import add_page, render


async def _page(request: web.Request, account_id: int, said: str = "", error: str = "",
                status: int = 200, typed: dict[str, str] | None = None) -> web.Response:
    """The page; after a refusal `typed` is what the expert typed, kept in the form (the
    number is theirs, shown back to them as typed)."""
    shown = await request.app[DOMAIN].fees.accounts.linked(account_id)
    assert shown is not None
    a = shown.account
    token = form_token(request)
    return with_token(request, render(
        request, "act_payout.html", status=status, said=said, error=error, csrf=token,
        typed={k: public(v) if k == "number" else v for k, v in (typed or {}).items()},
        shown=shown, day=f"{shown.eval_day.year}年{shown.eval_day.month}月{shown.eval_day.day}日",
        amount_words=request.app[TEXTS].render("payout/amounts.j2", **shown.amounts),
        given_at=china_time(a.given_at) if a.given_at else "",
        paid_at=china_time(a.paid_at) if a.paid_at else ""), token)


async def _owner(request: web.Request, account_id: int) -> int | None:
    shown = await request.app[DOMAIN].fees.accounts.linked(account_id)
    return shown.account.person_id if shown else None


async def payout_page(request: web.Request) -> web.Response:
    found = await checked(request, PAYOUT_LINK, lambda i: _owner(request, i))
    if isinstance(found, web.Response):
        return found
    return await _page(request, found[0])


async def payout_post(request: web.Request) -> web.Response:
    found = await checked(request, PAYOUT_LINK, lambda i: _owner(request, i))
    if isinstance(found, web.Response):
        return found
    form = await posted_form(request)
    if isinstance(form, web.Response):
        return form
    account_id, person_id = found
    try:
        await request.app[DOMAIN].fees.accounts.give(
            account_id, person_id, form.get("holder", ""), form.get("bank", ""),
            form.get("number", ""), datetime.now(UTC))
    except DomainError as exc:
        return await _page(request, account_id, error=request.app[TEXTS].error(exc),
                           status=409 if exc.code == "payout.account_paid" else 400,
                           typed={k: form.get(k, "")[:40] for k in ("holder", "bank",
                                                                    "number")})
    return await _page(request, account_id,
                       said=request.app[TEXTS].render("web/account_given.j2"))


async def _bill_owner(request: web.Request, payout_id: int) -> int | None:
    payout = await request.app[DOMAIN].fees.payouts.linked(payout_id)
    return payout.person_id if payout else None


async def _bill_page(request: web.Request, payout_id: int, error: str = "",
                     status: int = 200) -> web.Response:
    payouts = request.app[DOMAIN].fees.payouts
    payout = await payouts.linked(payout_id)
    assert payout is not None
    (mine,) = await payouts.seen([payout])
    receipt = payout.id in await request.app[DOMAIN].fees.receipts.archived([payout.id])
    token = form_token(request)
    return with_token(request, render(
        request, "act_transfer.html", status=status, error=error, csrf=token, payout=payout,
        day=f"{mine.eval_day.year}年{mine.eval_day.month}月{mine.eval_day.day}日",
        **Amounts.of_paid(payout).words(), until=china_time(payout.expires_at),
        state=request.app[TEXTS].word("payout_state", payout.shown_state), receipt=receipt,
        shown=payout.shown_state,
        receipt_path=f"{request.path.rstrip('/')}/receipt"), token)


async def bill_page(request: web.Request) -> web.Response:
    found = await checked(request, TRANSFER_LINK, lambda i: _bill_owner(request, i))
    if isinstance(found, web.Response):
        return found
    return await _bill_page(request, found[0])


async def bill_receipt(request: web.Request) -> web.Response:
    """The paid transfer's electronic receipt, as archived (its digest checked)."""
    found = await checked(request, TRANSFER_LINK, lambda i: _bill_owner(request, i))
    if isinstance(found, web.Response):
        return found
    domain = request.app[DOMAIN]
    payout = await domain.fees.payouts.linked(found[0])
    raw = None if payout is None else await domain.fees.receipts.file(payout)
    if payout is None or raw is None:
        return await _bill_page(request, found[0], status=404, error=request.app[TEXTS].error(
            DomainError("payout.receipt_not_ready")))
    return web.Response(body=raw, content_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=receipt-{payout.out_bill_no}.pdf",
        "Cache-Control": "no-store"})


async def bill_post(request: web.Request) -> web.Response:
    found = await checked(request, TRANSFER_LINK, lambda i: _bill_owner(request, i))
    if isinstance(found, web.Response):
        return found
    form = await posted_form(request)
    if isinstance(form, web.Response):
        return form
    payout_id, person_id = found
    now = datetime.now(UTC)
    try:
        account = await request.app[DOMAIN].fees.payouts.another_way(person_id, payout_id, now)
    except DomainError as exc:
        return await _bill_page(request, payout_id, error=request.app[TEXTS].error(exc),
                                status=409)
    address = request.app[DOMAIN].fees.accounts.account_address(account.id, now)
    raise web.HTTPSeeOther("/f/" + address.rpartition("/f/")[2])


def setup_payout_page(app: web.Application) -> None:
    add_page(app, "GET", "/w/{token}", bill_page)
    add_page(app, "POST", "/w/{token}", bill_post)
    add_page(app, "GET", "/w/{token}/receipt", bill_receipt)
    add_page(app, "GET", "/f/{token}", payout_page)
    add_page(app, "POST", "/f/{token}", payout_post)
