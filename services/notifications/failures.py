"""Why a notification was not sent, in words an administrator reads. The outbox keeps each
attempt's technical line (for operators and logs); the desk shows what it means
(texts/failures/<key>.j2), with WeChat's and the providers' error codes named."""

from __future__ import annotations

import re

from services.common.texts import Texts

WECHAT = {"cs", "template", "subscribe"}
_CODE = re.compile(r"\b(?:errcode[=: ]*)?(-?\d{4,6})\b")
_CHANNEL = re.compile(r"^(cs|template|subscribe|sms|voice):\s*(.*)$")


def failure_of(line: str) -> tuple[str, dict[str, str]]:
    """The kind of one attempt's error line and the values its words use."""
    if line.startswith("no channel can reach"):
        return "unreachable", {}
    if line.startswith("expired at"):
        return "expired", {}
    if line.startswith("not sent: "):
        return "moot", {}
    if line.startswith("per-recipient rate limit"):
        return "rate_limited", {}
    if line.startswith("re-sent by"):
        return "resent", {}
    if line.startswith("unexpected"):
        return "internal", {}
    channel = _CHANNEL.match(line)
    if channel is not None:
        code = _CODE.search(channel.group(2))
        if "outcome unknown" in channel.group(2):
            return "unknown_outcome", {"channel": channel.group(1)}
        return "channel_refused", {"channel": channel.group(1),
                                   "code": code.group(1) if code else ""}
    return "other", {}


class FailureWords:
    """A failure in words an administrator reads (the part `failures` of Outbox)."""

    @staticmethod
    def failure_words(texts: Texts, line: str | None, channels: str = "") -> str:
        """The words of an error line ("" for none); `channels`: the row's group when it was
        one of several sent at once (an invitation's WeChat row says WeChat could not reach)."""
        if not line:
            return ""
        key, values = failure_of(line)
        if key == "unreachable":
            group = {c for c in channels.split(",") if c}
            values = {"only": "" if not group else "wechat" if group <= WECHAT
                      else next(iter(group)) if len(group) == 1 else ""}
        if "channel" in values:
            values = {**values, "channel": texts.word("channel_kind", values["channel"])}
        if values.get("code"):
            values["meaning"] = texts.word("send_error_code", values["code"])
        return texts.render(f"failures/{key}.j2", **values)

    @staticmethod
    def attempts_words(texts: Texts, errors: str | None, channels: str = "") -> list[str]:
        """Each attempt's error in words, oldest first, the same words said once."""
        out: list[str] = []
        for line in (errors or "").splitlines():
            words = FailureWords.failure_words(texts, line, channels)
            if words and words not in out:
                out.append(words)
        return out
