"""An applicant's applications as the status page shows them, in one statement (the
the applicant's status is a hot read): each application with its batch, its attachments and
its review log; the latest application with the reviewers' last decision, as the chat tells
it; an application with its applicant, as its form is printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.applications import Application, Attachment, Batch, ReviewAction
from models.orm.statements import columns, json_rows, model_from, models_in, rows
from models.people import Person
from services.applicants.attachments import Attachments
from services.applicants.form_limits import BatchLimits
from services.applicants.review import DECISIONS


@dataclass(frozen=True)
class ApplicationFile:
    application: Application  # its batch loaded: application.batch
    attachments: list[Attachment]
    log: list[ReviewAction]


async def latest_of(person_id: int) -> Application | None:
    """The person's latest application, its batch loaded."""
    return await Application.filter(person_id=person_id).order_by("-id").prefetch_related(
        "batch").first()


@dataclass(frozen=True)
class Progress:
    application: Application  # its batch loaded
    decision: ReviewAction | None  # the reviewers' last decision (approve, return, reject)


@dataclass(frozen=True)
class PrintedForm:
    application: Application  # its batch loaded
    applicant: Person


@dataclass(frozen=True)
class ApplicationReads:
    """An applicant's applications, their progress and their printed form; its parts hold
    the attachments' rules (which a draw's evidence follows too) and the limits a batch's
    rule set holds a form to."""

    # stateless parts, default instances: the draw's evidence reaches them from the class
    attachments: Attachments = field(default=Attachments())
    form_limits: BatchLimits = field(default=BatchLimits())

    @staticmethod
    async def applications_of(person_id: int) -> list[ApplicationFile]:
        """The person's applications, newest first."""
        found = await rows(
            f"SELECT {columns(Application, 'a')}, {columns(Batch, 'b')}, "
            f"{json_rows(Attachment, 'x.application_id = a.id')} AS attachments, "
            f"{json_rows(ReviewAction, 'x.application_id = a.id')} AS log "
            "FROM application a JOIN batch b ON b.id = a.batch_id WHERE a.person_id = ? "
            "ORDER BY a.id DESC", person_id)
        out = []
        for row in found:
            application, batch = model_from(Application, row, "a"), model_from(Batch, row, "b")
            assert application is not None and batch is not None
            object.__setattr__(application, "_batch", batch)  # as tortoise's select_related does
            out.append(ApplicationFile(application, models_in(Attachment, row["attachments"]),
                                       models_in(ReviewAction, row["log"])))
        return out

    @staticmethod
    async def progress_of(person_id: int) -> Progress | None:
        """Where the person's latest application stands (审核进度); None: they have none."""
        app = await latest_of(person_id)
        if app is None:
            return None
        decision = await ReviewAction.filter(application_id=app.id, action__in=list(DECISIONS)
                                             ).order_by("-id").first()
        return Progress(app, decision)

    @staticmethod
    async def form_of(app_id: int, person_id: int | None = None) -> PrintedForm | None:
        """An application and its applicant, for the form as printed
        (services.documents.form_sheet); `person_id`: only this person's. None: no such
        application."""
        found = Application.filter(id=app_id)
        if person_id is not None:
            found = found.filter(person_id=person_id)
        app = await found.prefetch_related("batch").first()
        if app is None:
            return None
        return PrintedForm(app, await Person.get(id=app.person_id))
