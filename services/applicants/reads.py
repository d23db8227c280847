"""An applicant's applications as the status page shows them, in one statement (the
the applicant's status is a hot read): each application with its batch, its attachments and
its review log."""

from __future__ import annotations

from dataclasses import dataclass

from models.applications import Application, Attachment, Batch, ReviewAction
from models.statements import columns, json_rows, model_from, models_in, rows


@dataclass(frozen=True)
class ApplicationFile:
    application: Application  # its batch loaded: application.batch
    attachments: list[Attachment]
    log: list[ReviewAction]


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
