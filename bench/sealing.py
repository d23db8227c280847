"""Personal data at rest moved to the national algorithms on a database of N people (default
50,000) as a release before left it (ID numbers sealed with AES-256-GCM and looked up by an
HMAC-SHA256, phones in clear): what `expertbot migrate` does after the upgrade (phones sealed,
lookup hashes made with HMAC-SM3), then what `expertbot reencrypt` does (ID numbers sealed
with SM4-GCM), then a key rotation (everything sealed again under a new SM4 key version). On
PostgreSQL (BENCH_DATABASE_URL) or, with --sqlite FILE, on SQLite. Prints a table: seconds
and rows a second for each step, and a lookup by phone and by ID number afterwards.

    python -m bench.sealing [--rows 50000] [--sqlite /tmp/bench.sqlite3]
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from datetime import date, timedelta

from bench.common import REDIS_URL, SECRETS, main_over_rows


def aes_sealed(key_b64: str, number: str) -> str:
    """An ID number as the releases before SM4 sealed it."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = base64.b64decode(key_b64)
    aead = AESGCM(hmac.new(key, b"expertbot/id-encryption", hashlib.sha256).digest())
    nonce = os.urandom(12)
    return base64.b64encode(nonce + aead.encrypt(nonce, number.encode(), b"id-number")).decode()


async def run(rows: int, url: str) -> list[list[str]]:
    from tortoise import connections

    from config.db.database import database, run_migrations
    from config.settings import Settings
    from models.people import Person, phone_is
    from services.common.pii import Vault
    from services.demo_codes import demo_id
    from services.people.persons import People
    from services.people.reencrypt import Reencryption

    os.environ.update(SECRETS)
    settings = Settings(_env_file=None, env="test", database_url=url,  # type: ignore[call-arg]
                        redis_url=REDIS_URL).for_batch_work()
    await run_migrations(settings, echo=False)
    key = SECRETS["ID_ENCRYPTION_KEY"]
    vault = Vault(key)
    out: list[list[str]] = []

    def step(name: str, started: float, done: int) -> None:
        took = time.perf_counter() - started
        out.append([name, f"{took:.1f}", f"{done / took:,.0f}", f"{done:,}"])

    async with database(settings):  # installs this vault's keys as the sealer
        db = connections.get("default")
        await db.execute_script("DELETE FROM role_grant; DELETE FROM person")
        t = time.perf_counter()
        numbers = [demo_id("440104", date(1960, 1, 1) + timedelta(days=n % 9000), n // 9000,
                           n % 2 == 0) for n in range(rows)]
        for start in range(0, rows, 1000):
            await Person.bulk_create([Person(
                name=f"专家{n}", id_number_enc=aes_sealed(key, numbers[n]),
                id_number_hash=vault.legacy_lookup_hash(numbers[n]),
                id_masked=numbers[n][:6] + "********" + numbers[n][-4:], gender="M",
                birth_year=1970, phone_clear=f"139{n:08d}")
                for n in range(start, min(start + 1000, rows))])
        step("rows as an older release left them", t, rows)
        t = time.perf_counter()
        step("migrate: phones sealed (SM4-GCM)", t, await Reencryption.seal_clear_phones(vault))
        t = time.perf_counter()
        step("migrate: ID lookup hashes made with HMAC-SM3", t,
             await Reencryption.rehash_ids(vault))
        t = time.perf_counter()
        step("reencrypt: ID numbers sealed (AES -> SM4)", t,
             (await Reencryption.reencrypt(vault)).rewritten)
        rotated = Vault(key, {1: vault._sm4[1], 2: os.urandom(16)})
        t = time.perf_counter()
        done = await Reencryption.reencrypt(rotated)
        step("reencrypt: key rotation (ID numbers + phones)", t, done.rewritten + done.phones)
        people = People(rotated)
        t = time.perf_counter()
        for n in range(0, rows, max(1, rows // 200)):
            assert await Person.filter(phone_is(f"139{n:08d}")).exists()
            assert await people.by_id_number(numbers[n])
        out.append(["lookups afterwards (by phone + by ID number)",
                    f"{(time.perf_counter() - t) / min(rows, 200) * 1000:.2f} ms each", "", ""])
    return out


def main() -> None:
    main_over_rows(run, ["step", "seconds", "rows/s", "rows"])


if __name__ == "__main__":
    main()
