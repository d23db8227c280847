"""JL-GP's title rule (a batch under the Jilin rule): "职称信息中，职称需要选择最小
级；如果没有职称，将执业资格填入“职称信息”；职称附件必须上传".

- Every title is one of the smallest level of the title picker (三级: 高级工程师, not the
  series 工程技术 or the level 副高), and its level is the picker's.
- An applicant without a title says so and enters a practice qualification as the title
  information: no level, no further titles; its certificate is still uploaded as the title's
  (services/applicants/attachments.py counts one per title).
Other batches (HN-APPLY, XJ-SIGNUP) ask for a title as their forms do, and take no
qualification in its place."""

from __future__ import annotations

from services.common.errors import BadInput
from services.people import ApplicationDraft
from services.reference import Reference, SpecialtyRule

TITLE_FIELDS = {"title_name", "title_level", "title_from_qualification", "more_titles"}


def apply_title_rule(draft: ApplicationDraft, rule: SpecialtyRule) -> ApplicationDraft:
    """The draft with its titles' levels as the picker gives them; BadInput saying what to
    fix where a title is not of the smallest level, or a qualification stands in for a title
    where the batch does not allow it."""
    if rule != SpecialtyRule.JILIN:
        if draft.title_from_qualification:
            raise BadInput("title.qualification_not_here")
        return draft
    if draft.title_from_qualification:
        if draft.more_titles:
            raise BadInput("title.qualification_with_titles")
        return draft.model_copy(update={"title_level": None})
    catalogue = Reference.titles()
    update: dict[str, object] = {}
    if draft.title_name:
        level = catalogue.level_of(draft.title_name)
        if level is None:
            raise BadInput("title.not_smallest", name=draft.title_name)
        update["title_level"] = level
    more = []
    for entry in draft.more_titles:
        level = catalogue.level_of(entry.name)
        if level is None:
            raise BadInput("title.not_smallest", name=entry.name)
        more.append(entry.model_copy(update={"level": level}))
    update["more_titles"] = more
    return draft.model_copy(update=update)
