"""Whether a message asks about something rather than names a command: the one place the
dispatcher decides it (before any handler is tried), and the one test a command's keyword
applies, so "信用分是怎么扣的" is a question for the 智能客服 while "信用分" and
"我的信用分" still run the command."""

from __future__ import annotations

import unicodedata

# the marks of a Chinese question: particles, interrogative words, the question mark
MARKERS = ("吗", "么", "嘛", "怎", "咋", "如何", "为何", "为啥", "哪", "啥", "能不能", "可不可以",
           "能否", "是否", "可否", "多久", "多少", "几", "?", "有没有", "是不是")


def folded(text: str) -> str:
    """Full-width to half-width and lower case, punctuation kept (a "？" counts)."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def asks(text: str, beyond: str = "") -> bool:
    """True when `text` (folded) carries a question's mark outside the words `beyond` (a
    command's own keyword: "审核到哪" asks nothing more than the command it names)."""
    rest = text.replace(beyond, " ", 1) if beyond else text
    return any(m in rest for m in MARKERS)
