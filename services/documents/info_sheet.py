"""A formal expert's personal information sheet (个人信息表, XJ-CE: "四. 个人信息变更 1、点击
【下载】可以下载个人信息表"): what the library holds of them — identity (ID number and phone
masked, as on every page), the expert number, regions, unit, titles, specialties,
qualifications, work and education (from the application they were admitted with),
avoidance units and continuing education — as one sheet the PDF of the application form
prints (services/documents/pdf.py)."""

from __future__ import annotations

from datetime import datetime

from models.applications import Application
from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertSpecialty
from models.learning.education import Course, Enrollment
from models.people import Person
from services.common.clock import china_time
from services.common.errors import NotAllowed
from services.common.pii import mask_phone
from services.common.texts import Texts, china_date
from services.documents.form_sheet import Section, Sheet
from services.people import ApplicationDraft
from services.reference import Reference


class InfoSheets:
    """The expert's personal information sheet (the part `info_sheet` of Documents)."""

    @staticmethod
    async def info_sheet(texts: Texts, person: Person, now: datetime) -> Sheet:
        """The sheet of a formal expert (NotAllowed for anyone else)."""
        profile = await ExpertProfile.get_or_none(person_id=person.id, active=True)
        if profile is None:
            raise NotAllowed("people.not_an_expert")

        def w(key: str) -> str:
            return texts.word("document", key)

        def yes(value: bool | None) -> str:
            return "" if value is None else w("yes" if value else "no")

        base = await Application.get_or_none(id=profile.application_id) \
            if profile.application_id else None
        form = ApplicationDraft.model_validate(base.data if base else {})
        cat = Reference.catalogue.catalogue_of(base.catalogue_version if base else None)
        places = Reference.regions()
        title = form.title_name or ""
        level = profile.title_level or form.title_level or ""
        titles = "；".join([f"{title}（{level}）" if title and level else title or level] + [
            f"{t.name}（{t.level}）" for t in form.more_titles])
        basics = Section(w("basics"), None, [
            (w("name"), person.name), (w("gender"), texts.word("gender", person.gender)),
            (w("birth_year"), f"{person.birth_year}{w('years')}"),
            (w("id_number"), person.id_masked), (w("phone"), mask_phone(person.phone)),
            (w("email"), person.email or form.email or ""),
            (w("expert_number"), profile.expert_number),
            (w("political_status"), form.political_status or ""),
            (w("region"), places.full_name(profile.region)),
            (w("willing_regions"), "、".join(places.full_name(c) for c in profile.willing_regions)),
            (w("work_unit"), profile.work_unit), (w("credit_code"), profile.unit_credit_code or ""),
            (w("titles"), titles), (w("industry"), profile.industry or ""),
            (w("remote_ok"), yes(profile.remote_ok)),
            (w("emergency_ok"), yes(profile.emergency_ok))])
        specialties = await ExpertSpecialty.filter(expert_id=profile.id).order_by(
            "-is_primary", "code")
        avoid = await ExpertAvoidUnit.filter(expert_id=profile.id).order_by("id")
        enrolled = await Enrollment.filter(person_id=person.id).order_by("id")
        courses = {c.id: c for c in await Course.filter(id__in=[e.course_id for e in enrolled])}
        none = [(w("none"), "")]
        sections = [
            basics,
            Section(w("specialties"), (w("code"), w("specialty"), w("rank")), [
                (s.code, cat.path_name(s.code), w("primary" if s.is_primary else "alternate"))
                for s in specialties] or none),
            Section(w("qualifications"), (w("q_name"), w("q_number")), [
                (str(q.get("name", "")), str(q.get("number", ""))) for q in profile.qualifications]
                or none),
            Section(w("work_history"), (w("period"), w("unit"), w("position")), [
                (f"{h.start} — {h.end or w('until_now')}", h.unit, h.position)
                for h in form.work_history] or none),
            Section(w("education"), (w("school"), w("major"), w("degree"), w("graduated")), [
                (e.school, e.major, e.degree, str(e.graduated)) for e in form.education] or none),
            Section(w("avoid_units"), (w("unit"), w("credit_code"), w("reason")), [
                (u.unit_name, u.credit_code or "", u.reason) for u in avoid] or none),
            Section(w("continuing_education"),
                    (w("course"), w("hours"), w("grading"), w("certificate_no")), [
                (courses[e.course_id].title, f"{courses[e.course_id].hours}",
                 texts.word("grading", e.grading) + (
                     f"（{china_date(e.completed_at)}）" if e.completed_at else ""),
                 e.certificate_no or "") for e in enrolled] or none)]
        made = china_time(now)
        return Sheet(batch="", app_id=0, printed=made, sections=sections, title=w("info_title"),
                     heading=f"{w('expert_number')} {profile.expert_number} · "
                             f"{w('made_at')} {made}", promise="", sign=())
