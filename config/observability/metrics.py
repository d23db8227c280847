"""GET /metrics: the Prometheus exposition of this machine's processes and the outbox.

With PROMETHEUS_MULTIPROC_DIR set (before the process imports prometheus_client: the CLI
does it first), every serve and worker process writes its measures to files there and any
serve process answers for all of them; without it, the process answers for itself (and its
in-process worker). The outbox's depth is read from the database at each scrape (it is
shared by every machine). Only addresses in METRICS_ALLOW (default: loopback) are answered,
the client named by X-Forwarded-For too when a proxy passes the request on, and with
METRICS_TOKEN set only a request bearing it; anyone else gets 404."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from tortoise.functions import Count

from models.notifications import Notification, Status
from web.rate import Network, proxy_networks

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
WAITING = [Status.QUEUED, Status.SENDING, Status.FAILED, Status.DEAD]  # not sent (yet)


@dataclass(frozen=True)
class MetricsAccess:
    """Who may read /metrics."""

    allow: tuple[Network, ...]
    token: str = ""

    @classmethod
    def parse(cls, allow: str, token: str) -> MetricsAccess:
        return cls(proxy_networks(allow, "METRICS_ALLOW"), token)

    def admits(self, request: web.Request) -> bool:
        """The peer and every forwarded client are allowed, and the token (if any) given."""
        hops = [h.strip() for h in ",".join(request.headers.getall("X-Forwarded-For", []))
                .split(",") if h.strip()]
        for address in [request.remote or "", *hops]:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                return False
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
                ip = ip.ipv4_mapped  # a dual-stack socket: ::ffff:10.0.0.5 is 10.0.0.5
            if not any(ip in net for net in self.allow):
                return False
        if self.token:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ")
            return hmac.compare_digest(given.encode(), self.token.encode())
        return True


METRICS_ACCESS = web.AppKey("metrics_access", MetricsAccess)


class _Rows(Collector):
    def __init__(self, families: Iterable[GaugeMetricFamily]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        return self._families


async def outbox_depth(timeout: float) -> GaugeMetricFamily:
    """Notifications not sent (yet) by status and channel ("none" before one is chosen)."""
    family = GaugeMetricFamily("expertbot_outbox_notifications",
                               "Notifications waiting, being sent, failed or dead, by "
                               "status and channel", labels=["status", "channel"])
    async with asyncio.timeout(timeout):
        rows = await Notification.filter(status__in=WAITING).annotate(n=Count("id")) \
            .group_by("status", "channel").values("status", "channel", "n")
    seen = set()
    for row in rows:
        key = (str(row["status"]), str(row["channel"] or "none"))
        seen.add(key)
        family.add_metric(list(key), float(row["n"]))
    if not any(status == Status.QUEUED for status, _ in seen):  # a zero to alert against
        family.add_metric([Status.QUEUED, "none"], 0.0)
    return family


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


async def metrics(request: web.Request) -> web.Response:
    if not request.app[METRICS_ACCESS].admits(request):
        raise web.HTTPNotFound()
    body = await asyncio.to_thread(generate_latest, _registry())
    try:
        depth = await outbox_depth(2.0)
    except Exception as exc:  # the process's measures are worth answering without it
        log.warning("metrics: outbox depth unavailable: %r", exc)
    else:
        own = CollectorRegistry(auto_describe=False)
        own.register(_Rows([depth]))
        body += generate_latest(own)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def setup_metrics(app: web.Application, access: MetricsAccess) -> None:
    app[METRICS_ACCESS] = access
    app.router.add_get("/metrics", metrics)
