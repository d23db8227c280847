"""Continuing education (继续教育): enrol, pay (the payments issue calls `on_paid`), study
once access opens 2 days after payment, hand in, be graded (待批阅 / 合格 / 不合格), make up
(补学), and get a certificate anyone can check."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from models.education import Course, Enrollment, Grading
from models.experts import ExpertProfile
from models.people import Person
from services.applications import check_window
from services.clock import CHINA, china_time
from services.identity_rules import RuleError
from services.links import Links
from services.outbox import Change, Outbox

ACCESS_DELAY = timedelta(days=2)
MAX_MAKEUPS = 2
CERT_LINK = "certificate"


@dataclass(frozen=True)
class CertificateLinks:
    page: str
    svg: str
    pdf: str
    verify: str


class Education:
    def __init__(self, outbox: Outbox, links: Links, secret: str) -> None:
        self.outbox = outbox
        self.links = links
        self._check_key = hmac.new(secret.encode(), b"expertbot/certificate", hashlib.sha256
                                   ).digest()

    async def own(self, person: Person, enrollment_id: int) -> Enrollment:
        item = await Enrollment.get_or_none(id=enrollment_id, person_id=person.id
                                            ).prefetch_related("course")
        if item is None:
            raise RuleError("没有找到这门课程的报名记录。")
        return item

    async def enroll(self, person: Person, course_id: int, now: datetime) -> Enrollment:
        if not await ExpertProfile.exists(person_id=person.id, active=True):
            raise RuleError("继续教育面向在库专家。")
        course = await Course.get_or_none(id=course_id)
        if course is None:
            raise RuleError("没有这门课程。")
        if now > course.study_until:
            raise RuleError(f"该课程的学习时间已经结束（{china_time(course.study_until)}）。")
        try:
            item = await Enrollment.create(course=course, person_id=person.id)
        except IntegrityError:
            raise RuleError("您已报名这门课程。") from None
        if course.fee_fen == 0:  # free: open at once
            item.paid_at, item.access_from = now, now
            await item.save(update_fields=["paid_at", "access_from"])
        return item

    async def on_paid(self, enrollment_id: int, paid_at: datetime,
                      change: Change | None = None) -> None:
        """The payment hook: the course opens two days after the fee is paid (inside the
        payment's own transaction when `change` is given)."""
        if change is None:
            async with self.outbox.change(paid_at) as own:
                return await self.on_paid(enrollment_id, paid_at, own)
        item = await Enrollment.select_for_update().get(id=enrollment_id)
        if item.paid_at is not None:
            return None
        item.paid_at, item.access_from = paid_at, paid_at + ACCESS_DELAY
        await item.save(update_fields=["paid_at", "access_from"])
        course = await Course.get(id=item.course_id)  # type: ignore[attr-defined]
        await change.notify("course.paid", {"course": course.title,
                                            "opens": china_time(item.access_from),
                                            "at": china_time(paid_at)},
                            person_id=item.person_id)
        return None

    def _open(self, item: Enrollment, now: datetime) -> None:
        if item.paid_at is None:
            raise RuleError("请先缴纳课程费用，缴费2日后开放学习。")
        assert item.access_from is not None
        if now < item.access_from:
            raise RuleError(f"课程将于 {china_time(item.access_from)} 开放学习（缴费2日后）。")
        check_window(item.course.study_from, item.course.study_until, now, "学习")

    async def study(self, item: Enrollment, progress: int, now: datetime) -> Enrollment:
        self._open(item, now)
        if item.grading in (Grading.PENDING, Grading.PASSED):
            raise RuleError("已提交批阅，无需继续学习。")
        item.progress = max(item.progress, min(progress, 100))
        await item.save(update_fields=["progress"])
        return item

    async def hand_in(self, item: Enrollment, now: datetime) -> Enrollment:
        self._open(item, now)
        if item.progress < 100:
            raise RuleError(f"学习进度为 {item.progress}%，学完全部内容后才能提交批阅。")
        if item.grading in (Grading.PENDING, Grading.PASSED):
            raise RuleError("已经提交过了。")
        item.grading = Grading.PENDING
        await item.save(update_fields=["grading"])
        return item

    async def grade(self, enrollment_id: int, passed: bool, now: datetime) -> Enrollment:
        async with self.outbox.change(now) as change:
            item = await Enrollment.select_for_update().get(id=enrollment_id)
            if item.grading != Grading.PENDING:
                raise RuleError("这份作业不在待批阅状态。")
            course = await Course.get(id=item.course_id)  # type: ignore[attr-defined]
            item.grading = Grading.PASSED if passed else Grading.FAILED
            params = {"course": course.title, "at": china_time(now)}
            if passed:
                item.completed_at = now
                item.certificate_no = f"JX{now.astimezone(CHINA).year}{item.id:06d}"
                params["certificate_no"] = item.certificate_no
                params["link"] = self.links_for(item).page
                await change.notify("course.passed", params, person_id=item.person_id)
            else:
                params["makeups_left"] = MAX_MAKEUPS - item.makeups
                params["until"] = china_time(course.study_until)
                await change.notify("course.failed", params, person_id=item.person_id)
            await item.save(update_fields=["grading", "completed_at", "certificate_no"])
        return item

    async def makeup(self, item: Enrollment, now: datetime) -> Enrollment:
        """补学: study again after a 不合格 (at most twice, within the study window)."""
        if item.grading != Grading.FAILED:
            raise RuleError("只有批阅不合格的课程可以补学。")
        if item.makeups >= MAX_MAKEUPS:
            raise RuleError(f"补学次数已用完（最多{MAX_MAKEUPS}次），请联系管理员。")
        self._open(item, now)
        item.makeups += 1
        item.progress, item.grading = 0, Grading.NONE
        await item.save(update_fields=["makeups", "progress", "grading"])
        return item

    def check_code(self, certificate_no: str) -> str:
        return hmac.new(self._check_key, certificate_no.encode(), hashlib.sha256).hexdigest()[:10]

    def links_for(self, item: Enrollment) -> CertificateLinks:
        assert item.certificate_no is not None
        no = item.certificate_no
        token = self.links.token(CERT_LINK, no, item.person_id, 4_102_444_800)  # until 2100
        base = f"/certificates/{no}"
        return CertificateLinks(page=self.links.address(base, t=token),
                                svg=self.links.address(f"{base}/image.svg", t=token),
                                pdf=self.links.address(f"{base}/certificate.pdf", t=token),
                                verify=self.links.address(f"/verify/certificates/{no}",
                                                          c=self.check_code(no)))
