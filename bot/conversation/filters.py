"""Filters decide whether a handler takes a message; a dict result adds handler arguments."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol

from bot.conversation.asking import asks, folded
from bot.conversation.event import Event

_EDGE_PUNCT = " \t\r\n。.!！?？~～，,、；;：:“”\"'‘’【】[]()（）"


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, surrounding punctuation trimmed (unless that
    would leave nothing, so "?" stays "?")."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    trimmed = folded.strip(_EDGE_PUNCT)
    return trimmed or folded


def read_text(ev: Event, content: str) -> None:
    """The push's text as the filters read it: normalized, and folded with its marks; and
    whether it asks something (decided here once, before any handler is tried)."""
    ev.text = normalize(content)
    ev.said = folded(content)
    ev.asking = asks(ev.said)


class Filter(Protocol):
    def __call__(self, ev: Event) -> bool | dict[str, Any]: ...

    def describe(self) -> str:
        """What it takes, for the flows' transition tables."""
        ...


def _words(words: tuple[str, ...] | frozenset[str], most: int = 3) -> str:
    shown = list(words)[:most]
    return " / ".join(shown) + (" …" if len(words) > most else "")


class Text:
    """The whole message is one of the words (normalized), e.g. Text("帮助", "help", "?")."""

    def __init__(self, *words: str) -> None:
        self.said = words
        self.words = frozenset(normalize(w) for w in words)

    def __call__(self, ev: Event) -> bool:
        return ev.msg.has_text and ev.text in self.words

    def describe(self) -> str:
        return _words(self.said)


class Keyword:
    """The message contains one of the words, and asks nothing beyond it (a question about
    the word's subject is the 智能客服's, bot/conversation/asking.py)."""

    def __init__(self, *words: str) -> None:
        self.words = tuple(normalize(w) for w in words)

    def __call__(self, ev: Event) -> bool:
        return ev.msg.has_text and any(
            w in ev.text and not (ev.asking and asks(ev.said, w)) for w in self.words)

    def describe(self) -> str:
        return f"text with {_words(self.words, 2)}"


class Regex:
    """The message matches the pattern (searched in the normalized text); passes `match`."""

    def __init__(self, pattern: str, flags: int = 0, *, label: str = "") -> None:
        self.pattern = re.compile(pattern, flags)
        self.label = label or f"/{pattern}/"

    def describe(self) -> str:
        return self.label

    def __call__(self, ev: Event) -> bool | dict[str, Any]:
        if not ev.msg.has_text:
            return False
        found = self.pattern.search(ev.text)
        return {"match": found} if found else False


class EventIs:
    """The push is one of these event types (lower case: subscribe, unsubscribe, scan, ...)."""

    def __init__(self, *events: str) -> None:
        self.events = frozenset(e.lower() for e in events)

    def __call__(self, ev: Event) -> bool:
        return ev.msg.is_event and ev.msg.event in self.events

    def describe(self) -> str:
        return f"event {_words(tuple(sorted(self.events)))}"


class MenuClick:
    """A click on a menu button whose key is one of `keys`."""

    def __init__(self, *keys: str) -> None:
        self.keys = frozenset(keys)

    def __call__(self, ev: Event) -> bool:
        return ev.msg.is_event and ev.msg.event == "click" and ev.msg.event_key in self.keys

    def describe(self) -> str:
        return f"menu {_words(tuple(sorted(self.keys)))}"


class Scene:
    """A parametric-QR scan (subscribe or SCAN) whose verified scene is of type `kind`;
    passes the decoded `scene`."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __call__(self, ev: Event) -> bool | dict[str, Any]:
        return {"scene": ev.scene} if isinstance(ev.scene, self.kind) else False

    def describe(self) -> str:
        return f"scan of a {self.kind.__name__}"


class BadScene:
    """A scan whose scene failed verification (forged, malformed or unknown); passes
    `scene_error`."""

    def __call__(self, ev: Event) -> bool | dict[str, Any]:
        return {"scene_error": ev.scene_error} if ev.scene_error else False

    def describe(self) -> str:
        return "scan of a bad code"


class MsgType:
    """The message is of one of these types (text, image, voice, video, location, link)."""

    def __init__(self, *types: str) -> None:
        self.types = frozenset(types)

    def __call__(self, ev: Event) -> bool:
        return ev.msg.msg_type in self.types

    def describe(self) -> str:
        return f"any {_words(tuple(sorted(self.types)))}"
