"""`expertbot demo`: a documented demo data set, loaded idempotently. Every role has a person
with a sandbox official-account openid (o_demo_*) and mini-program openid (mp_demo_*), so
the simulator and the tests can act as each of them."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from models.people import Agency, Person, Role, RoleGrant, phone_is
from models.wechat import Channel, WeChatIdentity
from services.common.files import FileStore
from services.common.pii import mask_phone
from services.demo_codes import demo_credit_code, demo_id
from services.demo_draws import load_draw_pool, load_fee_standard
from services.people import NewPerson, People

DEMO_PASSWORD = "Demo2026ok"
AGENCY = ("广州市示例招标代理有限公司", "91440101MA5DEMO001")


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    role: Role | None
    id_number: str
    phone: str
    migrated: bool = False
    expert_number: str | None = None
    scope: tuple[str | None, str | None, str | None] = (None, None, None)  # level, region, industry

    @property
    def openid(self) -> str:
        return f"o_demo_{self.key}"

    @property
    def mp_openid(self) -> str:
        return f"mp_demo_{self.key}"


DEMO_PEOPLE = [
    DemoPerson("applicant", "王晓明", Role.APPLICANT,
               demo_id("440106", date(1985, 3, 12), 11, True), "13800000001"),
    DemoPerson("expert", "李建国", Role.EXPERT, demo_id("440104", date(1972, 8, 3), 21, True),
               "13800000002", expert_number="GD-ZJ-000001"),
    DemoPerson("agency_legal", "张丽华", Role.AGENCY_LEGAL,
               demo_id("440103", date(1978, 11, 20), 31, False), "13800000003"),
    DemoPerson("handler", "陈志强", Role.AGENCY_HANDLER,
               demo_id("440111", date(1990, 6, 8), 41, True), "13800000004"),
    DemoPerson("reviewer", "刘芳", Role.REVIEWER, demo_id("440105", date(1980, 1, 25), 51, False),
               "13800000005", scope=("city", "4401", "住建")),
    DemoPerson("verifier", "赵敏", Role.VERIFIER, demo_id("440106", date(1988, 9, 9), 61, False),
               "13800000006", scope=(None, "4401", None)),
    DemoPerson("admin", "周平", Role.ADMIN, demo_id("440104", date(1983, 4, 4), 71, True),
               "13800000007"),
    DemoPerson("migrated", "孙卫东", Role.EXPERT, demo_id("440102", date(1966, 12, 1), 81, True),
               "13800000008", migrated=True, expert_number="GD-ZJ-000002"),
    DemoPerson("reviewer_province", "黄建华", Role.REVIEWER,
               demo_id("440104", date(1975, 5, 5), 91, True), "13800000009",
               scope=("province", "44", "住建")),
    DemoPerson("reviewer_final", "吴敏", Role.REVIEWER,
               demo_id("440106", date(1979, 7, 7), 101, False), "13800000010",
               scope=("province", "44", None)),
    # the separated administrators (GB/T 22239-2019 level 3, 三权分立): three people
    DemoPerson("security_admin", "钱安", Role.SECURITY_ADMIN,
               demo_id("440104", date(1984, 2, 14), 111, True), "13800000012"),
    DemoPerson("audit_admin", "孔审", Role.AUDIT_ADMIN,
               demo_id("440106", date(1986, 10, 21), 121, False), "13800000013"),
    # the centre's finance: payments and their reconciliation, invoices, experts' fees
    DemoPerson("finance", "何静", Role.FINANCE, demo_id("440103", date(1985, 3, 8), 131, False),
               "13800000014"),
    # the centre's customer service: answers 人工客服 at the 客服工作台
    DemoPerson("support", "林晓", Role.SUPPORT, demo_id("440105", date(1992, 4, 16), 141, False),
               "13800000015"),
]
VISITOR_OPENID = "o_demo_visitor"
DEMO_OLD_ACCOUNT = "sunweidong"  # the migrated expert's account in the old system (XJ-CE)
# a person on record who has never used WeChat: the visitor can bind to them (绑定, their ID
# number, the code sent to their phone)
UNBOUND = ("郑小雨", demo_id("440103", date(1990, 5, 12), 31, False), "13800000011")


def banner() -> list[str]:
    """The start-up's list of demo users, one line each, as the README's demo table has them:
    every role's person (the migrated expert with the password he must change), the visitor
    and the person on record who never used WeChat. Phones masked, no password."""
    lines = [f"{d.key:<18} {d.name}  {mask_phone(d.phone)}"
             + ("  (migrated: changes the password at first sign-in)" if d.migrated else "")
             for d in DEMO_PEOPLE]
    return [*lines, f"{'—':<18} {VISITOR_OPENID}  (a follower who has not bound)",
            f"{'—':<18} {UNBOUND[0]}  {mask_phone(UNBOUND[2])}  (never used WeChat: "
            f"as {VISITOR_OPENID} send 绑定 and her ID number)"]


async def load_demo(people: People, files: FileStore | None = None,
                    fee_standard: bool = True) -> str:
    """Create the demo rows that do not exist yet; returns a summary line. `fee_standard`:
    publish the example fee standard too (the tests' world leaves it out: what a fee needs
    with and without a standard is theirs to set up)."""
    created = 0
    now = datetime.now(UTC)
    agency, _ = await Agency.get_or_create(credit_code=AGENCY[1], defaults={"name": AGENCY[0]})
    await WeChatIdentity.get_or_create(openid=VISITOR_OPENID, defaults={"subscribed": True})
    if not await Person.exists(phone_is(UNBOUND[2])):
        await people.create(NewPerson(UNBOUND[0], UNBOUND[1], UNBOUND[2], None),
                            password=DEMO_PASSWORD)
    for demo in DEMO_PEOPLE:
        person = await Person.filter(phone_is(demo.phone)).first()
        if person is None:
            person = await people.create(
                NewPerson(demo.name, demo.id_number, demo.phone,
                          f"{demo.key}@example.com"),
                password=None if demo.migrated else DEMO_PASSWORD, migrated=demo.migrated,
                old_account=DEMO_OLD_ACCOUNT if demo.migrated else None)
            created += 1
            if demo.role is not None:
                level, region, industry = demo.scope
                in_agency = demo.role in (Role.AGENCY_LEGAL, Role.AGENCY_HANDLER)
                await RoleGrant.create(
                    person=person, role=demo.role, agency=agency if in_agency else None,
                    expert_number=demo.expert_number, level=level, region=region,
                    industry=industry, valid_from=now if demo.role == Role.AGENCY_HANDLER
                    else None, valid_until=now + timedelta(days=365)
                    if demo.role == Role.AGENCY_HANDLER else None)
        for openid, channel in ((demo.openid, Channel.OFFICIAL_ACCOUNT),
                                (demo.mp_openid, Channel.MINI_PROGRAM)):
            await WeChatIdentity.get_or_create(
                openid=openid, defaults={"channel": channel, "person_id": person.id,
                                         "bound_at": now, "subscribed": True})
    await load_lifecycle(people, now, files)
    await load_draw_pool(people, now)
    if fee_standard:
        await load_fee_standard(now)
    total = len(DEMO_PEOPLE)
    return f"demo data ready: {created} people created, {total - created} already present"


GD_STAGES = [
    {"key": "city_pre", "title": "市州行业部门预审", "level": "city", "by_industry": True},
    {"key": "province_dept", "title": "省行业部门审核", "level": "province", "by_industry": True},
    {"key": "province_review", "title": "省级复审", "level": "province", "by_industry": False},
    {"key": "final", "title": "终审", "level": "province", "by_industry": False},
]
FINANCE_STAGES = [
    {"key": "city_finance", "title": "市县财政初审", "level": "city", "by_industry": False},
    {"key": "province_review", "title": "省级复审", "level": "province", "by_industry": False},
    {"key": "final", "title": "终审", "level": "province", "by_industry": False},
]
EXAM_QUESTIONS = [
    {"id": "1", "kind": "single",
     "text": "依法必须进行招标的项目，评标委员会成员人数为几人以上单数？",
     "options": ["三人", "五人", "七人", "九人"], "answer": "B", "points": 20},
    {"id": "2", "kind": "judge", "text": "评标专家与投标人有利害关系的，应当主动回避。",
     "options": [], "answer": "T", "points": 20},
    {"id": "3", "kind": "multiple", "text": "下列哪些情形评标委员会应当否决投标？",
     "options": ["投标文件未经投标单位盖章和单位负责人签字", "投标联合体没有提交共同投标协议",
                 "投标报价低于成本", "投标文件字体不美观"], "answer": "ABC", "points": 20},
    {"id": "4", "kind": "judge", "text": "评标结果在评标结束前可以向投标人透露。", "options": [],
     "answer": "F", "points": 20},
    {"id": "5", "kind": "single", "text": "招标人应当自收到评标报告之日起几日内公示中标候选人？",
     "options": ["1日", "3日", "5日", "7日"], "answer": "B", "points": 20},
]
DEMO_FORM = {
    "political_status": "群众", "region": "4401", "willing_regions": ["4401", "4406"],
    "work_unit": "广州市示例建筑设计研究院", "unit_credit_code": None,
    "email": "applicant@example.com",
    "remote_ok": True, "emergency_ok": False,
    "work_history": [{"start": "2008-07", "end": None, "unit": "广州市示例建筑设计研究院",
                      "position": "高级工程师"}],
    "education": [{"school": "华南理工大学", "major": "建筑学", "degree": "硕士",
                   "graduated": "2008-06"}],
    "title_name": "高级工程师", "title_level": "副高", "more_titles": [],
    "practice_specialty": "A0401", "practice_years": 17,
    "qualifications": [{"name": "一级注册建筑师", "number": "JZ2012000123"}],
    "specialties": ["A0401", "A0402"], "primary_specialty": "A0401", "avoid_units": [],
    "evaluation_experience": "2016年起参加房屋建筑类项目评标20余次", "notes": None,
}


async def load_lifecycle(people: People, now: datetime, files: FileStore | None = None) -> None:
    """Batches, an exam, an application in review and profiles for the demo experts."""
    from models.applications import Application, AppStatus, Batch, ReviewAction
    from models.experts import ExpertAvoidUnit, ExpertProfile, ExpertSpecialty
    from models.learning.exams import Exam
    from services.reference import Reference

    collect, created = await Batch.get_or_create(name="2026年第二批评标专家征集（广东）", defaults={
        "kind": "collect", "province": "44", "specialty_rule": "xinjiang", "stages": GD_STAGES,
        "apply_from": now - timedelta(days=10), "apply_until": now + timedelta(days=20),
        "review_until": now + timedelta(days=30), "pay_until": now + timedelta(days=40),
        "fee_fen": 35000})
    forever = {"apply_from": now - timedelta(days=1), "apply_until": now + timedelta(days=3650),
               "review_until": now + timedelta(days=3650), "specialty_rule": "xinjiang",
               "province": "44"}
    await Batch.get_or_create(name="专家信息变更（广东）", defaults={
        "kind": "change", "stages": FINANCE_STAGES[1:], **forever})
    await Batch.get_or_create(name="专家异动申请（广东）", defaults={
        "kind": "transfer", "stages": FINANCE_STAGES[1:], **forever})
    await Batch.get_or_create(name="2026年评标专家续聘（广东）", defaults={
        "kind": "renew", "province": "44", "specialty_rule": "hunan",
        "stages": FINANCE_STAGES, "apply_from": now - timedelta(days=5),
        "apply_until": now + timedelta(days=25), "review_until": now + timedelta(days=35)})
    if created:
        await Exam.create(batch_id=collect.id, title="2026年第二批评标专家入库考试",
                          opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
                          duration_minutes=60, pass_score=60, questions=EXAM_QUESTIONS)
    applicant = await Person.get(phone_is("13800000001"))
    form = {**DEMO_FORM, "unit_credit_code": demo_credit_code(1)}
    # the unit the demo applicant picks from the register (HN-APPLY's 单位列表)
    await Reference.units.remember(str(DEMO_FORM["work_unit"]), demo_credit_code(1), "admin", now)
    app, created = await Application.get_or_create(person_id=applicant.id, batch=collect, defaults={
        "kind": "new", "status": AppStatus.IN_REVIEW, "stage": 0, "version": 2, "data": form,
        "region": "4401", "industry": "住建", "submitted_at": now - timedelta(days=1),
        "specialties": [{"code": "A0401", "primary": True, "admitted": None},
                        {"code": "A0402", "primary": False, "admitted": None}]})
    if created:
        await ReviewAction.create(application_id=app.id, version=2, stage_key="city_pre",
                                  stage_title="市州行业部门预审", actor_id=applicant.id,
                                  actor_name=applicant.name, action="submit")
        if files is not None:  # with its files, so a return can be corrected and resubmitted
            await demo_attachments(app.id, files)
    # a paid course 李建国 has enrolled in: `缴费` in chat shows its QR code
    from models.learning.education import Course, Enrollment

    course, made = await Course.get_or_create(title="2026年度评标专家继续教育", defaults={
        "year": 2026, "hours": 24, "study_from": now - timedelta(days=1),
        "study_until": now + timedelta(days=60), "fee_fen": 20000})
    if made:  # its lessons: studied for their minutes, as the server measures them
        from services.education import Courseware

        for title, kind, body, minutes in (
                ("评标专家管理办法解读", "document", "《评标专家和评标专家库管理办法》要点：专家的"
                 "权利与义务、回避情形、考核与清退。", 20),
                ("评标纪律与廉洁要求", "video", "https://example.cn/videos/discipline.mp4", 15)):
            await Courseware.add_lesson(course.id, {"title": title, "kind": kind,
                                                    "body": body, "minutes": minutes})
        # and its test: graded at once, the essay marked by the administrator
        await Exam.create(course_id=course.id, title="2026年度继续教育结业考试",
                          opens_at=course.study_from, closes_at=course.study_until,
                          duration_minutes=30, pass_score=60, questions=[
                              *EXAM_QUESTIONS[:2],
                              {"id": "9", "kind": "essay", "options": [], "answer": "",
                               "text": "结合本课程，简述评标专家应当回避的情形。",
                               "points": 60}])
    expert = await Person.get(phone_is("13800000002"))
    await Enrollment.get_or_create(course=course, person_id=expert.id)
    for seq, phone, number, region, codes in (
            (2, "13800000002", "GD-ZJ-000001", "4401", ["A0401", "A0402"]),
            (3, "13800000008", "GD-ZJ-000002", "4406", ["A0101", "A0102"])):
        person = await Person.get(phone_is(phone))
        profile, created = await ExpertProfile.get_or_create(person_id=person.id, defaults={
            "expert_number": number, "region": region, "willing_regions": [region],
            "work_unit": f"示例工程咨询公司{seq}", "unit_credit_code": demo_credit_code(seq),
            "title_level": "正高", "industry": "住建", "remote_ok": True,
            "migrated": phone == "13800000008"})  # 孙卫东: brought over (XJ-CE's order)
        if created:
            await ExpertSpecialty.bulk_create([ExpertSpecialty(expert_id=profile.id, code=c,
                                                               is_primary=i == 0)
                                               for i, c in enumerate(codes)])
            await ExpertAvoidUnit.create(expert_id=profile.id, unit_name=profile.work_unit,
                                         credit_code=profile.unit_credit_code,
                                         reason="本人工作单位")


# the demo application's files: tiny, but real by their bytes (types are read from them)
DEMO_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
                            "DwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def demo_attachments(app_id: int, files: FileStore) -> None:
    """Every required attachment of the demo application, as if uploaded before it was
    submitted: certificates and forms as PDF, the ID card and photo as images."""
    from models.applications import Attachment
    from services.applicants import ATTACHMENTS

    for kind, spec in ATTACHMENTS.items():
        if not spec.required and kind != "qualification":  # its form names one (一级注册建筑师)
            continue
        data, ext = (DEMO_PNG, "png") if "image/png" in spec.types and \
            "application/pdf" not in spec.types else (DEMO_PDF, "pdf")
        key = f"applications/{app_id}/{kind}-demo"
        await files.put(key, data)
        await Attachment.create(application_id=app_id, kind=kind, filename=f"{spec.title}.{ext}",
                                content_type="image/png" if ext == "png" else "application/pdf",
                                size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                storage_key=key)
