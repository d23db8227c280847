"""`/f/{token}`: an expert WeChat Pay cannot pay (no mini-program) gives the bank account
their fee is to be paid into, from the link in the SMS the agency's 发放 sent
(services/draws/fees/payout_accounts.py). The page shows the evaluation day and the amount,
then the account as given (masked) and, once the payer has recorded the transfer, that it was
paid; the account may be given again until then. The link's checks, form token and size cap
are the notice pages' (web/act.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from services.common.clock import china_time
from services.common.errors import DomainError
from services.common.links import PAYOUT_LINK
from web.act import checked, form_token, posted_form, with_token
from web.context import DOMAIN, TEXTS
from web.pages import add_page, render


async def _page(request: web.Request, account_id: int, said: str = "", error: str = "",
                status: int = 200) -> web.Response:
    shown = await request.app[DOMAIN].payouts.accounts.linked(account_id)
    assert shown is not None
    a = shown.account
    token = form_token(request)
    return with_token(request, render(
        request, "act_payout.html", status=status, said=said, error=error, csrf=token,
        shown=shown, day=f"{shown.eval_day.year}年{shown.eval_day.month}月{shown.eval_day.day}日",
        given_at=china_time(a.given_at) if a.given_at else "",
        paid_at=china_time(a.paid_at) if a.paid_at else ""), token)


async def _owner(request: web.Request, account_id: int) -> int | None:
    shown = await request.app[DOMAIN].payouts.accounts.linked(account_id)
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
        await request.app[DOMAIN].payouts.accounts.give(
            account_id, person_id, form.get("holder", ""), form.get("bank", ""),
            form.get("number", ""), datetime.now(UTC))
    except DomainError as exc:
        return await _page(request, account_id, error=request.app[TEXTS].error(exc),
                           status=409 if exc.code == "payout.account_paid" else 400)
    return await _page(request, account_id,
                       said=request.app[TEXTS].render("web/account_given.j2"))


def setup_payout_page(app: web.Application) -> None:
    add_page(app, "GET", "/f/{token}", payout_page)
    add_page(app, "POST", "/f/{token}", payout_post)
