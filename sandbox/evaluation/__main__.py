"""`python -m sandbox.evaluation --port N --library URL --library-key BASE64 [--db PATH]`: the
fake trading centre's evaluation system as a process of its own, on its own SQLite database
(the tests stop, slow and restart it as they would a centre's). It trusts the library at
URL whose public key is BASE64 (and whose code is --library-code, `library` by default);
its own key is derived from --seed, so a restart keeps the key the library registered.
sandbox/evaluation/app.py lists its routes (/control sets its faults; /drive/* makes it act)."""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web

from sandbox.evaluation.app import evaluation_system_app
from sandbox.evaluation.store import SystemStore
from sandbox.evaluation.system import CODE, NAME, EvaluationSystemFake, identity_from_seed
from services.evaluation import LIBRARY_CODE
from services.federation import BadKey, Keys, Peer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.evaluation")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--library", required=True, help="the library's address")
    parser.add_argument("--library-key", required=True,
                        help="its public key: `sm2:` and base64 (or an Ed25519 one)")
    parser.add_argument("--library-code", default=LIBRARY_CODE)
    parser.add_argument("--db", default="var/sandbox-evaluation.sqlite3")
    parser.add_argument("--code", default=CODE)
    parser.add_argument("--name", default=NAME)
    parser.add_argument("--seed", default="sandbox", help="its key is derived from it")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="seconds it waits for the library's answers")
    args = parser.parse_args()
    try:
        Keys.check(args.library_key, "--library-key")
    except BadKey as exc:
        parser.error(str(exc))
    library = Peer(args.library_code, args.library_code, args.library.rstrip("/"),
                   args.library_key, "never")
    fake = EvaluationSystemFake(identity_from_seed(args.seed, args.code, args.name),
                                SystemStore(args.db), library, args.timeout)
    web.run_app(evaluation_system_app(fake), host="127.0.0.1", port=args.port, print=None,
                handle_signals=True, loop=asyncio.new_event_loop())


if __name__ == "__main__":
    main()
