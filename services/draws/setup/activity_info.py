"""The fields GD-DRAW's forms list beside the times and counts, checked and put in their
columns: a project's type, funding, tender method, organisation form, tenderer category
(picked from their lists), its 投资项目统一代码 and contact phone; an activity's name,
announcement media (公告发布媒体), place of bid opening (开标地点), remarks, handler (经办人,
"默认取当前登录的法人或经办人信息") and supervisors (监督人员: name, phone, department). The
handler's phone and ID number and the supervisors' phones are sealed (models/draw_handler.py)."""

from __future__ import annotations

import re
from typing import Any

from models.draw_handler import HANDLER_SEALED, sealed_handler, sealed_supervisor
from models.draws import DrawActivity, Section
from models.people import Person
from services.common.errors import BadInput, DomainError
from services.common.pii import Vault
from services.draws.setup.form_options import (
    FUNDING_SOURCES,
    ORGANISATIONS,
    TENDER_METHODS,
    TENDERER_TYPES,
    parse_kind,
    require_listed,
)
from services.people import IdentityRules
from services.reference import Reference

# 投资项目统一代码 (全国投资项目在线审批监管平台): year-place-industry-type-serial
INVESTMENT_CODE = re.compile(r"\d{4}-\d{6}-\d{2}-\d{2}-\d{6}")
# a mobile, or a landline with its area code (and an extension)
CONTACT_PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?")
# what a clone (补抽, 重新抽取, 复评) copies of its original: "与原抽取活动信息一致"
INFO_COLUMNS = ("name", "media", "bid_open_region", "remarks", "handler_name",
                *HANDLER_SEALED, "supervisors")
HANDLER_INPUT = ("handler_name", "handler_phone", "handler_id_number")
INFO_INPUT = ("name", "media", "bid_open_region", "remarks", "supervisors")


def parse_contact_phone(raw: str, code: str) -> str:
    value = raw.strip().replace(" ", "")
    if not CONTACT_PHONE.fullmatch(value):
        raise BadInput(code)
    return value


def require_region(code: str, refusal: str) -> str:
    """A place of the region list (2, 4 or 6 digits, or the national list's 6: 440200), as
    the service keeps it (4402)."""
    found = Reference.regions().canonical(code)
    if found is None:
        raise BadInput(refusal, code=code)
    return found


def project_fields(values: dict[str, Any]) -> dict[str, Any]:
    """A project's values (those given) checked: picked ones from their lists."""
    out = dict(values)
    checks = {"funding": ("project.funding", FUNDING_SOURCES),
              "tender_method": ("project.tender_method", TENDER_METHODS),
              "organisation": ("project.organisation", ORGANISATIONS),
              "tenderer_type": ("project.tenderer_type", TENDERER_TYPES)}
    for key, (refusal, listed) in checks.items():
        if key in out:
            out[key] = require_listed(refusal, str(out[key]), listed)
    if "kind" in out:
        out["kind"] = parse_kind(str(out["kind"]))
    if "region" in out:
        out["region"] = require_region(str(out["region"]), "project.region")
    if out.get("investment_code"):
        out["investment_code"] = str(out["investment_code"]).strip()
        if not INVESTMENT_CODE.fullmatch(out["investment_code"]):
            raise BadInput("project.investment_code")
    if "contact_phone" in out:
        out["contact_phone"] = parse_contact_phone(str(out["contact_phone"]),
                                                   "project.contact_phone")
    return out


def handler_of(person: Person, vault: Vault) -> dict[str, str]:
    """The signed-in person as the handler a new activity names by default."""
    return {"handler_name": person.name, "handler_phone": person.phone,
            "handler_id_number": vault.decrypt(person.id_number_enc)}


def _checked(parse: Any, raw: str, refusal: str) -> str:
    try:
        return str(parse(raw))
    except DomainError:
        raise BadInput(refusal) from None


def info_columns(values: dict[str, Any], current: DrawActivity | None = None
                 ) -> dict[str, Any]:
    """The activity's info among `values` as columns (a handler's phone or ID number left
    out of an edit stays as it was)."""
    out: dict[str, Any] = {}
    for key in ("name", "remarks"):
        if key in values:
            out[key] = " ".join(str(values[key] or "").split())
    if "media" in values:
        out["media"] = " ".join(str(values["media"] or "").split())
        if not out["media"]:
            raise BadInput("draw.media_required")
    if "bid_open_region" in values:
        out["bid_open_region"] = require_region(str(values["bid_open_region"]),
                                                "draw.bid_open_region")
    if any(values.get(k) for k in HANDLER_INPUT):
        out.update(_handler(values, current))
    if "supervisors" in values:
        out["supervisors"] = [_supervisor(s) for s in values["supervisors"] or []]
    return out


def _handler(values: dict[str, Any], current: DrawActivity | None) -> dict[str, str]:
    name = " ".join(str(values.get("handler_name") or "").split())
    if not name and current is None:
        raise BadInput("draw.handler_name_required")
    phone = str(values.get("handler_phone") or "")
    number = str(values.get("handler_id_number") or "")
    sealed = sealed_handler(name, _checked(IdentityRules.parse_phone, phone, "draw.handler_phone")
                            if phone else "",
                            _checked(lambda v: IdentityRules.parse_id_number(v).value, number,
                                     "draw.handler_id_number") if number else "")
    if current is not None:  # an edit: what was not given stays
        kept = {"handler_name": bool(name), "handler_phone_enc": bool(phone),
                "handler_phone_masked": bool(phone), "handler_id_enc": bool(number),
                "handler_id_masked": bool(number)}
        return {k: v for k, v in sealed.items() if kept[k]}
    if not phone or not number:
        raise BadInput("draw.handler_required")
    return sealed


def _supervisor(entry: dict[str, Any]) -> dict[str, str]:
    name = " ".join(str(entry.get("name") or "").split())
    if not name:
        raise BadInput("draw.supervisor_name")
    phone = str(entry.get("phone") or "").strip()
    return sealed_supervisor(name, " ".join(str(entry.get("department") or "").split()),
                             parse_contact_phone(phone, "draw.supervisor_phone")
                             if phone else "")


def default_name(project_name: str, sections: list[Section]) -> str:
    """招标代理演示项目0617(一标段): the project and the sections drawn (GD-DRAW's list)."""
    named = "/".join(s.name for s in sections)
    return f"{project_name}({named})"[:128] if named else project_name[:128]
