"""Reference data from files: `expertbot import-regions [FILE]` (the administrative
divisions; the list this release ships without FILE) and `expertbot import-catalogue FILE
[--name N] [--dry-run] [--current]` (a specialty catalogue, checked row by row). Exit
status 0 done, 1 rows refused (nothing stored), 2 a file it cannot read."""

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
    catalogue = sub.add_parser("import-catalogue", help="check and load a specialty catalogue "
                               "(Excel or CSV: 代码, 名称, 上级代码, 层级[, 行业主管部门])")
    catalogue.add_argument("file", metavar="FILE")
    catalogue.add_argument("--name", default="", help="the version's name (default: the file's)")
    catalogue.add_argument("--dry-run", action="store_true", help="check only, store nothing")
    catalogue.add_argument("--current", action="store_true",
                           help="make it current once stored")
    catalogue.set_defaults(func=cmd_import_catalogue)


def cmd_import_regions(args: argparse.Namespace) -> None:
    from config.db.database import database
    from config.observability.logging_setup import setup_logging
    from services.reference import REFRESH, Reference

    settings, _ = settings_or_exit()
    setup_logging(settings.log_level, settings.logs_as)
    try:
        data = Reference.regions.parse_regions(Path(args.file).read_bytes(), args.file) \
            if args.file else Reference.regions.shipped_data()
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

    async def run() -> str:
        async with database(settings.for_batch_work()):
            counts = await Reference.regions.import_regions(data, datetime.now(UTC))
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
    from config.db.database import database
    from services.reference import Reference

    async with database(settings):
        return await Reference.regions.seed_regions(datetime.now(UTC))


def cmd_import_catalogue(args: argparse.Namespace) -> None:
    from config.db.database import database
    from config.observability.logging_setup import setup_logging
    from services.common.errors import DomainError
    from services.common.texts import Texts
    from services.reference import Reference

    settings, _ = settings_or_exit()
    setup_logging(settings.log_level, settings.logs_as)
    texts = Texts(settings.texts_dir)
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

    async def run() -> int:
        async with database(settings.for_batch_work()):
            report = await Reference.catalogue_import.import_catalogue(
                raw, Path(args.file).name, args.name, datetime.now(UTC), None,
                dry_run=args.dry_run, make_current=args.current)
        for p in report.problems:
            print(f"row {p.row}, {p.column}: {texts.error(p.error)}")
        if report.problems:
            print(f"{len(report.problems)} problems in {report.rows} rows: nothing stored")
            return 1
        print(f"{report.items} specialties ({report.leaves} selectable, down to level "
              f"{report.depth}): {len(report.added)} new, {len(report.removed)} no longer listed, "
              f"{len(report.renamed)} renamed against the current catalogue; "
              f"{report.held_missing} codes experts hold are not in it")
        if report.version is None:
            print("checked only: nothing stored")
        else:
            state = "current" if args.current else "not current (make it current in the " \
                "console, or run again with --current)"
            print(f"stored as version {report.version}, {state}")
        return 0

    try:
        raise SystemExit(asyncio.run(run()))
    except DomainError as exc:  # the file is not a table
        print(texts.error(exc), file=sys.stderr)
        raise SystemExit(2) from None
