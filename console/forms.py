"""Reading the console's HTML forms into the API's request bodies: text trimmed, lists from
repeated fields, a `datetime-local` value read as China time, and a refusal of the API put
in words that name the fields (InvalidFields)."""

from __future__ import annotations

from typing import Any

from multidict import MultiDictProxy

from miniapp_api.framework import InvalidFields
from services.common.errors import DomainError
from services.common.texts import Texts

CHINA_OFFSET = "+08:00"
# the words on the console's forms for the API's field names (a refusal names the field)
LABELS = {
    "name": "名称", "number": "编号", "kind": "类型", "region": "地区代码",
    "tenderer_name": "招标人", "tenderer_credit_code": "招标人统一社会信用代码",
    "sections": "标段", "project_id": "项目", "section_ids": "标段",
    "bid_open_at": "开标时间", "eval_start": "评标开始", "eval_end": "评标结束",
    "total": "需要专家人数", "response_minutes": "专家回复时限", "venue": "评标地点",
    "city": "市", "district": "区", "street": "街道门牌", "room": "房间",
    "gather_at": "集合时间", "contact_name": "联系人", "contact_phone": "联系电话",
    "notes": "注意事项", "notice_id": "通知", "regions": "地区代码",
    "main_specialty": "主专业代码", "alternate_specialty": "备选专业代码",
    "planned": "人数", "code": "统一社会信用代码或身份证号", "reason": "原因",
    "nonce": "随机串", "csv": "回避名单", "phone": "手机号", "valid_until": "有效期至",
    "province": "省份代码", "apply_from": "申报开始", "apply_until": "申报截止",
    "review_until": "审核截止", "pay_until": "缴费截止", "fee_yuan": "培训费",
    "max_qualifications": "职业资格最多", "stages": "审核环节", "batch_id": "批次",
    "title": "考试名称", "opens_at": "开始", "closes_at": "截止",
    "duration_minutes": "时长", "pass_score": "合格分数", "questions": "试题",
    "amount_yuan": "金额", "note": "通知结果", "id_number": "身份证号", "email": "电子邮箱",
    "person_id": "人员编号", "role": "角色", "answer": "回复"}


def text(form: MultiDictProxy[Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def when(form: MultiDictProxy[Any], name: str) -> str:
    """2026-11-25T09:00 typed in the browser is China time."""
    value = text(form, name)
    return value + CHINA_OFFSET if value and "+" not in value and "Z" not in value else value


def many(form: MultiDictProxy[Any], name: str) -> list[str]:
    return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]


def said(texts: Texts, exc: DomainError) -> str:
    """The refusal in words, each field's problem named."""
    if isinstance(exc, InvalidFields):
        return "；".join(
            f"{LABELS.get(p.field.split('.')[0], p.field)}："
            f"{texts.error(p.refusal) if p.refusal else p.message}" for p in exc.problems)
    return texts.error(exc)
