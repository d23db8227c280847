"""Settings as a process loads them: from the environment (and SECRETS_DIR), development's
secrets filled in from var/dev-secrets.json, the vault they make, and the roles that need a
second factor; a configuration error names the variable."""

from __future__ import annotations

import binascii
import json
import os
import sys

from config.dev_secrets import PAY_SECRET_NAMES, generate_pay_secrets, generate_secrets
from config.settings.core import Settings, SettingsError
from models.orm import sealing
from models.people import Role
from services.common.pii import Vault, parse_sm4_keys


def settings_or_exit(fill_dev_secrets: bool = False) -> tuple[Settings, dict[str, str]]:
    """load_settings for a command: a configuration error is printed and exits with 2."""
    try:
        return load_settings(fill_dev_secrets=fill_dev_secrets)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def load_settings(fill_dev_secrets: bool = False) -> tuple[Settings, dict[str, str]]:
    """Settings from the environment; in development, missing secrets come from
    var/dev-secrets.json.

    Returns the settings and the secrets that were filled in (to print them once).
    """
    # SECRETS_DIR: a directory of key files named as the variables (ID_ENCRYPTION_KEY,
    # SM4_KEYS, SECRET_KEY, ...; e.g. mounted secrets); the environment wins over a file
    settings = Settings(_secrets_dir=os.environ.get("SECRETS_DIR") or None)
    if settings.is_production or not fill_dev_secrets:
        return settings, {}
    path = settings.var_dir / "dev-secrets.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    fresh = generate_secrets()
    changed = False
    if any(name not in stored for name in PAY_SECRET_NAMES):
        # the merchant and the fake gateway are one set of matching keys: made (RSA key
        # generation is slow) only when missing, and then all together
        stored.update(generate_pay_secrets())
        changed = True
    for name, value in fresh.items():
        if name not in stored:
            stored[name] = value
            changed = True
    if changed:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        os.chmod(path, 0o600)
    filled = {k: v for k, v in stored.items() if not getattr(settings, k.lower())}
    if filled:
        settings = settings.model_copy(update={k.lower(): v for k, v in filled.items()})
    return settings, filled


def make_vault(settings: Settings) -> Vault:
    """The vault of these settings, installed as the models' sealer (phones); a SettingsError
    naming a malformed key."""
    try:
        vault = Vault(settings.id_encryption_key, parse_sm4_keys(settings.sm4_keys))
    except (ValueError, binascii.Error) as exc:
        raise SettingsError(f"ID_ENCRYPTION_KEY / SM4_KEYS: {exc}") from None
    sealing.install(vault)
    return vault


def second_factor_roles(text: str) -> frozenset[Role]:
    """DESK_2FA_ROLES: a SettingsError naming a role that does not exist."""
    try:
        return frozenset(Role(r.strip()) for r in text.split(",") if r.strip())
    except ValueError as exc:
        raise SettingsError(f"DESK_2FA_ROLES: {exc}") from None
