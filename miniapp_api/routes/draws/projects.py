"""Tender projects and their sections (招标项目、标段, GD-DRAW): registered by an agency,
drawn for by its activities."""

from __future__ import annotations

from pydantic import Field

from miniapp_api.framework import Api, Call
from miniapp_api.routes.draws.common import AGENCY, TAG, agency
from miniapp_api.schemas import Model
from models.draws import Project, Section
from services.draws import agency_projects, project_sections

api = Api()


class SectionIn(Model):
    number: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=128)


class ProjectIn(Model):
    name: str = Field(min_length=2, max_length=128)
    number: str = Field(default="", max_length=64,
                        description="项目编号（非进场项目如无编号可不填）")
    kind: str = Field(min_length=1, max_length=32, description="工程 / 货物 / 服务")
    region: str = Field(pattern=r"^\d{4,6}$", description="项目所在地区代码")
    funding: str = ""
    approval_no: str = ""
    tender_method: str = "公开招标"
    organisation: str = "委托招标"
    tenderer_type: str = ""
    investment_yuan: float = Field(default=0, ge=0, le=1e12, allow_inf_nan=False)
    tenderer_name: str = Field(min_length=2, max_length=128)
    tenderer_credit_code: str
    contact_name: str = ""
    contact_phone: str = ""
    supervisor_name: str = Field(default="", max_length=128,
                                 description="项目的行政监督部门（其工作人员不会被抽取）")
    supervisor_credit_code: str = Field(default="", max_length=24)
    sections: list[SectionIn] = Field(default_factory=list, description="无标段时留空")


class SectionOut(Model):
    id: int
    number: str
    name: str
    drawn: bool


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


class ProjectsOut(Model):
    projects: list[ProjectOut]


def project_out(project: Project, sections: list[Section]) -> ProjectOut:
    return ProjectOut(id=project.id, name=project.name, number=project.number or "",
                      tenderer_name=project.tenderer_name, kind=project.kind,
                      region=project.region, tenderer_credit_code=project.tenderer_credit_code,
                      supervisor_name=project.supervisor_name,
                      sections=[SectionOut(id=s.id, number=s.number, name=s.name,
                                           drawn=s.activity_id is not None) for s in sections])


@api.route("POST", "/draws/projects", access=AGENCY, body=ProjectIn, response=ProjectOut,
           summary="登记招标项目及标段", tag=TAG)
async def create_project(call: Call, body: ProjectIn) -> ProjectOut:
    data = body.model_dump(exclude={"sections", "investment_yuan"})
    data["investment_fen"] = round(body.investment_yuan * 100)
    role = agency(call)
    project = await call.domain.draw_setup.create_project(
        role.agency_id, role.person_id, data, [(s.number, s.name) for s in body.sections])
    call.noted["project"] = project.id  # the trail names the project made
    return project_out(project, await project_sections(project))


@api.route("GET", "/draws/projects", access=AGENCY, response=ProjectsOut,
           summary="本机构的招标项目", tag=TAG)
async def projects(call: Call) -> ProjectsOut:
    return ProjectsOut(projects=[project_out(p, sections)
                                 for p, sections in await agency_projects(agency(call).agency_id)])
