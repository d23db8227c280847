"""How often a page may be opened: fixed one-minute windows in Redis, counted per client
address or per subject (an invitation), the client's address read from X-Forwarded-For only
when the connection comes from a proxy we trust (TRUSTED_PROXIES): behind nginx every
request comes from 127.0.0.1, and without this one phone guessing links would lock everyone
out, or nobody."""

from __future__ import annotations

import ipaddress

from aiohttp import web

from web.context import PAGE_REDIS

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxy_networks(spec: str, name: str = "TRUSTED_PROXIES") -> tuple[Network, ...]:
    """TRUSTED_PROXIES: addresses or networks, comma-separated ("127.0.0.1,10.0.0.0/8");
    ValueError names a bad entry."""
    out = []
    for part in (p.strip() for p in spec.split(",")):
        if part:
            try:
                out.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{name}: {part!r} is not an address or a network"
                                 ) from None
    return tuple(out)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: web.Request) -> str:
    """The address of the client: the connection's, or, when that is a trusted proxy, the
    nearest address in X-Forwarded-For that is not one (each proxy appends the address it
    saw, so the entries left of the first untrusted one could be made up by the client)."""
    remote = request.remote or "?"
    proxies = request.app[PAGE_REDIS].proxies
    if not proxies or not _trusted(remote, proxies):
        return remote
    hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", [])
                                        ).split(",") if h.strip()]
    for hop in reversed(hops[-10:]):
        if not _trusted(hop, proxies):
            return hop[:64]
    return remote


async def count(request: web.Request, page: str, subject: str, *, add: int = 1) -> int:
    """How often `subject` has been counted on `page` this minute, after adding `add` (0:
    only read)."""
    store = request.app[PAGE_REDIS]
    key = store.keys.page_rate(page, subject, int(store.clock.time() // 60))
    if not add:
        return int(await store.redis.get(key) or 0)
    async with store.redis.pipeline(transaction=True) as pipe:
        pipe.incrby(key, add)
        pipe.expire(key, 120)
        total, _ = await pipe.execute()
    return int(total)


async def over_limit(request: web.Request, page: str, per_minute: int,
                     subject: str | None = None) -> bool:
    """True once `subject` (default: the client's address) has opened `page` more than
    `per_minute` times this minute."""
    return await count(request, page, subject or client_address(request)) > per_minute
