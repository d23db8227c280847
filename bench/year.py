"""A year on a clock the service does not control: `python -m bench.year` walks the real
service through twelve months from 1 December 2026 (tests/support/year/: the draws, the
政府采购 starts around 元旦, 春节, 劳动节 and 国庆 with their 调休 days, records, fees and tax by
month, the bill checks, a sanction, an expert who leaves, the relatives asked in January,
the retention) on SQLite and an embedded Redis, as the test suite builds the service, and
prints the table of what ran and broke each month. It runs the suite's year test
(tests/year/test_year.py) with twelve months, so that the bench and the CI's short year are
one code path.

    python -m bench.year                      # twelve months, the 2027 notice entered on 29 Dec
    python -m bench.year --months 6
    python -m bench.year --calendar missing   # the 2027 notice never entered
    python -m bench.year --no-daily           # without the draw of every working day"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/year/test_year.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--calendar", choices=("entered", "missing"), default="entered",
                        help="whether the administrator enters the 2027 notice on 29 December")
    parser.add_argument("--no-daily", action="store_true",
                        help="only the month's own draws, not one every working day besides")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(EXPERTBOT_YEAR_MONTHS=str(args.months), EXPERTBOT_YEAR_CALENDAR=args.calendar,
               EXPERTBOT_YEAR_DAILY="0" if args.no_daily else "1")
    started = time.monotonic()
    # no test timeout: a year takes minutes; -s shows the table the test prints
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:randomly", "-p",
         "no:logging", "-q", "-s", "-o", "timeout=0", TEST],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    took = time.monotonic() - started
    table = [line for line in run.stdout.splitlines() if line.startswith("|")]
    print(f"months={args.months} calendar_2027={args.calendar} daily={not args.no_daily} "
          f"from=2026-12-01 "
          f"wall={took:.0f}s (SQLite + embedded Redis)\n")
    print("\n".join(table) if table else run.stdout[-4000:] + run.stderr[-2000:])
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
