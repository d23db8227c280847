"""Moving an existing register in: N experts (default 50,000) in one Excel sheet, checked
(dry run), imported, and imported again (every row an update), on PostgreSQL
(BENCH_DATABASE_URL) or, with --sqlite FILE, on SQLite. Prints a table: seconds, rows a
second and the process's peak resident memory after each step.

    python -m bench.register [--rows 50000] [--sqlite /tmp/bench.sqlite3]
"""

from __future__ import annotations

import io
import os
import resource
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import REDIS_URL, SECRETS, main_over_rows

TABLES = ("expert_avoid_unit", "expert_specialty", "expert_profile", "role_grant", "person",
          "work_unit", "register_import")


def sheet(rows: int) -> bytes:
    """The register: one row an expert, a unit per 20 experts, 4 regions, 6 specialties."""
    from openpyxl import Workbook

    from services.demo_codes import demo_credit_code, demo_id
    from services.people.register.rows import COLUMNS

    book = Workbook(write_only=True)
    page = book.create_sheet("专家名册")
    page.append(list(COLUMNS.values()))
    regions = ["广东省广州市天河区", "韶关市", "440203", "汕头市金平区"]
    specialties = ["A0401", "A0402", "A0101", "A050201", "A0901", "C0301"]
    for n in range(rows):
        born = date(1960, 1, 1) + timedelta(days=n % 9000)
        page.append([f"专家{n}", demo_id("440104", born, n // 9000, n % 2 == 0),
                     f"13{n % 10}{n:08d}"[:11], f"BENCH-{n:06d}", f"测试单位{n // 20}",
                     demo_credit_code(n // 20), regions[n % 4], "广州市、韶关市",
                     specialties[n % 6], specialties[(n + 1) % 6], "高级工程师", "副高", "",
                     "在库", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(rows: int, url: str) -> list[list[str]]:
    from tortoise import connections

    from config.db.database import database, run_migrations
    from config.settings import Settings, make_vault
    from services.common.files import DiskStore
    from services.people.persons import People
    from services.people.register.imports import RegisterImports

    os.environ.update(SECRETS)
    settings = Settings(_env_file=None, env="test", database_url=url,  # type: ignore[call-arg]
                        redis_url=REDIS_URL).for_batch_work()  # as the job
    await run_migrations(settings, echo=False)
    out: list[list[str]] = []
    t = time.perf_counter()
    raw = sheet(rows)
    out.append(["write the sheet", f"{time.perf_counter() - t:.1f}", "",
                f"{len(raw) / 1e6:.1f} MB", f"{peak_mb():.0f}"])
    async with database(settings):
        for name in TABLES:
            await connections.get("default").execute_script(f"DELETE FROM {name}")
        with tempfile.TemporaryDirectory() as files:
            imports = RegisterImports(People(make_vault(settings)),
                                      DiskStore(Path(files)))
            for step, dry in (("dry run (check every row)", True), ("import", False),
                              ("import again (all updates)", False)):
                t = time.perf_counter()
                started = await imports.start(raw, "bench.xlsx", dry, None, datetime.now(UTC))
                done = await imports.run(started.id, lambda: datetime.now(UTC))
                took = time.perf_counter() - t
                out.append([step, f"{took:.1f}", f"{done.total / took:,.0f}",
                            f"{done.created} new, {done.updated} updated, "
                            f"{done.refused} refused", f"{peak_mb():.0f}"])
    return out


def main() -> None:
    main_over_rows(run, ["step", "seconds", "rows/s", "result", "peak RSS (MB)"])


if __name__ == "__main__":
    main()
