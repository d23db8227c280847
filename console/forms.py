"""Reading the console's HTML forms into the API's request bodies: text trimmed, lists from
repeated fields, a `datetime-local` value read as China time, and a refusal of the API put
in words that name the fields (InvalidFields)."""

from __future__ import annotations

from typing import Any

from multidict import MultiDictProxy

from miniapp_api.framework import InvalidFields
from services.common.errors import DomainError
from services.common.texts import Texts

CHINA_OFFSET = "+08:00"
def text(form: MultiDictProxy[Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def when(form: MultiDictProxy[Any], name: str) -> str:
    """2026-11-25T09:00 typed in the browser is China time."""
    value = text(form, name)
    return value + CHINA_OFFSET if value and "+" not in value and "Z" not in value else value


def many(form: MultiDictProxy[Any], name: str) -> list[str]:
    return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]


def said(texts: Texts, exc: DomainError) -> str:
    """The refusal in words, each field's problem named."""
    if isinstance(exc, InvalidFields):
        return "；".join(
            f"{texts.render('console/labels.j2', field=p.field.split('.')[0])}："
            f"{texts.error(p.refusal) if p.refusal else p.message}" for p in exc.problems)
    return texts.error(exc)
