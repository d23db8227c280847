"""Paged lists of the administrator's desk: a page of 20 at the start of each list and deep
inside it, at a fixed concurrency against one `expertbot serve` process on PostgreSQL +
Redis (keyset paging: a page costs one index range read however deep it is).

    .venv/bin/python -m bench.lists [--connections 32] [--duration 6] [--rows 5000]

Data (kept between runs): `--rows` each of feedback waiting for an answer, failed
notifications, sanctions, 失信 flags, invoice requests and payment orders. The deep page is
the one after row rows/2, its cursor made as the API makes it. The administrator signs in
as the mini-program does (the two-factor desk roles are off for the run: the API is what is
measured). The tables are analyzed before the run, as autovacuum would have them. Prints a
markdown table; "bad" counts answers other than 200.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.api import LUA, PREFIX, login
from bench.common import (
    BIN,
    ROOT,
    ensure_database,
    flush_redis,
    service_env,
    start,
    stop,
    table,
    wait_ready,
    wrk,
)

LISTS = ("feedback", "notifications", "sanctions", "dishonesty flags", "invoices", "payments")


async def prepare(rows: int) -> dict[str, str]:
    """The rows, made once; the deep cursor of each list."""
    from config.db.database import database
    from config.settings import Settings, make_vault
    from models.dishonesty import DishonestyFlag
    from models.experts import ExpertProfile
    from models.money.payments import Payable, PayOrder
    from models.notifications import Notification
    from models.people import Person, phone_is
    from models.sanctions import Sanction
    from models.wechat import Feedback, WeChatIdentity
    from services.common.paging import encode

    make_vault(Settings())
    async with database(Settings().for_batch_work()):
        payer = await Person.get(phone_is("13800000002"))
        expert = await ExpertProfile.get(person_id=payer.id)
        identity = await WeChatIdentity.get(openid="o_demo_expert")
        now, today = datetime.now(UTC), date.today()
        if await Feedback.filter(content__startswith="压测").count() < rows:
            await Feedback.bulk_create([Feedback(identity_id=identity.id, category="功能建议",
                                                 content=f"压测{n}") for n in range(rows)])
            await Notification.bulk_create([Notification(
                kind="system.test", status="dead", next_attempt_at=now,
                client_msg_id=f"bench{n}", last_error="timeout") for n in range(rows)])
            await Sanction.bulk_create([Sanction(
                expert_id=expert.id, kind="warning", reason="压测", decided_on=today,
                starts_on=today, decided_by=payer.id) for _ in range(rows)])
            await DishonestyFlag.bulk_create([DishonestyFlag(
                expert_id=expert.id, found_at=now - timedelta(minutes=n))
                for n in range(rows)])
            await Payable.bulk_create([Payable(
                person_id=payer.id, kind="bench", ref_id=n, title="压测费用", amount_fen=100,
                paid_at=now, invoice_requested_at=now + timedelta(seconds=n))
                for n in range(rows)])
            payable = await Payable.filter(kind="bench").first()
            await PayOrder.bulk_create([PayOrder(
                payable_id=payable.id if payable else 0, out_trade_no=f"BENCH{n:010d}",
                trade_type="NATIVE", amount_fen=100, status="open", expires_at=now)
                for n in range(rows)])
        # the planner's statistics as autovacuum would keep them (off on some benchmark
        # servers): without them PostgreSQL sorts a whole filtered table for a page
        await Feedback._meta.db.execute_script("ANALYZE")
        half = rows // 2

        async def middle(query: Any, order: tuple[str, ...]) -> str:
            row = await query.order_by(*order).offset(half).first()
            return encode(*(getattr(row, f.lstrip("-")) for f in order))

        return {
            "feedback": await middle(Feedback.filter(answered_at=None), ("-id",)),
            "notifications": await middle(Notification.filter(status="dead"), ("-id",)),
            "sanctions": await middle(Sanction.all(), ("-id",)),
            "dishonesty flags": await middle(DishonestyFlag.all(), ("-found_at", "-id")),
            "invoices": await middle(Payable.filter(
                paid_at__not_isnull=True, invoice_requested_at__not_isnull=True,
                invoice_no=None), ("invoice_requested_at", "id")),
            "payments": await middle(PayOrder.all(), ("-id",)),
        }


PATHS = {"feedback": "/admin/feedback?state=open", "notifications": "/admin/notifications?",
         "sanctions": "/admin/sanctions?view=all", "dishonesty flags":
         "/admin/dishonesty/flags?view=all", "invoices": "/admin/invoices?",
         "payments": "/admin/payments?"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--only", default="", help="run the lists whose name has this")
    args = parser.parse_args()
    api_base, serve_port = f"http://127.0.0.1:{args.port}", args.port + 1
    ensure_database()
    env = service_env(WECHAT_API_BASE=api_base, EXPERTBOT_INPROCESS_WORKER="false",
                      DESK_2FA_ROLES="")
    os.environ.update(env)
    for command in ("migrate", "demo"):
        subprocess.run([str(BIN / "expertbot"), command], env=env, cwd=ROOT, check=True,
                       capture_output=True)
    flush_redis()
    deep = asyncio.run(prepare(args.rows))
    fake = start([sys.executable, "-m", "bench.fake_wechat", "--port", str(args.port),
                  "--users", "0"], env, 1)
    serve = start([str(BIN / "expertbot"), "serve", "--port", str(serve_port)], env, 1)
    results = []
    try:
        wait_ready(args.port, fake)
        wait_ready(serve_port, serve)
        token = login(api_base, serve_port, "mp_demo_admin")
        with tempfile.TemporaryDirectory() as tmp:
            for name in LISTS:
                if args.only not in name:
                    continue
                for where, cursor in (("first page", ""), ("deep page", deep[name])):
                    path = Path(tmp) / "lines.txt"
                    after = f"&after={cursor}" if cursor else ""
                    path.write_text(f"GET\t{PREFIX}{PATHS[name]}&limit=20{after}\t{token}\t\n")
                    wrk(LUA, serve_port, 2, args.connections, 1, {"BENCH_FILE": str(path)})
                    got = wrk(LUA, serve_port, args.duration, args.connections, 1,
                              {"BENCH_FILE": str(path)})
                    results.append([f"{name}: {where} of 20", f"{got['rps']:.0f}",
                                    f"{got['p50']:.1f}", f"{got['p99']:.1f}",
                                    str(int(got["requests"])),
                                    str(int(got["bad"] + got["errors"]))])
    finally:
        stop(serve + fake)
    print(f"\nAdministrator's paged lists, {args.rows} rows each, one serve process, "
          f"{args.connections} connections, PostgreSQL + Redis\n")
    print(table(["list", "req/s", "p50 ms", "p99 ms", "requests", "bad"], results))


if __name__ == "__main__":
    main()
