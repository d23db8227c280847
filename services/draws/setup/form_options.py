"""The lists a project's and an activity's forms pick from (GD-DRAW's 招标项目信息 and
活动信息): the project's type in two levels ("工程建设项目招标投标 / 房屋建筑"), its funding
source, the tender method and organisation form and the tenderer's category, each as the law
names them; and the media an announcement is commonly published in (a suggestion: any medium
may be typed). The values are the names themselves: what is picked is what is kept and
shown. Where the seed gives only an example, the list is ours (docs/rules-that-are-ours.md)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import BadInput

KIND_SEPARATOR = "/"  # 工程建设项目招标投标/房屋建筑: the category, then the type

# 招标项目类型: the seed's example is 工程建设项目招标投标 / 房屋建筑
PROJECT_KINDS: dict[str, tuple[str, ...]] = {
    "工程建设项目招标投标": ("房屋建筑", "市政", "公路", "水运", "水利", "铁路", "民航",
                   "能源电力", "通信", "其他"),
    "政府采购": ("货物", "工程", "服务"),
    "其他交易项目": ("其他",),
}
# 资金来源 (请选择投资性质): the seed's example is 国家或政府投资项目; the others follow
# 《必须招标的工程项目规定》 Art. 2-3 (国有资金, 国际组织或者外国政府贷款、援助资金)
FUNDING_SOURCES = ("国家或政府投资项目", "国有资金占控股或者主导地位的项目",
                   "使用国际组织或者外国政府贷款、援助资金的项目", "企业自筹资金项目", "其他")
# 招标投标法 Art. 10; a 政府采购 project's own methods besides (政府采购法 Art. 26, GPL-26; the two
# CK-198 Art. 14 names: their draw may start earlier, services/draws/facts/law_timing.py)
TENDER_METHODS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价")
ORGANISATIONS = ("委托招标", "自行招标")  # 招标投标法 Art. 12
TENDERER_TYPES = ("法人", "其他组织")  # 招标投标法 Art. 8
# 公告发布媒体: the seed's example is 广东省招标投标监管网 (a suggestion list, typed freely)
MEDIA = ("中国招标投标公共服务平台", "广东省招标投标监管网", "广东省公共资源交易平台",
         "中国政府采购网", "中国采购与招标网")


@dataclass(frozen=True)
class FormOptions:
    project_kinds: dict[str, tuple[str, ...]]
    funding_sources: tuple[str, ...]
    tender_methods: tuple[str, ...]
    organisations: tuple[str, ...]
    tenderer_types: tuple[str, ...]
    media: tuple[str, ...]


def parse_kind(raw: str) -> str:
    """A project type of the list: "category/type" (spaces around the slash allowed)."""
    category, _, kind = (part.strip() for part in raw.partition(KIND_SEPARATOR))
    if kind not in PROJECT_KINDS.get(category, ()):
        raise BadInput("project.kind", kinds="、".join(PROJECT_KINDS))
    return f"{category}{KIND_SEPARATOR}{kind}"


def require_listed(code: str, value: str, listed: tuple[str, ...]) -> str:
    """A value picked from its list; refused by `code` naming the list otherwise."""
    value = value.strip()
    if value not in listed:
        raise BadInput(code, allowed=list(listed))
    return value
