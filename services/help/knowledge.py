"""The knowledge base as it ships: texts/help/knowledge.toml, one `[[entry]]` per 常见问题 or
办理指南, written from the product's own rules. Read and checked once; the administrator
keeps the entries from there (services/help/service.py)."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

FILE = "help/knowledge.toml"


class Kind(StrEnum):
    FAQ = "faq"  # 常见问题: one question, one answer
    GUIDE = "guide"  # 办理指南: a whole process, step by step


class Audience(StrEnum):
    """Who an entry is written for (a person's roles map onto these: services/help/service.py)."""

    ANYONE = "anyone"
    APPLICANT = "applicant"
    EXPERT = "expert"
    AGENCY = "agency"
    REVIEWER = "reviewer"
    VERIFIER = "verifier"
    FINANCE = "finance"


class Process(StrEnum):
    ACCOUNT = "account"
    APPLY = "apply"
    EXAM = "exam"
    PAY = "pay"
    EDUCATION = "education"
    CHANGE = "change"
    DRAW = "draw"
    ANSWER = "answer"
    CHECKIN = "checkin"
    LEAVE = "leave"
    FEES = "fees"
    APPEAL = "appeal"
    CREDIT = "credit"
    PRIVACY = "privacy"
    OTHER = "other"


class EntryText(BaseModel):
    """An entry's words, as shipped or as the administrator edits them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=4, max_length=100)
    audiences: list[Audience] = Field(min_length=1, max_length=7)
    keywords: list[str] = Field(default=[], max_length=20)
    # 相似问法: the same question as other people word it (matched as the title is)
    similar: list[Annotated[str, Field(max_length=80)]] = Field(default=[], max_length=20)
    body: str = Field(min_length=10, max_length=2000)


class ShippedEntry(EntryText):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")
    kind: Kind
    process: Process


def shipped(texts_dir: Path) -> list[ShippedEntry]:
    """The entries of texts/help/knowledge.toml (ValueError when one is malformed or two
    share a key)."""
    with (texts_dir / FILE).open("rb") as fh:
        raw = tomllib.load(fh)
    entries = [ShippedEntry.model_validate(e) for e in raw.get("entry", [])]
    keys = [e.key for e in entries]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{FILE}: a key is used twice")
    return entries
