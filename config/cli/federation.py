"""`expertbot federation key [--new]`: this library's public keys, to send to a peer's
operator (its SM2 key, and the Ed25519 one it keeps for peers still on it); with --new: a
new SM2 private key to configure, and its public key.
`expertbot federation directory CODE [--specialty S] [--region R]`: read a peer's
directory over the signed protocol and print it (docs/federation.md). Exit status: 0 read,
1 the peer refused or did not answer, 2 federation not configured or no such peer."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import datetime
from typing import TYPE_CHECKING

from services.common.clock import CHINA

if TYPE_CHECKING:
    from config.settings import Settings


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("federation", help="keys and reads between libraries")
    actions = parser.add_subparsers(dest="action", required=True)
    key = actions.add_parser("key", help="print this library's public key")
    key.add_argument("--new", action="store_true", help="make a new private key")
    key.set_defaults(func=cmd_key)
    read = actions.add_parser("directory", help="read a peer's directory of counts")
    read.add_argument("peer", metavar="CODE", help="the peer's code in FEDERATION_PEERS")
    read.add_argument("--specialty", default="", help="a specialty code to count")
    read.add_argument("--region", default="", help="a six-digit place code to count in")
    read.set_defaults(func=cmd_directory)


def cmd_key(args: argparse.Namespace) -> None:
    from config.federation import federation_of
    from config.settings import settings_or_exit
    from services.federation import Identity, Keys

    if args.new:
        private = Keys.new_private()
        print(f"FEDERATION_PRIVATE_KEY={private}")
        print(f"public key, SM2 (send it to the peers' operators): "
              f"{Identity('-', '-', private).public_key()}")
        print("moving from Ed25519: keep the key FEDERATION_PRIVATE_KEY held as "
              "FEDERATION_LEGACY_KEY while a peer still has your Ed25519 key")
        return
    settings, _ = settings_or_exit(fill_dev_secrets=True)
    federation = federation_of(settings)
    if federation.identity is None:
        print("federation is off: set FEDERATION_CODE (and FEDERATION_PRIVATE_KEY)",
              file=sys.stderr)
        raise SystemExit(2)
    me = federation.identity
    for n, public in enumerate(me.public_keys()):
        print(f"{me.code} {me.name}: {public}"
              + (" (Ed25519, only for peers still registered with it)" if n else ""))


def shown(n: object) -> str:
    return "<3" if n is None else str(n)


def cmd_directory(args: argparse.Namespace) -> None:
    raise SystemExit(asyncio.run(read_directory(args.peer, args.specialty, args.region)))


async def read_directory(code: str, specialty: str, region: str) -> int:
    import aiohttp

    from bot.providers.federation.client import FederationClient
    from config.federation import FederationSettings, federation_of
    from config.settings import settings_or_exit
    from services.federation import PeerRefused, PeerUnavailable, Trust

    settings, _ = settings_or_exit(fill_dev_secrets=True)
    env = FederationSettings()
    federation = federation_of(settings, env)
    peer = federation.peer(code)
    if federation.identity is None or peer is None:
        print(f"no peer {code!r}: federation is off or FEDERATION_PEERS does not name it",
              file=sys.stderr)
        return 2
    async with aiohttp.ClientSession() as session:
        client = FederationClient(Trust(federation, None, ""), session, env.timeout)
        try:
            read = await client.directory(peer, int(time.time()), specialty, region)
        except PeerRefused as exc:
            print(f"{peer.name} refused: {exc.message} ({exc.reason})", file=sys.stderr)
            return 1
        except PeerUnavailable as exc:
            print(f"{peer.name} did not answer as the protocol says: {exc}", file=sys.stderr)
            return 1
    print(f"{peer.name} ({peer.code}), as of {read.get('as_of')}: "
          f"{shown(read.get('total'))} experts available")
    if specialty or region:
        print(f"  {specialty or '*'} in {region or '*'}: {shown(read.get('asked'))}")
    for title, rows in (("by place", read.get("by_region", [])),
                        ("by specialty", read.get("by_specialty", []))):
        print(title)
        for row in rows:
            print(f"  {row.get('code', ''):<8} {shown(row.get('count')):>6}  "
                  f"{row.get('name', '')}")
    return 0


def federation_banner(settings: Settings, own_url: str) -> list[str]:
    """What `serve` says of federation at start-up: off, or on as whom and with whom."""
    from config.federation import federation_of

    federation = federation_of(settings)
    if federation.identity is None:
        return ["federation: off (FEDERATION_CODE not set)"]
    me = federation.identity
    lines = [f"federation: on as {me.code} {me.name}, answering at {own_url}/federation/"]
    if not federation.peers:
        lines.append("  no peers yet (FEDERATION_PEERS): no library can ask or be asked")
    for peer in federation.peers.values():
        lines.append(f"  with {peer.code} {peer.name} at {peer.url} "
                     f"(its requests: {DECIDED.get(peer.accept, peer.accept)})"
                     + _keys_said(peer.until, peer.second_key, peer.second_until))
    return lines


def _keys_said(until: datetime | None, second: str, second_until: datetime | None) -> str:
    """A peer's keys in a rotation, as the banner says them: each end, China time."""
    def end(moment: datetime | None) -> str:
        return f"believed before {moment.astimezone(CHINA):%Y-%m-%d %H:%M} China time" \
            if moment else "no end"
    if until is None and not second:
        return ""
    return f"; its key: {end(until)}" + (f", a second key: {end(second_until)}" if second
                                          else "")


DECIDED = {"admin": "an administrator decides", "auto": "accepted by the standing rule",
           "never": "refused"}
