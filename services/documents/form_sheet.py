"""The application form as it is printed and signed (seed 001: 申请和资格审查表, "导出 pdf
文件，打印后经本人签字、所在单位盖章后扫描"; seed 000: 资格审查表): one list of sections, read
by the printable page (web/templates/review_form.html) and by its PDF
(services/documents/pdf.py), so the two never say different things. Phone and ID number are
masked, as everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from models.applications import Application
from models.people import Person
from services.applicants.form import ApplicationDraft
from services.common.clock import china_time
from services.common.pii import mask_phone
from services.reference.catalogue import catalogue, region_name

TITLE = "评标专家申请和资格审查表"
PROMISE = "本人承诺以上信息真实、准确、完整。"
SIGN = ("本人签字", "单位盖章", "日期")


@dataclass(frozen=True)
class Section:
    title: str
    header: tuple[str, ...] | None  # a table's column heads; None: label and value pairs
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class Sheet:
    batch: str
    app_id: int
    printed: str
    sections: list[Section]


def _yes(value: bool | None, yes: str, no: str) -> str:
    return "" if value is None else (yes if value else no)


def sheet(app: Application, person: Person) -> Sheet:
    """The form of one application (its batch prefetched), as the reviewers will read it."""
    form = ApplicationDraft.model_validate(app.data)
    cat = catalogue()
    titles = "；".join([f"{form.title_name or ''}（{form.title_level or ''}）"] + [
        f"{t.name}（{t.level}）" for t in form.more_titles])
    practice = (f"{form.practice_specialty} {cat.path_name(form.practice_specialty)}"
                if form.practice_specialty else "")
    basics = Section("基本信息", None, [
        ("姓名", person.name), ("性别", "男" if person.gender == "M" else "女"),
        ("出生年份", f"{person.birth_year}年"), ("政治面貌", form.political_status or ""),
        ("身份证号", person.id_masked), ("手机号", mask_phone(person.phone)),
        ("所在市州", region_name(form.region or "")), ("电子邮箱", form.email or ""),
        ("工作单位", form.work_unit or ""), ("统一社会信用代码", form.unit_credit_code or ""),
        ("职称", titles), ("从事专业类别", practice),
        ("从事专业年限", "" if form.practice_years is None else f"{form.practice_years}年"),
        ("是否接受远程异地评标", _yes(form.remote_ok, "是", "否")),
        ("是否愿意成为应急专家", _yes(form.emergency_ok, "是", "否"))])
    avoid = [(form.work_unit or "", form.unit_credit_code or "", "本人工作单位")] + [
        (u.name, u.credit_code or "", u.reason) for u in form.avoid_units]
    return Sheet(batch=app.batch.name, app_id=app.id,
                 printed=china_time(app.printed_at or datetime.now(UTC)), sections=[
        basics,
        Section("工作经历", ("起止", "单位", "职务"), [
            (f"{w.start} — {w.end or '至今'}", w.unit, w.position) for w in form.work_history]),
        Section("学历", ("学校", "专业", "学历", "毕业"), [
            (e.school, e.major, e.degree, str(e.graduated)) for e in form.education]),
        Section("执业资格", ("名称", "证书编号"), [
            (q.name, q.number) for q in form.qualifications] or [("无", "")]),
        Section("评标专业", ("代码", "专业", "类别"), [
            (c["code"], cat.path_name(c["code"]), "首选" if c["primary"] else "备选")
            for c in app.specialties]),
        Section("评标实践经验", None, [("评标实践经验", form.evaluation_experience or "无")]),
        Section("回避单位", ("单位", "统一社会信用代码", "原因"), avoid)])
