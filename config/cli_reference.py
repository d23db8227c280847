"""`expertbot import-regions [FILE]`: the administrative divisions into the database (the
list this release ships without FILE). Exit status 0 done, 2 a file it cannot read."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from config.settings import Settings, settings_or_exit


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `import-regions` to the `expertbot` command's subcommands."""
    parser = sub.add_parser("import-regions", help="load or update the administrative "
                            "divisions (GB/T 2260)")
    parser.add_argument("file", nargs="?", metavar="FILE", default=None,
                        help="CSV (code,name) or JSON; default: the list this release ships")
    parser.set_defaults(func=cmd_import_regions)


def cmd_import_regions(args: argparse.Namespace) -> None:
    from config.database import database
    from config.logging_setup import setup_logging
    from services.reference.regions import (
        REFRESH,
        import_regions,
        parse_regions,
        shipped_data,
    )

    settings, _ = settings_or_exit()
    setup_logging(settings.log_level, settings.logs_as)
    try:
        data = parse_regions(Path(args.file).read_bytes(), args.file) if args.file \
            else shipped_data()
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

    async def run() -> str:
        async with database(settings.for_batch_work()):
            counts = await import_regions(data, datetime.now(UTC))
        return (f"regions: {counts.added} added, {counts.renamed} renamed or restored, "
                f"{counts.retired} retired (kept for old records), {counts.unchanged} "
                f"unchanged; running processes read it within {REFRESH.seconds // 60} minutes")

    try:
        print(asyncio.run(run()))
    except ValueError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


async def seed_reference(settings: Settings) -> bool:
    """The shipped region list into an empty table (`expertbot migrate`); whether it did."""
    from config.database import database
    from services.reference.regions import seed_regions

    async with database(settings):
        return await seed_regions(datetime.now(UTC))
