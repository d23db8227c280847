"""Notification texts: texts/notify/<kind>/ holds chat.j2 (customer-service message),
template.j2 (template message fields, one `key: value` per line after the field's label as
the registered template shows it, `{# 集合时间 #}time1: ...`), subscribe.j2 (mini-program subscribe
message fields, same format) and sms.j2; a kind has the channels it has files for.
Template ids are configuration: WECHAT_TEMPLATES / MINIAPP_TEMPLATES (kind -> id); the
sandbox makes up one per kind."""

from __future__ import annotations

import re
from typing import Any

from bot.wechat.template_fields import fit
from services.common.texts import Texts

CHANNEL_FILES = {"cs": "chat.j2", "template": "template.j2", "subscribe": "subscribe.j2",
                 "sms": "sms.j2", "voice": "voice.j2"}
# a field line: `{# 集合时间 #}time1: {{ gather_at }}` (the label first: a comment at the end
# of a line would take its newline with it)
_KEY_LINE = re.compile(r"^\s*(?:\{#.*?#\})?\s*([a-z_]+[0-9]*)\s*:", re.M)
_LABEL_LINE = re.compile(r"^\s*\{#\s*(.+?)\s*#\}\s*([a-z_]+[0-9]*)\s*:", re.M)


class NotifyTexts:
    def __init__(self, texts: Texts, official_ids: dict[str, str], mini_ids: dict[str, str],
                 sandbox: bool) -> None:
        self.texts = texts
        self._official = official_ids
        self._mini = mini_ids
        self._sandbox = sandbox
        self._kinds = self._scan()

    def _scan(self) -> dict[str, set[str]]:
        kinds: dict[str, set[str]] = {}
        for name in self.texts.names("notify/"):
            _, kind, file = name.split("/", 2)
            for channel, wanted in CHANNEL_FILES.items():
                if file == wanted:
                    kinds.setdefault(kind, set()).add(channel)
        return kinds

    def kinds(self) -> list[str]:
        return sorted(self._kinds)

    def has(self, kind: str, channel: str) -> bool:
        return channel in self._kinds.get(kind, set())

    def template_id(self, kind: str) -> str | None:
        if not self.has(kind, "template"):
            return None
        return self._official.get(kind) or (f"SANDBOX_{kind}" if self._sandbox else None)

    def subscribe_id(self, kind: str) -> str | None:
        if not self.has(kind, "subscribe"):
            return None
        return self._mini.get(kind) or (f"SANDBOX_MP_{kind}" if self._sandbox else None)

    def field_keys(self, kind: str, channel: str) -> list[str]:
        """The field keys a template declares (for registering it in the sandbox)."""
        name = f"notify/{kind}/{CHANNEL_FILES[channel]}"
        source = self.texts.source(name)
        return _KEY_LINE.findall(source)

    def field_labels(self, kind: str, channel: str) -> dict[str, str]:
        """Each field's label (集合时间), as WeChat shows the message."""
        source = self.texts.source(f"notify/{kind}/{CHANNEL_FILES[channel]}")
        return {key: label for label, key in _LABEL_LINE.findall(source)}

    def text(self, kind: str, channel: str, params: dict[str, Any]) -> str:
        return self.texts.render(f"notify/{kind}/{CHANNEL_FILES[channel]}", **params)

    def fields(self, kind: str, channel: str, params: dict[str, Any]) -> dict[str, str]:
        """The typed fields, each shortened to fit its type."""
        out: dict[str, str] = {}
        for line in self.text(kind, channel, params).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                out[key.strip()] = fit(key.strip(), value.strip())
        return out
