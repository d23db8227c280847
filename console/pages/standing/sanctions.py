"""Sanctions in the console (招标投标法实施条例 Art. 71–72): the system administrator decides
one on an expert found by number, reads those in force or waiting for a ruling, rules on an
appeal; and sets the library's caps on how often one expert is drawn and its weighting of
draws by credit level."""

from __future__ import annotations

from aiohttp import web

from console.app import PageTable, api, done, redirect, render
from console.forms import many, text
from console.paging import asked, pager
from miniapp_api.routes.draws.record import performance_desk as admin_performance
from miniapp_api.routes.standing import credit, sanctions

pages = PageTable()

BACK = "/console/sanctions"
POLICY = "/console/draw-policy"
RULE = "/console/credit-rule"
VIEWS = ("in_force", "appealed", "all")


@pages.get("/sanctions", uses=sanctions.sanction_list)
async def sanction_list(request: web.Request) -> web.Response:
    view = request.query.get("view", "in_force")
    view = view if view in VIEWS else "in_force"
    number = request.query.get("expert_number", "").strip()[:32]
    calls = api(request, back=BACK)
    filters = {"view": view, **({"expert_number": number} if number else {}),
               **asked(request, ("after",))}
    listed = await calls.call(sanctions.sanction_list, calls.fields(
        sanctions.SanctionsQuery, filters))
    catalogue = await calls.call(admin_performance.catalogue)
    standing = None
    if number and listed.items:  # an expert found: their credit beside their sanctions
        standing = await calls.call(credit.expert_credit, calls.fields(
            credit.CreditQuery, {"expert_number": number}))
    return render(request, "sanctions.html", items=listed.items, view=view, number=number,
                  conduct=[i for i in catalogue.items if i.active], standing=standing,
                  pager=pager(request, filters, listed.next))


@pages.post("/sanctions", uses=sanctions.decide)
async def decide(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=BACK)
    body = {k: text(form, k) for k in ("expert_number", "kind", "reason", "starts_on")}
    made = await calls.call(sanctions.decide, calls.fields(sanctions.SanctionIn, {
        **body, "ends_on": text(form, "ends_on") or None, "conduct": many(form, "conduct")}))
    return redirect(request, f"{BACK}?view=all&expert_number={made.expert_number}",
                    done(request, "sanction", name=made.expert_name, kind=made.kind_title))


@pages.post("/sanctions/{sanction_id}/ruling", uses=sanctions.rule)
async def rule(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=f"{BACK}?view=appealed")
    ruled = await calls.call(sanctions.rule, calls.fields(sanctions.RulingIn, {
        "outcome": text(form, "outcome"), "ruling": text(form, "ruling")}),
        path=request.match_info)
    return redirect(request, f"{BACK}?view=appealed",
                    done(request, "sanction_ruling", name=ruled.expert_name,
                         outcome=ruled.outcome_title))


@pages.get("/draw-policy", uses=sanctions.policy)
async def policy(request: web.Request) -> web.Response:
    return render(request, "draw_policy.html", policy=await api(request).call(sanctions.policy))


@pages.post("/draw-policy", uses=sanctions.set_policy)
async def set_policy(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=POLICY)
    await calls.call(sanctions.set_policy, calls.fields(sanctions.PolicyBody, {
        "expert_cap": text(form, "expert_cap") or None,
        "expert_months": text(form, "expert_months") or "12",
        "tenderer_cap": text(form, "tenderer_cap") or None,
        "tenderer_months": text(form, "tenderer_months") or "12",
        "weighted": form.get("weighted") == "1",
        "past_unit_years": text(form, "past_unit_years") or "3",
        **{k: text(form, k) for k in ("weight_a", "weight_b", "weight_c", "weight_d")}}))
    return redirect(request, POLICY, done(request, "draw_policy",
                                          weighted=form.get("weighted") == "1"))


@pages.get("/credit-rule", uses=credit.credit_rule)
async def credit_rule(request: web.Request) -> web.Response:
    return render(request, "credit_rule.html", rule=await api(request).call(credit.credit_rule))


@pages.post("/credit-rule", uses=credit.set_credit_rule)
async def set_credit_rule(request: web.Request) -> web.Response:
    form = await request.post()
    calls = api(request, back=RULE)
    await calls.call(credit.set_credit_rule, calls.fields(credit.RuleBody, {
        k: text(form, k) for k in credit.RuleBody.model_fields}))
    return redirect(request, RULE, done(request, "credit_rule"))
