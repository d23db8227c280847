"""Typed, signed scene strings for parametric QR codes (QR_STR_SCENE, at most 64 characters).

A scene is `kind:field1:field2:...:mac`; the mac is a truncated HMAC-SHA256, so a scene
cannot be forged or altered by someone who saw another one.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
from typing import Any, TypeVar

MAX_SCENE = 64
_MAC_LEN = 12
_TYPES: dict[str, type] = {}

T = TypeVar("T")


class SceneError(ValueError):
    """The scene is malformed, unknown or forged."""


def scene_type(kind: str) -> Any:
    """Class decorator: a frozen dataclass of str/int fields becomes a scene type."""

    def register(cls: type[T]) -> type[T]:
        if kind in _TYPES and _TYPES[kind] is not cls:
            raise ValueError(f"scene kind {kind!r} registered twice")
        cls.KIND = kind  # type: ignore[attr-defined]  # the attribute this decorator adds
        _TYPES[kind] = cls
        return cls

    return register


class SceneCodec:
    """Encodes and verifies scenes with a key derived from SECRET_KEY."""

    def __init__(self, secret: str) -> None:
        self._key = hmac.new(secret.encode(), b"expertbot/qr-scene", hashlib.sha256).digest()

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:_MAC_LEN]

    def encode(self, scene: Any) -> str:
        """The signed scene string; raises ValueError if it would not fit in 64 characters."""
        kind = getattr(type(scene), "KIND", None)
        if (kind is None or _TYPES.get(kind) is not type(scene)
                or not dataclasses.is_dataclass(scene)):
            raise ValueError(f"{type(scene).__name__} is not a registered scene type")
        values = [str(getattr(scene, f.name)) for f in dataclasses.fields(scene)]
        if any(":" in v for v in values):
            raise ValueError("scene fields must not contain ':'")
        body = ":".join([kind, *values])
        out = f"{body}:{self._mac(body)}"
        if len(out) > MAX_SCENE:
            raise ValueError(f"scene is {len(out)} characters, over {MAX_SCENE}")
        return out

    def decode(self, text: str) -> Any:
        """The scene object; raises SceneError for anything not made by `encode`."""
        if not text or len(text) > MAX_SCENE:
            raise SceneError("bad length")
        body, _, mac = text.rpartition(":")
        if not body or not hmac.compare_digest(self._mac(body), mac):
            raise SceneError("bad signature")
        kind, *values = body.split(":")
        cls = _TYPES.get(kind)
        if cls is None:
            raise SceneError(f"unknown kind {kind!r}")
        fields = dataclasses.fields(cls)
        if len(fields) != len(values):
            raise SceneError("wrong field count")
        try:
            kwargs = {f.name: (int(v) if f.type in (int, "int") else v)
                      for f, v in zip(fields, values, strict=True)}
        except ValueError:
            raise SceneError("bad field value") from None
        return cls(**kwargs)


@scene_type("bind")
@dataclasses.dataclass(frozen=True)
class BindScene:
    """Scanning binds the scanner's official-account openid to the ticket's person."""

    ticket: str


@scene_type("ci")
@dataclasses.dataclass(frozen=True)
class CheckinScene:
    """The venue's QR code: scanning checks a confirmed expert of the activity in (or out);
    valid until `until` (unix seconds) and only around the gathering time."""

    activity: int
    until: int
