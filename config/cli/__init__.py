"""The `expertbot` command: serve, worker, migrate, demo, menu, audit, doctor, reconcile,
route, import-regions, import-catalogue, import-experts, federation, makemigrations."""

from __future__ import annotations

import argparse
import asyncio

from config.observability.metrics_dir import use_metrics_dir

# Prometheus multiprocess mode is chosen before any metric exists: the subcommands' modules
# below import the contexts' front doors, which load the modules that create metrics
use_metrics_dir()

from config.cli.audit import add_parser as add_audit  # noqa: E402
from config.cli.audit_log import add_parser as add_audit_log  # noqa: E402
from config.cli.federation import add_parser as add_federation  # noqa: E402
from config.cli.federation import federation_banner  # noqa: E402
from config.cli.reconcile import add_parser as add_reconcile  # noqa: E402
from config.cli.reencrypt import add_parser as add_reencrypt  # noqa: E402
from config.cli.reference import add_parser as add_import_regions  # noqa: E402
from config.cli.register import add_parser as add_import_experts  # noqa: E402
from config.cli.route import add_parser as add_route  # noqa: E402
from config.observability.logging_setup import setup_logging  # noqa: E402
from config.settings import Settings, settings_or_exit  # noqa: E402


def cmd_serve(args: argparse.Namespace) -> None:
    from config.app import create_app
    from config.serve import serve

    settings, filled = settings_or_exit(fill_dev_secrets=True)
    setup_logging(settings.log_level, settings.logs_as)
    own_url = settings.public_base_url or f"http://{args.host}:{args.port}"
    if filled:
        # where they are, never the values: a console or a CI log is not a place for keys
        secrets_file = settings.var_dir / "dev-secrets.json"
        print(f"Development secrets generated once and kept in {secrets_file} (mode 600): "
              f"{', '.join(sorted(filled))}")
    print(f"expertbot ({settings.env}) on {own_url} ({settings.event_loop})")
    print(f"  message server: {own_url}/wechat/callback")
    print(f"  web console: {own_url}/console/")
    for line in federation_banner(settings, own_url):
        print(f"  {line}")
    if settings.sandbox:
        print(f"  sandbox simulator: {own_url}/sandbox/  (fake WeChat API under /sandbox/)")
        from services.demo import banner

        # never a phone or a password in a log: the README's demo table gives the sign-in
        print(f"  demo users (their phones and password: the README's demo table; or "
              f"{own_url}/sandbox/console-as?key=<key>):")
        for line in banner():
            print(f"    {line}")
    serve(create_app(settings, own_url), args.host, args.port, reuse_port=args.reuse_port,
          drain=settings.shutdown_drain, grace=settings.shutdown_grace, loop=settings.event_loop)


def cmd_worker(args: argparse.Namespace) -> None:
    from config.worker import run_worker

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    setup_logging(settings.log_level, settings.logs_as)
    asyncio.run(run_worker(settings.for_batch_work()))


def cmd_migrate(args: argparse.Namespace) -> None:
    from config.cli.reference import seed_reference
    from config.db.database import run_migrations

    settings, _ = settings_or_exit(fill_dev_secrets=True)  # the key that seals phones
    setup_logging(settings.log_level, settings.logs_as)
    asyncio.run(run_migrations(settings))
    if asyncio.run(seed_reference(settings)):
        print("  loaded the administrative divisions (expertbot import-regions updates them)")
    if sealed := asyncio.run(seal_clear(settings)):
        print(f"  sealed {sealed} phones, form phones and draw seeds kept in clear before "
              "(SM4-GCM), or ID lookup hashes made before HMAC-SM3")
    print("database is up to date")


async def seal_clear(settings: Settings) -> int:
    """Phones and draw seeds written before they were sealed, sealed now."""
    from config.db.database import database
    from config.settings import make_vault
    from services.people import Reencryption

    if not settings.id_encryption_key:
        return 0
    vault = make_vault(settings)
    async with database(settings.for_batch_work()):
        return (await Reencryption.seal_clear_phones(vault) + await Reencryption.seal_seeds(vault)
                + await Reencryption.seal_form_phones() + await Reencryption.rehash_ids(vault))


def cmd_demo(args: argparse.Namespace) -> None:
    from config.db.database import database
    from config.settings import make_vault
    from services.common.files import DiskStore
    from services.demo import load_demo
    from services.people import People

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    setup_logging(settings.log_level, settings.logs_as)

    async def run() -> str:
        async with database(settings.for_batch_work()):
            people = People(make_vault(settings), password_cost=settings.password_cost)
            return await load_demo(people, DiskStore(settings.var_dir / "files"))

    print(asyncio.run(run()))


def cmd_menu(args: argparse.Namespace) -> None:
    """Push the custom menu (handlers/menu.py) to the official account."""
    from config.runtime import open_runtime
    from handlers.menu import menu

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    setup_logging(settings.log_level, settings.logs_as)
    async def run() -> None:
        async with open_runtime(settings, settings.own_url) as rt:
            await rt.channels.official.create_menu(menu(settings.miniapp_appid,
                                                        settings.own_url))

    asyncio.run(run())
    print("menu updated")


def cmd_doctor(args: argparse.Namespace) -> None:
    """Check configuration, database, Redis, WeChat, WeChat Pay and SMS; exit 1 on a fault."""
    from config.doctor import examine, report

    setup_logging("ERROR")  # the findings say it; the clients' retry warnings would not
    findings = asyncio.run(examine())
    print(report(findings))
    raise SystemExit(1 if any(f.status == "FAIL" for f in findings) else 0)


def cmd_makemigrations(args: argparse.Namespace) -> None:
    """Developer tool: write a migration for model changes (tortoise's autodetector)."""
    import json
    import tempfile

    from tortoise.cli.cli import run_cli_async

    from config.db.tortoise import tortoise_config

    settings, _ = settings_or_exit()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(tortoise_config(settings), fh)
    argv = ["--config-file", fh.name, "makemigrations"]
    if args.name:
        argv += ["--name", args.name]
    raise SystemExit(asyncio.run(run_cli_async(argv)))


def main(argv: list[str] | None = None) -> None:
    use_metrics_dir()  # done on import already; here for callers of main() alone
    parser = argparse.ArgumentParser(prog="expertbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--reuse-port", action="store_true",
                       help="share the port with other serve processes (SO_REUSEPORT)")
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("worker", help="run a job worker").set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo data (idempotent)").set_defaults(func=cmd_demo)
    sub.add_parser("menu", help="push the custom menu to WeChat").set_defaults(func=cmd_menu)
    add_audit(sub)
    sub.add_parser("doctor", help="check that this machine is ready to run the service"
                   ).set_defaults(func=cmd_doctor)
    add_reconcile(sub)
    add_route(sub)
    add_import_regions(sub)
    add_audit_log(sub)
    add_reencrypt(sub)
    add_import_experts(sub)
    add_federation(sub)
    mk = sub.add_parser("makemigrations", help="write a migration for model changes")
    mk.add_argument("--name", default=None)
    mk.set_defaults(func=cmd_makemigrations)
    args = parser.parse_args(argv)
    args.func(args)
