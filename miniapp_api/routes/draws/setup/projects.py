"""Tender projects and their sections (招标项目、标段, GD-DRAW): registered by an agency,
drawn for by its activities."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, agency
from miniapp_api.schemas import Model
from models.draws import Project, Section
from services.common.pii import mask_phone

api = Api()


class SectionIn(Model):
    number: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=128)
    investment_yuan: float = Field(default=0, ge=0, le=1e12, allow_inf_nan=False,
                                   description="标段投资额（元）")


class ProjectIn(Model):
    """GD-DRAW's 招标项目信息: the starred (*) fields required; the lists to pick from are
    GET /draws/form-options."""

    name: str = Field(min_length=2, max_length=128, description="招标项目名称")
    number: str = Field(default="", max_length=64,
                        description="项目编号（非进场项目如无编号可不填）")
    kind: str = Field(min_length=1, max_length=32,
                      description="招标项目类型：大类/类型，如 工程建设项目招标投标/房屋建筑")
    region: str = Field(pattern=r"^\d{2,6}$", description="项目所在地区代码")
    funding: str = Field(min_length=1, max_length=64, description="资金来源")
    approval_no: str = Field(default="", max_length=64, description="项目审批文号")
    tender_method: str = Field(min_length=1, max_length=16, description="招标方式")
    organisation: str = Field(min_length=1, max_length=16, description="招标组织形式")
    tenderer_type: str = Field(min_length=1, max_length=32, description="招标人类别")
    investment_yuan: float = Field(ge=0, le=1e12, allow_inf_nan=False,
                                   description="项目投资总额（元）")
    investment_code: str = Field(default="", max_length=32, description=(
        "投资项目统一代码（投资项目在线审批监管平台的代码，如 2020-440104-47-01-012345）"))
    tenderer_name: str = Field(min_length=2, max_length=128)
    tenderer_credit_code: str
    contact_name: str = Field(min_length=1, max_length=32, description="项目联系人")
    contact_phone: str = Field(min_length=7, max_length=20, description="项目联系方式")
    supervisor_name: str = Field(default="", max_length=128,
                                 description="项目的行政监督部门（其工作人员不会被抽取）")
    supervisor_credit_code: str = Field(default="", max_length=24)
    sections: list[SectionIn] = Field(default_factory=list, description="无标段时留空")


class SectionOut(Model):
    id: int
    number: str
    name: str
    drawn: bool
    investment_yuan: float = Field(default=0, description="标段投资额（元）")


class ProjectOut(Model):
    id: int
    name: str
    number: str
    tenderer_name: str
    sections: list[SectionOut]
    kind: str = ""
    region: str = Field(default="", description="项目所在地（地区代码）")
    tenderer_credit_code: str = ""
    supervisor_name: str = ""
    funding: str = ""
    approval_no: str = ""
    tender_method: str = ""
    organisation: str = ""
    tenderer_type: str = ""
    investment_yuan: float = 0
    investment_code: str = ""
    contact_name: str = ""
    contact_phone: str = Field(default="", description="项目联系方式（脱敏）")
    locked: bool = Field(default=False, description=(
        "已关联抽取活动：项目信息不能再修改（GD-DRAW：如果当前项目已关联了抽取活动，不能修改）"))


class ProjectsOut(Model):
    projects: list[ProjectOut]


def project_out(project: Project, sections: list[Section]) -> ProjectOut:
    return ProjectOut(id=project.id, name=project.name, number=project.number or "",
                      tenderer_name=project.tenderer_name, kind=project.kind,
                      region=project.region, tenderer_credit_code=project.tenderer_credit_code,
                      supervisor_name=project.supervisor_name, funding=project.funding,
                      approval_no=project.approval_no, tender_method=project.tender_method,
                      organisation=project.organisation, tenderer_type=project.tenderer_type,
                      investment_yuan=project.investment_fen / 100,
                      investment_code=project.investment_code,
                      contact_name=project.contact_name,
                      contact_phone=mask_phone(project.contact_phone)
                      if project.contact_phone else "",
                      locked=any(s.activity_id is not None for s in sections),
                      sections=[SectionOut(id=s.id, number=s.number, name=s.name,
                                           drawn=s.activity_id is not None,
                                           investment_yuan=s.investment_fen / 100)
                                for s in sections])


@api.route("POST", "/draws/projects", access=AGENCY, body=ProjectIn, response=ProjectOut,
           summary="登记招标项目及标段", tag=TAG)
async def create_project(call: Call, body: ProjectIn) -> ProjectOut:
    data = body.model_dump(exclude={"sections", "investment_yuan"})
    data["investment_fen"] = round(body.investment_yuan * 100)
    role = agency(call)
    project = await call.domain.draws.setup.activities.create_project(
        role.agency_id, role.person_id, data,
        [(s.number, s.name, round(s.investment_yuan * 100)) for s in body.sections])
    call.noted["project"] = project.id  # the trail names the project made
    return project_out(project, await call.domain.draws.news.views.project_sections(project))


@api.route("GET", "/draws/projects", access=AGENCY, response=ProjectsOut,
           summary="本机构的招标项目", tag=TAG)
async def projects(call: Call) -> ProjectsOut:
    found = await call.domain.draws.news.views.agency_projects(agency(call).agency_id)
    return ProjectsOut(projects=[project_out(p, sections) for p, sections in found])


class FormOptionsOut(Model):
    """The lists GD-DRAW's project and activity forms pick from (names, kept as picked)."""

    project_kinds: dict[str, list[str]] = Field(description="招标项目类型：大类 → 类型")
    funding_sources: list[str] = Field(description="资金来源")
    tender_methods: list[str] = Field(description="招标方式")
    organisations: list[str] = Field(description="招标组织形式")
    tenderer_types: list[str] = Field(description="招标人类别")
    media: list[str] = Field(description="公告发布媒体（常用，可另填）")


@api.route("GET", "/draws/form-options", access=AGENCY, response=FormOptionsOut,
           summary="招标项目和抽取活动表单的选项", tag=TAG)
async def options(call: Call) -> FormOptionsOut:
    found = call.domain.draws.setup.drafts.form_options()
    return FormOptionsOut(
        project_kinds={k: list(v) for k, v in found.project_kinds.items()},
        funding_sources=list(found.funding_sources), tender_methods=list(found.tender_methods),
        organisations=list(found.organisations), tenderer_types=list(found.tenderer_types),
        media=list(found.media))
