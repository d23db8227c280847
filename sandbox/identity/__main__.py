"""`python -m sandbox.identity --port N`: the fake unified identity platform as a process of
its own (the tests stop, slow and restart it as they would the province's). Its issuer is
http://127.0.0.1:N; it forgets its codes and makes a new signing key when it restarts, as a
platform may. POST /control {"down": bool, "slow": seconds, "tampered": bool} sets its
faults."""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web

from sandbox.identity.platform import PLATFORM, IdentityPlatformFake, identity_platform_app


async def control(request: web.Request) -> web.Response:
    fake = request.app[PLATFORM]
    wanted = await request.json()
    fake.down = bool(wanted.get("down", False))
    fake.tampered = bool(wanted.get("tampered", False))
    fake.slow = float(wanted.get("slow", 0))
    return web.json_response({"down": fake.down, "slow": fake.slow, "tampered": fake.tampered})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    app = identity_platform_app(IdentityPlatformFake(f"http://127.0.0.1:{port}"))
    app.router.add_post("/control", control)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True,
                loop=asyncio.new_event_loop())


if __name__ == "__main__":
    main()
