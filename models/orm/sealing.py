"""The sealer of fields kept encrypted at rest (a person's phone, a draw's seed until it is
revealed): the keys live
outside the database and the models, so the process installs its sealer once at start-up
(config.settings.make_vault does, wherever a vault is made) and the models read through it.
A model read before any sealer is installed is a programming error, never a silent clear
value."""

from __future__ import annotations

from typing import Protocol


class Sealer(Protocol):
    def encrypt(self, value: str, purpose: bytes = ...) -> str: ...

    def decrypt(self, token: str, purpose: bytes = ...) -> str: ...

    def seal_phone(self, phone: str) -> str: ...

    def open_phone(self, token: str) -> str: ...

    def phone_key(self, phone: str) -> str: ...


_installed: list[Sealer] = []


def install(sealer: Sealer) -> None:
    """The sealer every later read and write of a sealed field uses (the last one wins)."""
    _installed[:] = [sealer]


def sealer() -> Sealer:
    if not _installed:
        raise RuntimeError("no sealer installed: make the vault (config.settings.make_vault) "
                           "before reading or writing a sealed field")
    return _installed[0]
