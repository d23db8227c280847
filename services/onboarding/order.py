"""The order XJ-CE sets for the experts already in the library when the system changed
("因系统升级迭代，请原…评标专家，登录系统后，请点击【专家入库申请】依次检查…查缺补漏对个人
资料进行补充完善…入库类型处，请选择【续聘】"; "审核人员审核通过后，可点击【继续教育】即完成
报名操作。待完成继续教育、考试后再在系统单独【异动申请】评标地州"; "如需变更工作单位、增加
回避单位及申报专业信息待完成继续教育、考试后再在系统单独【修改】"):

1. profile — the renewal application completed and submitted;
2. review — that application approved;
3. education — a continuing-education course completed (its test passed);
then region changes and other changes. Enrolling in a course waits for step 2.

It applies to experts whose profile came from the old system (`ExpertProfile.migrated`); a
step counts once every step before it is done, so what comes next is always the first
missing one. Nothing is stored: the steps are read from the applications and enrolments."""

from __future__ import annotations

from dataclasses import dataclass

from models.applications import AppKind, Application, AppStatus
from models.experts import ExpertProfile
from models.learning.education import Enrollment
from services.common.errors import NotAllowed

STEPS = ("profile", "review", "education")
SUBMITTED = (AppStatus.IN_REVIEW, AppStatus.RETURNED, AppStatus.IN_NOTICE, AppStatus.APPROVED,
             AppStatus.REJECTED)


@dataclass(frozen=True)
class Progress:
    """Where a person stands in the order: `applies` (a migrated expert), the steps done."""

    applies: bool
    done: tuple[str, ...]

    @property
    def next(self) -> str | None:
        """The first step not done (None: nothing holds them)."""
        if not self.applies:
            return None
        return next((s for s in STEPS if s not in self.done), None)


class Onboarding:
    """A migrated expert's order of steps (XJ-CE): how far they are, and the refusal of a
    step taken too early."""

    @staticmethod
    async def progress_of(person_id: int) -> Progress:
        """The person's steps, read from their renewal applications and enrolments."""
        if not await ExpertProfile.exists(person_id=person_id, active=True, migrated=True):
            return Progress(False, STEPS)
        renewals = Application.filter(person_id=person_id, kind=AppKind.RENEWAL)
        done: list[str] = []
        if await renewals.filter(status__in=SUBMITTED).exists():
            done.append("profile")
            if await renewals.filter(status=AppStatus.APPROVED).exists():
                done.append("review")
                if await Enrollment.exists(person_id=person_id, completed_at__isnull=False):
                    done.append("education")
        return Progress(True, tuple(done))

    @staticmethod
    async def require_steps(person_id: int, upto: str, doing: str) -> None:
        """NotAllowed (`steps.in_order`, saying what comes first) unless every step up to and
        including `upto` is done; `doing`: what the person tried (transfer, change,
        education)."""
        progress = await Onboarding.progress_of(person_id)
        missing = progress.next
        if missing is not None and STEPS.index(missing) <= STEPS.index(upto):
            raise NotAllowed("steps.in_order", step=missing, doing=doing)
