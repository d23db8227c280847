"""Every text in texts/ renders (with sample values for its variables), and every
notification's template fields fit their WeChat types."""

from __future__ import annotations

import os
import re
import typing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from jinja2 import meta

from bot.relay.notify_texts import NotifyTexts
from config.settings import ROOT
from handlers.commands import HELP
from models.applications import AppKind, AppStatus, BatchKind
from models.dishonesty import FlagStatus, RunStatus, RunTrigger
from models.draw_handler import UrgencyReason, UrgencyStatus
from models.draws import AnsweredVia, DrawStatus, InvitationStatus, NoticeRole
from models.evaluation.scores import CorrectionCase, ProposalKind, ProposalStatus
from models.help import ReviewReason, ReviewState, SupportState
from models.learning.education import Grading
from models.money.payments import FapiaoState, OrderStatus, SettledBy
from models.money.payouts import AuthorisationState, FeeChannel, FundingState, PayoutState
from models.money.reconciliation import RunStatus as BillRunStatus
from models.notifications import ChannelKind, Status
from models.people import Gender, LinkState, Role
from models.performance import ReviewOutcome
from models.venues import CheckMethod
from models.wechat import Channel
from sandbox.platform_records import check_field
from services.audit import Kind, Purpose, SignInHow
from services.common.clock import CHINA
from services.common.pii import find_unmasked
from services.common.texts import WORD_TABLES as TABLE_TYPE
from services.common.texts import Texts
from services.draws.facts import ActivitySource
from services.draws.record.condition_table import ConditionState
from services.evaluation import DIMENSIONS as PORTRAIT_DIMENSIONS
from services.evaluation import EVENT_KINDS
from services.fees.secondary import RULES as SECONDARY_RULES
from services.help import Audience as HelpAudience
from services.help import Kind as HelpKind
from services.help import Mode as HelpMode
from services.help import Process as HelpProcess
from services.notifications.kind_registry import KINDS
from services.payments.invoicing import TitleKind
from services.people import EVENTS as PRIVACY_EVENTS
from services.people.register.imports import ImportStatus
from services.rights.data_inventory import Keep
from tests.support.words import table_keys

FEE_STANDARD = {"name": "2025年评标专家劳务费标准", "effective_from": date(2026, 1, 1),
                "base_hours": 3, "base_fen": 40000, "hour_fen": 10000, "part_hour_counts": True,
                "daily_cap_fen": 80000, "cancel_fen": 20000, "travel_fen": 15000,
                "meal_fen": 10000, "notes": "依据省财政厅文件", "secondary_rule": "higher",
                "profile": "hourly", "late_after_hours": 0, "late_hour_fen": 0,
                "next_day_hour_fen": 0}
# A sample value for every variable any text uses. A new variable without a sample fails the
# test below, so that every text keeps being rendered here.
SAMPLES: dict[str, object] = {
    # the ruling on a 公示 objection, told to its objector; the board's way to object online
    "applicant": "李*国", "raised": "2026-06-02 09:30", "ruled": "2026-06-04 15:00",
    "online": True,
    # a proposal on a performance record explained, and an expert's portrait
    # (services/evaluation)
    "d": {"scores": [{"bidder_name": "广州甲建设有限公司", "criterion_name": "技术方案",
                      "value": "38", "median": "30", "maximum": "40", "percent": "20.0"}],
          "threshold": "5", "toward": "bidder", "key_name": "广州甲建设有限公司", "sample": 5,
          "above": 5, "mean": "8.2", "p_value": "0.0313", "evaluations": ["CQSQ00000012"],
          "system": "广州公共资源交易中心电子评标系统", "note": "迟到20分钟"},
    "event": "迟到", "proposal_kind": "deviation", "dimension_part": "scoring", "served": 12,
    "absent": 1, "tables": 4, "mean": "2.3", "proposed": 2, "dismissed": 1, "leanings": 1,
    "disputed": True, "explanation": "评分偏离评标委员会中位数超过 5%", "year": 2026,
    # an expert's account of a finished year (services/standing/yearly_accounts.py)
    "leave": 0, "sanctions": 0,
    "accounts": [{"year": 2026, "invited": 14, "declined": 2, "served": 11, "late": 1,
                  "left_early": 0, "conduct": 0, "absent": 1, "leave": 0, "sanctions": 0,
                  "courses": 1, "hours": 24, "credit_score": 96, "credit_level": "A"}],
    # the 智能客服 and 人工客服 (handlers/help/ask.py, handlers/help/support.py)
    "useful": False, "share": 0.25, "answer": "入库考试每年组织两次，未通过可下次再考。",
    "start": date(2026, 11, 23), "end": date(2026, 11, 29),
    "body": "评标劳务费由组织评标的单位支付。", "cut": True, "ended": True, "new": True,
    "hotline": "020-12345678", "closest": ["劳务费要扣个税吗？怎么算？"], "retired": False,
    "own": "您的信用分 100 分（A级）。", "subject": "payments", "paid_on": "2026年03月02日",
    "latest": {"title": "入库培训费", "amount": "300.00元", "paid_at": "2026-03-02",
               "refunded_at": None, "invoice_no": "", "invoice_requested_at": "2026-03-02"},
    "version": 2,
    "peer": "440200", "peer_name": "韶关市评标专家库", "tries": 2, "started": True,
    "kept": [{"title": "抽取与评标记录", "retention": "不少于15年且不删除",
              "basis": "政府采购法第四十二条"}],
    "anonymised": [{"title": "身份信息", "retention": "注销后保存15年，期满后匿名化"}],
    "deleted": [{"title": "通知发送记录", "retention": "发送后保存365天，期满删除"}],
    "explained": ["最近36个月计入的 2 条履职记录平均 88 分", "警告 1 次，扣 10 分"],
    "step": "education", "doing": "transfer",
    "steps": [{"what": "start", "count": 2, "points": 88},
              {"what": "warning", "count": 1, "points": -10}],
    "a": 90, "b": 75, "c": 60, "month": "2026-11",
    # the receipt's invoice words: how this service invoices, and a unit's title
    "mode": "auto", "mailed": True, "unit_name": "广州市示例建设工程有限公司",
    "unit_code": "91440101MA5D00007U",
    "attend": 2, "declined": ["张三"],
    "case": "op", "to": "张三", "role": "审核人", "holds": False, "broken_at": 24, "log": 24,
    "result": "已到账", "release": "told", "released": 2, "sms": True,
    "library": "韶关市评标专家库",
    "returned": False,
    "small": [{"number": 1, "size": 5, "planned": 3}],
    "wanted": 1,
    "params": "活动 12", "refusal": "抽取已开始", "how": "密码", "account": "138****1234",
    "op": "POST /draws/activities/{activity_id}/payouts", "act": "通过微信支付发放专家费",
    "record": "某市第一中学教学楼新建工程（抽取活动 CQSQ00000012），专家 李*国，900.00元",
    "concerns": "专家 李*国，900.00元", "people": 36, "rows": 12, "full": True, "blank": False,
    "pairs": [("身份证号", "full"), ("手机号", "masked"), ("劳务报酬与代扣个税", "")],
    "held": "完整身份证号、手机号（脱敏）、劳务报酬与代扣个税",
    "why": "个人所得税扣缴申报",
    "menu": "处分管理", "area": "审计", "failures": 2, "via": "miniapp", "persons": 3,
    "tally": "身份信息 3 条、通知发送记录 12 条",
    "about": {"activity": "某市第一中学教学楼新建工程", "activity_no": "CQSQ00000012",
              "project": "某市第一中学教学楼新建工程", "project_no": "GZ-2026-001",
              "applicant": "张*", "batch": "2026年第二批评标专家征集", "payable": "培训费",
              "payer": "张*", "course": "2026年度评标专家继续教育", "person": "张*",
              "expert": "李*国", "expert_no": "GD-ZJ-000001", "yuan": "900.00"},
    "bank": "中国工商银行天河支行",
    "section": {"number": "123123123", "name": "一标段", "investment_wan": "100"},
    "agency": "广州市示例招标代理有限公司", "accepted": True,
    "level": "B", "counted": 3, "absences": 1, "sanction_items": [{
        "kind": "警告", "period": "2026年11月25日起记录在案", "reason": "未按时到场",
        "in_force": False, "appealed": True, "outcome": "upheld"}],
    "first": "2025年12月", "last": "2026年11月", "ranked": 10, "today": "2026年11月25日",
    "period": "2026年11月24日至2027年2月23日", "ruling": "未能提供离开前报告的记录，维持处理。",
    "approve": True, "travels": True, "experts": 3, "cap": 6, "months": 12, "years": 3,
    "place": "广东省广州市天河区",
    "invoices": [{"title": "课程费", "number": "25442000000123456789", "state": "issued",
                  "red_number": None, "link": "https://pb.example.cn/invoices/FP1.pdf"}],
    "red_no": "25442000000123456790", "asked": 2, "refused": ["没有这笔待开票的缴费。"],
    "middle": "020-66668888", "staff": "139****5678", "expert": "张三", "names": "张三、李四",
    # a committee in words (services/draws/facts/committee.py)
    "side": "招标人", "size": 5, "representatives": 1, "here": 4,
    "text": "示例文字", "content": "请于明早9点到达评标室", "at": "2026-11-23 09:00",
    "checked_in": False, "face": True, "ret": 90011, "on": True, "only": "wechat",
    "begun": False, "leaving_from": "2026-11-23 09:30",
    "identity": "", "wechat": "", "revoked": "1", "checked_out": False,
    "checkin_at": datetime(2026, 11, 23, 1, 5, tzinfo=UTC),
    "checkout_at": datetime(2026, 11, 23, 6, 5, tzinfo=UTC),
    "title": "意见反馈", "prompt": "请回复数字", "name": "张三", "phone": "138****1234",
    "code": "123456", "category": "功能建议", "number": "F000001", "min_len": 5,
    "max_len": 500, "length": 600, "problem": "身份证号码校验位不正确。", "roles": "评标专家",
    "gender": "男", "birth_year": "1980年", "what": "身份证号", "id_masked": "110105********002X",
    "email": "z***@example.com", "expert_number": "GD-ZJ-000001", "channels": "公众号、小程序",
    "must_change_password": True, "flow_title": "意见反馈",
    "batch": "2026年第二批评标专家征集", "stage": "市州行业部门预审",
    "reason": "职称证书扫描件不清晰", "items": "附件「职称证书」",
    "deadline": "2026年12月03日 18:30",
    "next_step": "系统会统一安排考试，考试通知会发到这里，请留意。", "next": "exam",
    "exam_opens": "2026年12月10日 09:00", "exam": "2026年第二批入库考试",
    "opens": "2026-12-10 09:00", "closes": "2026-12-10 17:00", "minutes": 90,
    "link": "https://bot.example.cn/exam/1?t=1.2.x", "score": 86, "pass_score": 60,
    "status": "退回修改", "stages": "市州行业部门预审 → 终审", "decision": "退回修改",
    "decision_stage": "市州行业部门预审", "decision_at": "2026年11月21日 10:00", "passed": True,
    "course": "2026年度评标专家继续教育", "certificate_no": "JX2026000001", "makeups_left": 1,
    "until": "2026年12月31日 23:59", "state": "expired",
    "item": "2026年第二批评标专家征集 培训费", "amount": "350.00元",
    "order_no": "EB261121103000A1B2C3D4E5",
    "invoice": "发票申请已登记，财务人员开具后会将电子发票发送至 z***@example.com",
    "invoice_no": "25442000000123456789", "days": "5",
    "read": False, "recorded_by": "王工", "recorded_on": "2026年11月29日",  # a key's date
    "fee_title": "2026年第二批评标专家征集 培训费", "pay_link": "https://bot.example.cn/pay/EB1",
    "project": "某市第一中学教学楼新建工程", "activity": 12, "total": "5",
    "last_day": "2026年10月13日",
    "seed_hash": "9f2c4e1a7b3d5f60",
    "progress": "已确认 2/5", "outcome": "抽取完成", "ending": "complete",
    "unseal": "2026年11月23日 08:30",
    "gather_at": "2026年11月23日 08:30", "venue": "广州公共资源交易中心",
    "address": "广州市天河区天润路333号5楼", "contact": "陈志强 020-12345678",
    "notes": "请携带身份证",
    "due": "2026年11月21日 10:10", "invitations": 2, "verification_code": "482913",
    "eval_start": "2026年11月23日 09:00", "attempt": "1", "when": "明天", "count": "1",
    "by": "系统", "arrived": 3, "expected": 5, "again": "pay", "purpose": "appeal", "kind": "缺席",
    "request_kind": "withdrawal", "action": "pause",
    "waiting": [{"gather_at": "2026年11月23日 08:30", "venue": "广州公共资源交易中心",
                 "due": "2026年11月21日 10:10"}],
    "confirmed": [{"gather_at": "2026年11月23日 08:30", "venue": "广州公共资源交易中心",
                   "address": "广州市天河区天润路333号5楼", "code": "482913"}],
    "evaluations": [{"gather_at": "2026年11月23日 08:30", "venue": "广州公共资源交易中心",
                     "contact": "陈志强 020-12345678"}],
    "choices": [{"id": 7, "gather_at": "2026年11月23日 08:30", "venue": "广州公共资源交易中心",
                 "due": "2026年11月21日 10:10"},
                {"id": 9, "gather_at": "2026年11月25日 13:30", "venue": "佛山市公共资源交易中心",
                 "due": "2026年11月21日 10:12"}],
    "batches": [{"name": "2026年第二批评标专家征集", "kind": "征集（新申请）", "open": True,
                 "from": "2026年11月15日 10:30", "until": "2026年12月02日 18:30"}],
    "exams": [{"title": "2026年第二批入库考试", "submitted": True, "graded": True, "score": 86,
               "passed": True, "pass_score": 60}],
    "courses": [{"title": "2026年度评标专家继续教育", "progress": 100, "grading": "合格",
                 "certificate": "JX2026000001"}],
    "records": [{"title": "2026年第二批评标专家征集 培训费", "amount": "350.00元",
                 "paid_at": datetime(2026, 11, 21, 10, 30, tzinfo=CHINA),
                 "order_no": "EB261121103000A1B2C3D4E5", "transaction_id": "4200001234202611",
                 "invoice_requested_at": datetime(2026, 11, 21, 10, 30, tzinfo=CHINA)},
                {"title": "2026年度继续教育", "amount": "200.00元", "paid_at": None,
                 "order_no": None, "transaction_id": None, "invoice_requested_at": None}],
    "counts": [("《2026年第二批评标专家征集》市州行业部门预审", 3)],
    "review": [("《2026年第二批评标专家征集》市州行业部门预审", 3)],
    "verify": [("抽取申请", 2), ("退选申请", 1)], "feedback": 4, "who": "审核人",
    "suggestions": ("考试成绩", "考试"), "sections": HELP, "fee": "200.00元",
    "pages": {"appid": "wxminiapp", "url": "https://bot.example.cn/",
              "review": "pages/review/index", "verify": "pages/verify/index",
              "feedback": "pages/admin/feedback"},
    # the console's words: done/, line/, files/, labels, nav, yes_no; the word tables
    # an application form's limits under its batch's rule set (texts/miniapp/limits/)
    "rule": "jilin", "limits": {"specialties": 3, "titles": 5, "work_history": 5,
                                "qualifications": 5, "extra_files": 3, "extra_mb": 20},
    "invited": 12, "id": 42, "matching": 8, "willing": 2, "urgent": True,
    "urgency": "natural_disaster", "urgency_decision": "approved", "window": 5, "n": 3,
    "objective": "1", "deviation": "2", "review_row": {"acked_at": None, "next_at": "soon",
                                                      "tries": 1, "last_error": ""},
    "field": "gather_at", "page": "home",
    "materials": [{"title": "考试大纲", "batch": "2026年第二批评标专家征集", "exam": None,
                   "link": "https://bot.example.cn/materials/1?t=1.2.x"}],
    "starts": "2026年12月05日 09:00", "ends": "2026年12月05日 12:00",
    "where": "乌鲁木齐市天山区新华北路165号",
    "sessions": [{"title": "评标专家岗前培训", "starts": "2026年12月05日 09:00",
                  "ends": "2026年12月05日 12:00", "place": "乌鲁木齐市天山区新华北路165号",
                  "link": "https://meeting.example.cn/j/1", "note": "请携带身份证",
                  "attended": "已参加"}],
    "department": "广州市住房和城乡建设局",
    "contacts": [{"region": "广东省广州市", "department": "广州市住房和城乡建设局",
                  "phone": "020-83125678", "address": "广州市越秀区", "hours": "工作日"}],
    "passed_industries": ["住建"], "waiting_industries": ["交通"],
    "more": 2, "pools": [{"activity": 12, "eval_start": "2026年11月23日 09:00", "pool": "main",
                          "invited": True, "root": "9f2c4e1a7b3d5f60", "weight": 3}],
    "weighting": {"A": 4, "B": 3, "C": 2, "D": 1}, "weighted": True,
    "value": True, "key": "draft", "channel": "公众号模板消息", "meaning": "此人未关注公众号",
    "part": "times", "piece": "paragraph", "desk": "todo", "trade_status": "ok",
    "trade_count": "0", "fund_status": "mismatches", "fund_count": "2",
    "cert": {"name": "李建国", "year": 2026, "course": "2026年度评标专家继续教育", "hours": 24,
             "no": "JX2026000001", "issued": "2026年11月27日"}, "payer": "王晓明", "console_url": "https://bot.example.cn/console/",
    "sustained": True,  # a part of a request (draw/request_*.j2)
    "hours": 1, "log_days": 365,  # the 清单's link and retention periods
    "kinds": [{"title": "身份信息", "purpose": "核验专家身份",
               "retention": "注销后保存15年（政府采购法第四十二条），期满后匿名化"}],
    "entry": {"bid_open_at": "2026年11月26日 08:00", "eval_start": "2026年11月26日 09:00",
              "eval_end": "2026年11月26日 15:00", "total": 3},
    # fees by the published standard (draw/fee_*.j2, chat/fees/*.j2)
    "day": "2026年12月1日",
    # a day reconciled while its bill is not out: when the job reads it (a time), whether
    "check": datetime(2026, 12, 4, 10, 30, tzinfo=CHINA), "pending": True,
    "payments_said": "一致",
    "by_bank": True, "funding": "approved", "agency_name": "广州市示例招标代理有限公司",
    "transfers_said": "有差异（1处）",
    "gross": "900.00", "tax": "20.00",  # a fee and the tax withheld from it (texts/payout)
    "s": FEE_STANDARD, "current": FEE_STANDARD, "later": [FEE_STANDARD], "transfers": True,
    "computed": {"total_fen": 80000, "situation": "served", "venue_rule": "higher",
                 "which": "theirs", "standard_name": "韶关市评标专家劳务费标准", "items": [
        {"kind": "base", "fen": 40000, "day": 0, "minutes": 600, "hours": 3, "counted": 10},
        {"kind": "extra", "fen": 70000, "day": 0, "hours": 7, "each_fen": 10000},
        {"kind": "cap", "fen": -30000, "day": 0, "each_fen": 80000},
        {"kind": "late", "fen": 30000, "day": 0, "hours": 2, "each_fen": 15000, "after": 8},
        {"kind": "next", "fen": 30000, "day": 2, "minutes": 170, "hours": 3, "counted": 3,
         "each_fen": 10000},
        {"kind": "travel", "fen": 15000, "day": 0},
        {"kind": "meal", "fen": 10000, "day": 0, "days": 1, "each_fen": 10000},
        # what the law took off (services/fees/forfeit.py), and a 招标投标 item said
        {"kind": "forfeit", "fen": -80000, "day": 0,
         "why": "未完成评审工作擅自离开评审现场（早退）", "held": True},
        {"kind": "forfeit_travel", "fen": -25000, "day": 0, "why": "早退", "held": True},
        {"kind": "noted", "fen": 0, "day": 0, "why": "早退"}],
                 "forfeited_fen": 105000, "held": True,
                 "grounds": "未完成评审工作擅自离开评审现场（早退）"},
    # a fee the law took from (texts/notify/fee.forfeit): what, and the line finance had
    "taken": "400.00", "fixed": "approved",
    "fees": [{"day": "2026年12月1日", "venue": "广州公共资源交易中心", "amount": 65000,
              "paid": True, "reason": "评审延长半小时",
              "breakdown": "评标5小时，3小时以内 400.00元"}],
    "activities": [{"id": 12, "status": "抽取中", "eval_start": "2026年11月23日 09:00",
                    "progress": "已确认 2/5", "arrived": 0, "expected": 2}],
    "eval_day": "2026年12月1日", "late": True, "left_early": False, "conduct": ["擅离职守"],
    "absence": "缺席",
    "note": "经核实，离开评标室系经评标委员会同意",
    "performance_records": [{"day": "2026年12月1日", "venue": "广州公共资源交易中心",
                             "agency": "广州市示例招标代理有限公司", "late": True,
                             "left_early": False, "conduct": ["擅离职守"], "score": 70,
                             "comment": "开标后40分钟到场", "reply": "地铁故障",
                             "disputed": True, "outcome": "corrected", "note": "经核实",
                             "absence": None}],
}

TEXTS = Texts(ROOT / "texts")
MOMENT = datetime(2026, 12, 3, 18, 30, tzinfo=CHINA)  # for variables a text writes as a time
# refusals are rendered by tests/house/test_error_texts.py, with typed parameters
ALL = [n for n in TEXTS.names() if not n.startswith("errors/")]


def test_there_are_texts_for_chat_sms_and_notifications() -> None:
    assert {n.split("/")[0] for n in ALL} >= {"chat", "sms", "notify"}


@pytest.mark.parametrize("name", ALL)
def test_every_text_renders(name: str) -> None:
    source = TEXTS.source(name)
    needed = meta.find_undeclared_variables(TEXTS.env.parse(source))
    missing = needed - SAMPLES.keys()
    times = {name: MOMENT for name in re.findall(r"(\w+)\s*\|\s*china_", source)}
    assert not missing, f"{name} uses {sorted(missing)}: add sample values to SAMPLES"
    rendered = TEXTS.render(name, **{k: times.get(k, SAMPLES[k]) for k in needed})
    assert rendered.strip(), f"{name} rendered empty"
    assert "None" not in rendered and not find_unmasked(rendered)


def test_every_notification_template_fits_its_field_types() -> None:
    notify = NotifyTexts(TEXTS, {}, {}, sandbox=True)
    checked = 0
    for kind in notify.kinds():
        for channel in ("template", "subscribe"):
            if not notify.has(kind, channel):
                continue
            keys = notify.field_keys(kind, channel)
            assert keys, f"{kind}/{channel} declares no fields"
            # each field carries its label, as WeChat shows the message (集合时间, not time1)
            labels = notify.field_labels(kind, channel)
            assert list(labels) == keys and all(
                "\u4e00" <= label[0] <= "\u9fff" for label in labels.values()), (kind, labels)
            source = TEXTS.source(f"notify/{kind}/{channel}.j2")
            needed = meta.find_undeclared_variables(TEXTS.env.parse(source))
            fields = notify.fields(kind, channel, {k: SAMPLES[k] for k in needed})
            assert list(fields) == keys
            for key, value in fields.items():
                assert check_field(key, value), (kind, key, value)
                checked += 1
    assert checked > 0


def test_a_row_changed_under_the_same_id_is_written_with_its_new_words() -> None:
    """A rendered text is remembered by its arguments; a model row equals any row with its
    id (a standard read again after its change, or a new one given a freed id on SQLite),
    so a text about a row is rendered anew each time, never read back from the memo."""
    from models.fees import FeeStandard

    texts = Texts(ROOT / "texts")
    row = FeeStandard(id=1, **FEE_STANDARD)
    first = texts.render("draw/fee_standard_terms.j2", s=row)
    changed = FeeStandard(id=1, **{**FEE_STANDARD, "base_fen": 50000})
    assert changed == row  # what made the memo answer with the first row's words
    again = texts.render("draw/fee_standard_terms.j2", s=changed)
    assert "400.00元" in first and "500.00元" in again and "400.00元" not in again


def test_texts_live_in_one_folder() -> None:
    assert Path(TEXTS.directory) == ROOT / "texts"


def _values(kind: Any) -> set[str]:
    """The values of an enum or a Literal."""
    args = typing.get_args(kind)
    return {str(a) for a in args} if args else {str(m.value) for m in kind}


# every stored value a person may read, with the table of its words (texts/words/): the
# enum or Literal of its values, and the words for values shown but not stored
WORD_TABLES: dict[str, tuple[set[str], set[str]]] = {
    "activity_source": (_values(ActivitySource), set()),
    "application_kind": (_values(AppKind), set()),
    "condition_state": (_values(ConditionState), set()),
    "application_status": (_values(AppStatus), set()),
    "batch_kind": (_values(BatchKind), set()),
    "dishonesty_flag": (_values(FlagStatus), set()),
    "dishonesty_run_status": (_values(RunStatus), set()),
    "dishonesty_trigger": (_values(RunTrigger), set()),
    "fapiao_state": (_values(FapiaoState), set()),
    "proposal_kind": (_values(ProposalKind), set()),
    "proposal_status": (_values(ProposalStatus), set()),
    "correction_case": (_values(CorrectionCase), set()),
    "event_kind": (set(EVENT_KINDS), set()),
    "portrait_dimension": (set(PORTRAIT_DIMENSIONS), set()),
    "fee_channel": (_values(FeeChannel), set()),
    "funding_state": (_values(FundingState), set()),
    "grading": (_values(Grading), set()),
    "help_kind": (_values(HelpKind), set()),
    # the 帮助中心's tab of every audience
    "help_audience": (_values(HelpAudience), {"all"}),
    "help_process": (_values(HelpProcess), set()),
    "help_ranker": (_values(HelpMode), set()),
    "help_review_reason": (_values(ReviewReason), set()),
    "help_review_state": (_values(ReviewState), set()),
    "support_state": (_values(SupportState), set()),
    "notification_kind": (set(KINDS), set()),
    "order_status": (_values(OrderStatus), set()),
    # a waiting bill WeChat Pay is cancelling (Payout.shown_state)
    "payout_state": (_values(PayoutState), {"canceling"}),
    "bill_run_status": (_values(BillRunStatus), set()),
    # an expert who never asked for 免确认收款
    "authorisation_state": (_values(AuthorisationState), {"none"}),
    "review_outcome": (_values(ReviewOutcome), set()),
    # one who asked for 人工客服 without binding an account (miniapp_api/routes/help)
    "role": (_values(Role), {"visitor"}),
    "link_state": (_values(LinkState), set()),
    "answered_via": (_values(AnsweredVia), set()),
    "settled_by": (_values(SettledBy), set()),
    "import_status": (_values(ImportStatus), set()),
    "retention_keep": (_values(Keep), set()),
    "personal_field": (_values(Kind), set()),
    "access_purpose": (_values(Purpose), set()),
    "channel": ({Channel.OFFICIAL_ACCOUNT, Channel.MINI_PROGRAM}, set()),
    "wechat_event": (set(PRIVACY_EVENTS), set()),
    "check_method": (_values(CheckMethod), set()),
    "gender": (_values(Gender), set()),
    "invoice_title": (_values(TitleKind), set()),
    "sign_in_how": (_values(SignInHow), set()),
    "secondary_rule": (set(SECONDARY_RULES), set()),
    "venue_role": (_values(NoticeRole), set()),
    "urgency_reason": (_values(UrgencyReason), set()),
    "urgency_status": (_values(UrgencyStatus), set()),
    # shown, not stored: an activity waiting for its 补抽, a 复评 calling its experts back,
    # an ended draw before and during its evaluation
    "draw_status": (_values(DrawStatus),
                    {"awaiting_supplement", "recalling", "drawn", "evaluating"}),
    # the digits an expert answers with (1 参加 / 2 不参加 / 3 需回避)
    "invitation_status": (_values(InvitationStatus), {"1", "2", "3"}),
    # a notification no WeChat channel reached
    "channel_kind": (_values(ChannelKind), {"wechat"}),
    # a notification the relay chose not to send
    "send_status": (_values(Status), {"skipped"}),
}
# tables of words for what no enum holds, and why
OTHER_TABLES = {
    "peer_fee_state": "a lent experts' fee sheet as the asking agency reads it: the lending "
                      "library's FundingState, sent over the protocol (ask_fees.py STATES)",
    "peer_draw_state": "another library's request as it stands here: a state read from the "
                       "request and its draw (services/federation/lending.py state_of)",
    "access_action": "what the audit trail records, by its entries' action",
    "document": "the fields and sections of the printed forms",
    "draw_template": "the names of GD-DRAW's 模板下载 files, by their kind in the path "
                     "(TEMPLATE_KINDS; tests/draws/setup/test_draw_templates.py lists them)",
    "audit_param": "what an id in an API operation's path names, on the audit trail",
    "record_field": "the drawn record's fields on the results spreadsheet (exports.py)",
    "personal_data": "the data inventory's categories and bases (data_inventory.py)",
    "review_decision": "the decisions among a review log's actions (submit is not shown)",
    "federation_refusal": "why another library's signed request was refused (the reasons "
                          "NotTrusted carries; tests/federation/ reads each in words)",
    "federation_what": "what another library asked of this one, on the audit trail",
    "evaluation_refusal": "why an evaluation system's signed request was refused (the "
                          "reasons NotTrusted carries; tests/evaluation/ reads them)",
    "evaluation_what": "what an evaluation system did, on the audit trail",
    "federation_release": "why another library releases the experts it drew for this one "
                          "(the cancel's `release`: docs/federation.md)",
    "send_error_code": "WeChat's own error codes",
    "bill_note": "why a day's WeChat Pay bill could not be used: WeChat Pay's error codes "
                 "and ours (bot/providers/pay/bill.py), a sentence for any other",
    "situation": "a drawn expert's place on the printed result",
    "kinship": "a declared relative's relation and post (services/people/relatives.py "
               "RELATIONS and POSTS, the words of GPL-REG Art. 9 and CK-198 Art. 16)",
    "draw_ending": "how a draw ended in the agency's push (draw.ended's `ending`): the "
                   "activity's end_reason (complete, exhausted, forced) or a 复评's calls "
                   "submitted (recalled)",
    "skip_reason": "why a draw passed over a candidate (SkipKind; those with a cap or a "
                   "place are sentences of their own: tests/draws/candidates/test_skip_reasons.py "
                   "says every kind)",
}


def test_every_word_table_is_held_to_its_values_or_says_why_not() -> None:
    tables = {p.stem for p in (ROOT / "texts" / "words").glob("*.j2")}
    assert tables == set(WORD_TABLES) | set(OTHER_TABLES), (
        "a word table neither held to its enum (WORD_TABLES) nor explained (OTHER_TABLES)")
    # the type code names a table by (services/common/texts.py WordTable) is the folder
    assert tables == set(TABLE_TYPE), "texts/words/ and WordTable differ"


@pytest.mark.parametrize("table", sorted(WORD_TABLES))
def test_every_stored_value_has_its_words_and_every_word_a_value(table: str) -> None:
    """Desks and experts read words, never a raw value (draft, in_review, agency_handler);
    a value renamed or dropped leaves no stale word behind."""
    values, shown = WORD_TABLES[table]
    keys = table_keys(TEXTS, table)
    assert values - keys == set(), f"{table}: values without words"
    assert keys - values - shown == set(), f"{table}: words for no value"
    for value in values | shown:
        word = TEXTS.word(table, value)
        assert word and word != value, (table, value)
        assert re.search(r"[\u4e00-\u9fff]", word), (table, value, word)


def test_the_console_says_what_was_done_in_words() -> None:
    """Every action a console page confirms has its words (texts/console/done/)."""
    import ast

    used = set()
    for path in (ROOT / "console").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "done" \
                    and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                used.add(node.args[1].value)
    from console.pages.draws.setup.prepare import ACTIONS

    used |= set(ACTIONS) | {"redraw", "reeval"}
    have = {n.rsplit("/", 1)[1].removesuffix(".j2") for n in TEXTS.names("console/done/")}
    assert used and used <= have, sorted(used - have)


def test_every_notification_kind_reaches_someone_without_wechat() -> None:
    """Each kind has an SMS text, but the two written down as not needing one
    (docs/rules-that-are-ours.md): a chat reply, and the voice call whose written twin has."""
    notify = NotifyTexts(TEXTS, {}, {}, sandbox=True)
    without = {"chat.reply", "draw.invitation.call"}
    assert [k for k in notify.kinds() if not notify.has(k, "sms") and k not in without] == []
    assert all(not notify.has(k, "sms") for k in without)


def test_an_edited_text_is_read_without_a_restart(tmp_path: Path) -> None:
    """An administrator edits a text, or adds one in a new folder, while the service runs:
    the next render after the check interval uses the new words."""
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "hello.j2").write_text("您好", encoding="utf-8")
    texts = Texts(tmp_path, check_interval=0)
    assert texts.render("chat/hello.j2") == "您好"
    assert texts.source("chat/hello.j2") == "您好"
    edited = tmp_path / "chat" / "hello.j2"
    edited.write_text("您好，{{ name }}", encoding="utf-8")
    later = edited.stat().st_mtime_ns + 2_000_000_000
    os.utime(edited, ns=(later, later))
    assert texts.render("chat/hello.j2", name="张三") == "您好，张三"
    assert texts.source("chat/hello.j2") == "您好，{{ name }}"  # the fields it declares
    (tmp_path / "chat" / "new").mkdir()
    (tmp_path / "chat" / "new" / "bye.j2").write_text("再见", encoding="utf-8")
    assert texts.render("chat/new/bye.j2") == "再见"


def test_a_second_service_in_one_process_reuses_the_compiled_texts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each service a process starts has its own Texts: the second reads the first one's
    compiled templates (services/common/template_code.py) instead of compiling them again,
    and still compiles a text whose file changed."""
    (tmp_path / "hello.j2").write_text("您好，{{ name }}", encoding="utf-8")
    assert Texts(tmp_path).render("hello.j2", name="张三") == "您好，张三"
    second = Texts(tmp_path, check_interval=0)
    compiled: list[str] = []
    compile_source = second.env.compile

    def counted(source: str, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> Any:
        compiled.append(str(name))
        return compile_source(source, name, filename, raw, defer_init)

    monkeypatch.setattr(second.env, "compile", counted)
    assert second.render("hello.j2", name="李四") == "您好，李四"
    assert compiled == []
    (tmp_path / "hello.j2").write_text("再见，{{ name }}", encoding="utf-8")
    assert Texts(tmp_path).render("hello.j2", name="王五") == "再见，王五"
