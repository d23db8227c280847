"""`expertbot import-experts FILE.xlsx [--dry-run]`: an existing expert register moved in,
checked row by row (every refused row printed with its row and column, never an ID
number), then imported in chunks; running it again updates, and an import that stopped
resumes. `expertbot import-experts --template OUT.xlsx` writes the empty register.
Exit status 0 done (every row good), 1 done with refused rows, 2 a file it cannot read."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from config.settings import settings_or_exit


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("import-experts", help="check and import an existing expert "
                            "register (Excel), or write its template")
    parser.add_argument("file", nargs="?", metavar="FILE", default=None)
    parser.add_argument("--dry-run", action="store_true",
                        help="check every row and say what would be done; store nothing")
    parser.add_argument("--template", metavar="OUT", default=None,
                        help="write the empty register with its header and an example row")
    parser.set_defaults(func=cmd_import_experts)


def cmd_import_experts(args: argparse.Namespace) -> None:
    from config.db.database import database
    from config.observability.logging_setup import setup_logging
    from config.settings import make_vault
    from models.experts import RegisterImport
    from services.common.errors import BadInput, DomainError
    from services.common.files import DiskStore
    from services.common.texts import Texts
    from services.people import People
    from services.people.register import PROBLEMS_KEPT, RegisterImports
    from services.reference import Reference

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    setup_logging(settings.log_level, settings.logs_as)
    texts = Texts(settings.texts_dir)
    if args.template:
        Path(args.template).write_bytes(RegisterImports.template(texts.render(
            "documents/register_template.j2")))
        print(f"wrote {args.template}")
        return
    if not args.file:
        print("name the register to import (or --template OUT.xlsx)", file=sys.stderr)
        raise SystemExit(2)
    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None

    def progress(run: RegisterImport) -> None:
        print(f"  {run.done}/{run.total} rows", file=sys.stderr)

    async def run() -> int:
        async with database(settings.for_batch_work()):
            # the regions and the catalogue the rows are read with
            await Reference.snapshots.load_reference()
            people = People(make_vault(settings), password_cost=settings.password_cost)
            imports = RegisterImports(people, DiskStore(settings.var_dir / "files"))
            started = await imports.start(raw, Path(args.file).name, args.dry_run, None,
                                          datetime.now(UTC))
            if started.done:
                print(f"resuming the import stopped at row {started.done}", file=sys.stderr)
            done = await imports.run(started.id, lambda: datetime.now(UTC), progress)
        for p in done.problems:
            words = texts.error(BadInput(p["code"], **p["params"]))
            print(f"row {p['row']}, {p['column']}: {words}")
        if len(done.problems) >= PROBLEMS_KEPT:
            print(f"... only the first {PROBLEMS_KEPT} problems are listed")
        verb = "would be" if done.dry_run else "were"
        print(f"{done.total} rows: {done.created} experts {verb} created, {done.updated} "
              f"{verb} updated, {done.refused} refused"
              + (" (checked only: nothing stored)" if done.dry_run else ""))
        return 1 if done.refused else 0

    try:
        raise SystemExit(asyncio.run(run()))
    except DomainError as exc:  # not a table
        print(texts.error(exc), file=sys.stderr)
        raise SystemExit(2) from None
