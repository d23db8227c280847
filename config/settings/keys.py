"""The keys and the desks' sign-in: the HMAC key, the keys of personal data at rest, the roles
with a second factor, the password period and cost. One concept of the service's settings,
composed by config/settings/core.py."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings


class KeySettings(BaseSettings):
    """Keys and sign-in: the service's secrets and the desks' second factor."""

    secret_key: str = Field(
        "", validation_alias="SECRET_KEY",
        description="HMAC key of QR scenes and signed links (generated in development)")
    id_encryption_key: str = Field(
        "", validation_alias="ID_ENCRYPTION_KEY",
        description="a 32-byte key (base64) for ID numbers and phones at rest: SM4 key 1 is "
                    "derived from it (unless `SM4_KEYS`), the lookup hash's key too, and it "
                    "opens what was sealed with AES-256-GCM before SM4 (generated in "
                    "development)")
    sm4_keys: str = Field(
        "", validation_alias="SM4_KEYS",
        description="SM4 keys by version, `1:<base64 16 bytes>,2:<...>`: the highest seals, "
                    "all open; after adding one run `expertbot reencrypt`. Empty: version 1 "
                    "derived from `ID_ENCRYPTION_KEY`")
    key_rotate_by: str = Field(
        "", validation_alias="KEY_ROTATE_BY",
        description="when keys that carry no date of their own are to be replaced, with who "
                    "recorded it and when: a JSON object by key, each "
                    "`{\"until\": \"2027-06-30\", \"by\": \"王工\", \"on\": \"2026-11-29\"}`; "
                    "keys: `sm4` (the sealing SM4 key), `federation` "
                    "(`FEDERATION_PRIVATE_KEY`), `evaluation` (`EVALUATION_PRIVATE_KEY`), "
                    "`unified_identity` (`UNIFIED_IDENTITY_CLIENT_SECRET`), `wechatpay_cert` "
                    "(the merchant API certificate, when `WECHATPAY_CERT` is not given). The "
                    "administrator's home page and `expertbot doctor` warn 30 and 7 days "
                    "before and once past (docs/security.md)")
    desk_2fa_roles: str = Field(
        "admin,security_admin,audit_admin,verifier,finance", validation_alias="DESK_2FA_ROLES",
        description="desk roles whose console sign-in takes a second factor after the "
                    "password: a code from an authenticator app (TOTP, enrolled with a QR "
                    "code at the first sign-in), an SMS code to the phone on record (after a "
                    "password only), or a one-time recovery code (8, shown once); their "
                    "roles' work is done in the console only (the mini-program API, one "
                    "factor, refuses it and says so)")
    desk_password_days: int = Field(
        90, ge=0, le=3650, validation_alias="DESK_PASSWORD_DAYS",
        description="days a desk person's password lasts: older, the console asks for a new "
                    "one before anything else (0: never)")
    # below the default only in the tests, where hundreds of demo worlds would otherwise
    # spend minutes hashing on purpose
    password_cost: int = Field(
        14, ge=1, le=20, validation_alias="PASSWORD_SCRYPT_LOG_N",
        description="the cost of a new password hash (scrypt, N = 2^value; each hash says "
                    "its own, so a changed value applies to passwords set afterwards); below "
                    "14 only with `EXPERTBOT_ENV=test`, where the suite uses 4")
