"""`expertbot reencrypt [--after ID] [--batch N]`: every ID number and phone sealed (again)
with the current SM4 key (services/people/reencrypt.py), online and resumable; prints its progress
and, at the end, how many rows still wait (0 once done). Exit status 0, 2 if it could not
run."""

from __future__ import annotations

import argparse
import asyncio

from config.settings import make_vault, settings_or_exit


def cmd_reencrypt(args: argparse.Namespace) -> None:
    asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> None:
    from config.db.database import database
    from services.people import Reencryption

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    vault = make_vault(settings)
    async with database(settings.for_batch_work()):
        before = await Reencryption.remaining(vault)
        print(f"{before} people whose ID number or phone waits for SM4 key {vault.version}")
        done = await Reencryption.reencrypt(
            vault, after=args.after, batch=args.batch, progress=lambda p: print(
                f"  {p.rewritten} ID numbers sealed again, {p.already} already current, "
                f"{p.phones} phones sealed, up to id {p.last_id}", flush=True))
        left = await Reencryption.remaining(vault)
    print(f"done: {done.rewritten} ID numbers, {done.phones} phones, {done.factors} "
          f"second-factor secrets and {done.seeds} draw seeds sealed, {done.hashes} ID "
          "lookup hashes made with HMAC-SM3; "
          f"{left} still to do"
          + (f" (resume with --after {done.last_id})" if left else ""))


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("reencrypt",
                            help="seal every ID number and phone with the current SM4 key")
    parser.add_argument("--after", type=int, default=0, help="resume after this person id")
    parser.add_argument("--batch", type=int, default=500, help="rows a transaction")
    parser.set_defaults(func=cmd_reencrypt)
