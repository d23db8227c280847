"""The audit trail as the audit administrator reads it (GB/T 22239-2019 安全审计 b), d);
PIPL Art. 51 for the record of access to personal data): each entry says in words who did
what to which record — a payout with its payee (masked) and its amount in yuan, a draw
operation with its activity (project and number) and what was done, a refused action with
why — and never a field name, a path, a media type or a counter. A personal-data access is
recorded only when personal data was read, with how many people's; the blank import
template is a download that holds none. Entries written before the trail named its records
still verify and still read as words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from aiohttp.test_utils import TestClient
from jinja2 import nodes

import console.pages  # noqa: F401  (registers the console's pages)
from console.app import EXPORTS
from console.pages import every_page
from miniapp_api.routes import api as collect
from models.audit import AuditEntry
from models.draws import DrawActivity, Invitation, Project
from models.experts import ExpertProfile
from models.people import DESK_ROLES, Person, phone_is
from sandbox.pay.gateway import PayGateway
from services.audit import READS_IN_FULL
from services.common.pii import mask_name
from services.draws.news.views import Views
from tests.support.api import Api
from tests.support.console import Desk
from tests.support.draw_world import prepared
from tests.support.helpers import TEXTS
from tests.support.payouts import fees_ready, funded, record
from tests.support.wechat import Chat
from web.context import DOMAIN

# what a person must never read on the trail: a path, a field name, a media type, a counter
RAW = re.compile(r"[/=_{}]|multipart|form-data|application|csv|xlsx|None")


def readable(text: str, numbers: set[str]) -> bool:
    """Words only: with the numbers people know records by (CQSQ00000012, GD-ZJ-000001,
    a project's number) taken out, no Latin letter and nothing raw is left."""
    for number in sorted(numbers, key=len, reverse=True):
        text = text.replace(number, "")
    return not RAW.search(text) and not re.search(r"[A-Za-z]", text)


async def trail(api: Api, demo: dict) -> list[dict]:
    auditor = await api.login(demo["audit_admin"].mp_openid)
    read = await api.call("GET", "/admin/audit-trail", auditor)
    assert read.status == 200 and read.data["holds"], read.data
    return list(reversed(read.data["entries"]))  # oldest first: the day as it went


async def test_a_days_desk_work_reads_as_words_on_the_trail(
        api: Api, chat: Chat, client: TestClient, demo: dict,
        pay_gateway: PayGateway) -> None:
    """The agency prepares a draw (an application attachment uploaded), draws, records a
    fee of 900 yuan and pays it out; the administrator decides a sanction, tries to grant
    themselves a role (refused), exports the register and downloads the blank import
    template; the handler opens the sanctions page (not theirs). The auditor reads it all."""
    aid, token, (item, _) = await fees_ready(api, chat, client, demo)
    assert (await api.call("PUT", f"/draws/activities/{aid}/fee-channel", token,
                           {"channel": "platform"})).status == 200
    assert (await record(api, aid, token, item, yuan="900.00", reason="评标延长")).status == 200
    await funded(api, demo, aid, token)
    sent = await api.call("POST", f"/draws/activities/{aid}/payouts", token,
                          {"invitation_id": item.id})
    assert sent.status == 200, sent.data
    activity = await DrawActivity.get(id=aid)
    project = await Project.get(id=activity.project_id)
    payee = mask_name((await Person.get(id=(await Invitation.get(id=item.id)).person_id)).name)
    sanctioned = await ExpertProfile.get(expert_number="GD-ZJ-000001")
    on_whom = mask_name((await Person.get(id=sanctioned.person_id)).name)
    admin = await api.login(demo["admin"].mp_openid)
    decided = await api.call("POST", "/admin/sanctions", admin, {
        "expert_number": sanctioned.expert_number, "kind": "warning", "reason": "评标时迟到",
        "starts_on": datetime.now(UTC).date().isoformat()})
    assert decided.status == 200, decided.data
    me = await Person.get(phone_is(demo["admin"].phone))
    assert (await api.call("POST", "/admin/roles", admin,
                           {"person_id": me.id, "role": "audit_admin"})).status == 403
    desk = Desk(client)
    await desk.sign_in(demo["admin"].phone)
    assert (await desk.get("/console/experts.xlsx"))[0].status == 200
    assert (await desk.get("/console/register/template.xlsx"))[0].status == 200
    handler = Desk(client)
    await handler.sign_in(demo["handler"].phone)
    assert (await handler.get("/console/sanctions"))[0].status == 403
    await client.app[DOMAIN].audit.chain_draw_logs(datetime.now(UTC))

    entries = await trail(api, demo)
    said = [f"{e['title']}｜{e['what']}" for e in entries]
    named = f"{project.name}（抽取活动 {Views.activity_number(aid)}）"
    experts = await ExpertProfile.all().count()
    # the application's attachment, the draw, the fee and the payout, each on its activity
    assert f"修改数据｜上传抽取申请附件：{named}；成功" in said, said
    assert f"修改数据｜开始抽取：{named}；成功" in said
    assert f"抽取操作记录｜{named}：开始抽取" in said
    assert f"修改数据｜登记专家酬劳：{named}，专家 {payee}，900.00元；成功" in said
    assert (f"修改数据｜发放专家费：{named}，专家 {payee}，900.00元，方式：微信支付转账（专家确认"
            "收款）；成功") in said, said
    assert f"抽取操作记录｜{named}：通过微信支付发放专家费，专家 {payee}，900.00元" in said
    # the sheet the agency funded, and finance's approval, on the same activity
    assert f"修改数据｜提交专家费清单（已转账）：{named}；成功" in said
    assert f"抽取操作记录｜{named}：财务批准专家费清单" in said
    # finance's decision says what it decided, not only that a sheet was looked at
    assert f"修改数据｜财务审核专家费清单：{named}，结果：批准；成功" in said, said
    # the administrator's day: the sanction on whom, the refusal and why, the files
    assert f"修改数据｜作出处分：专家 {on_whom}（GD-ZJ-000001）；成功" in said
    assert "修改数据｜授予角色；未成功：不能给自己授予角色：请由另一位系统管理员办理" in said
    register = (f"导出专家名册（含 {experts} 人的专家编号、姓名（脱敏）、手机号（脱敏）、所在地区、"
                "所属行业、职称、工作单位、评标专业、是否在库；用途：专家名册管理）")
    assert f"导出或下载文件｜{register}" in said
    assert "下载文件（不含个人信息）｜下载空白的专家名册导入模板（不含个人信息）" in said
    assert "越权访问被拒绝｜打开工作台页面「处分管理」；未成功：没有相应角色的权限" in said
    numbers = {Views.activity_number(aid), project.number, "GD-ZJ-000001"}
    assert all(e["who"] for e in entries if e["action"] != "audit_read")
    unreadable = [s for s in said if not readable(s, numbers)]
    assert not unreadable, unreadable

    # the record of access to personal data: the export and how many people; the template,
    # which holds nobody's, is not an access
    auditor = await api.login(demo["audit_admin"].mp_openid)
    accessed = (await api.call("GET", "/admin/access-log", auditor)).data["entries"]
    assert [(e["who"], e["what"], e["rows"]) for e in accessed] == [
        ("周*", register, experts)]
    reader = Desk(client)
    await reader.sign_in(demo["audit_admin"].phone)
    _, page = await reader.get("/console/access-log")
    assert register in page and "导入模板" not in page
    _, page = await reader.get("/console/audit-trail")
    assert f"发放专家费：{named}，专家 {payee}，900.00元，方式：微信支付转账" in page
    # the activity's own operation log names it by number, and whom and how much a fee is
    agency_desk = Desk(client)  # (one cookie jar: the auditor's session ends)
    await agency_desk.sign_in(demo["handler"].phone)
    _, log = await agency_desk.get(f"/console/activities/{aid}/log")
    assert f"<td>{Views.activity_number(aid)}</td>" in log
    assert f"登记专家酬劳：专家 {payee}，900.00元" in log, log


async def test_entries_written_before_records_were_named_still_verify_and_read_as_words(
        api: Api, client: TestClient, demo: dict) -> None:
    """The trail never rewrites a stored entry (the chain would break): the forms written
    before this release — a change with the API's own summary, a console download, a page
    refused by its address, a grant by a person's id, the register read by rows, a second
    factor refused by its count — still verify, and read as words from what they hold."""
    aid, _ = await prepared(api, demo, total=2)
    activity = await DrawActivity.get(id=aid)
    project = await Project.get(id=activity.project_id)
    reviewer = await Person.get(phone_is(demo["reviewer"].phone))
    chain, now = client.app[DOMAIN].audit, datetime.now(UTC)
    old: list[tuple[str, dict[str, Any]]] = [
        ("change", {"op": "POST /draws/activities/{activity_id}/evidence/{purpose}",
                    "title": "上传申请附件（multipart/form-data，字段名 file；PDF 或 JPG，"
                             "10MB 以内）：purpo",
                    "params": {"activity_id": str(aid), "purpose": "submission"},
                    "outcome": "done"}),
        ("export", {"op": "GET /console/register/template.xlsx", "title": "工作台下载文件",
                    "params": {}}),
        ("access_denied", {"op": "页面 /sanctions", "title": "/console/sanctions",
                           "outcome": "refused"}),
        ("role_granted", {"to": reviewer.id, "role": "reviewer"}),
        ("unmask_register", {"rows": 12, "after": 0}),
        ("second_factor_failed", {"failures": 1}),
    ]
    for action, detail in old:
        await chain.append(action, now, person_id=1, name="周平", **detail)
    await chain.chain_draw_logs(now)
    assert (await chain.verify()).broken_at is None
    shown = {e["what"] for e in await trail(api, demo)}
    named = f"{project.name}（抽取活动 {Views.activity_number(aid)}）"
    assert {f"上传抽取申请附件：{named}；成功", "下载空白的专家名册导入模板",
            "打开工作台页面「处分管理」；未成功：没有相应角色的权限",
            f"{mask_name(reviewer.name)}，角色：审核人", "完整读取专家名册：12 人的姓名、手机号",
            "验证码不正确（本次登录第 1 次）", f"{named}：提交核验"} <= shown, shown
    assert all(readable(w, {Views.activity_number(aid), project.number}) for w in shown), shown
    assert await AuditEntry.filter(action="draw_log").exists()


def test_every_operation_the_trail_records_says_what_was_done_in_words() -> None:
    """Each change and download a desk may make (the API's endpoints a desk role reaches but
    for a plain reading, the console's downloads) and each reading in full has its words in
    texts/audit/act.j2, and the table holds no words for an operation that no longer
    exists."""
    recorded = {f"{ep.method} {ep.path}" for ep in collect().endpoints
                if (ep.method != "GET" or ep.files)
                and (ep.roles is None or ep.roles & DESK_ROLES)}
    recorded |= {f"GET /console{p.path}" for p in every_page()
                 if p.method == "GET" and p.path.endswith(EXPORTS)}
    recorded |= READS_IN_FULL  # a reading in full is an access on the trail
    for op in sorted(recorded):
        words = TEXTS.render("audit/act.j2", op=op, purpose="submission")
        assert words and not re.search(r"[A-Za-z/=_]", words), (op, words)
    tree = TEXTS.env.parse(TEXTS.source("audit/act.j2"))
    keys = {str(pair.key.value) for assign in tree.find_all(nodes.Assign)
            if isinstance(assign.node, nodes.Dict) for pair in assign.node.items
            if isinstance(pair.key, nodes.Const)}
    assert keys - recorded == set(), "words for operations that no longer exist"


def test_every_refusal_reads_on_the_trail_without_its_values() -> None:
    """The trail keeps no values of a refusal (they may name people): each refusal's words
    render with every value left out standing as "…", and read as words."""
    root = TEXTS.directory / "errors"
    codes = sorted(f"{p.parent.name}.{p.stem}" for p in root.glob("*/*.j2")
                   if not p.stem.startswith("_"))  # a shared part, not a refusal
    assert len(codes) > 500
    for code in codes:
        gist = TEXTS.error_gist(code)
        assert gist and "Undefined" not in gist and "{" not in gist, (code, gist)
    assert TEXTS.error_gist("fee.not_finished").startswith("评标结束后（… 或全部专家离场后）")
    # a refusal that counts says that there are some, not its "none" case
    assert TEXTS.error_gist("funding.incomplete").startswith("还有 … 位专家的酬劳没有登记")
