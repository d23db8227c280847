"""The service's Prometheus metrics, one definition per measure, recorded by whichever layer
sees the event (GET /metrics exposes them: config/observability/metrics.py).

Like loggers, metrics are process-wide by nature: prometheus_client keeps them in module
state, and in multiprocess mode (PROMETHEUS_MULTIPROC_DIR set before the first import) in
files that every serve and worker process of a machine writes and any serve process reads.
Every label takes values from a bounded set (handler names, route templates, channels,
results): never an openid, a phone or an id."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# seconds: WeChat gives a push 5 s; the API's target is tens of milliseconds
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)

CALLBACK_SECONDS = Histogram(
    "expertbot_callback_seconds",
    "Pushes to /wechat/callback by the handler that took them and how they were answered "
    "(answered, late, busy, duplicate, refused, failed)",
    ["handler", "outcome"], buckets=LATENCY_BUCKETS)
HTTP_SECONDS = Histogram(
    "expertbot_http_request_seconds",
    "HTTP requests other than pushes (the mini-program API, pages, console, callbacks of "
    "WeChat Pay, SMS and voice) by route template, method and status",
    ["route", "method", "status"], buckets=LATENCY_BUCKETS)
SENDS = Counter(
    "expertbot_sends",
    "Notification attempts by channel and result (sent, delivered, retry, dead, "
    "unreachable, failed)",
    ["channel", "result"])
TOKEN_REFRESHES = Counter(
    "expertbot_token_refreshes", "access_token fetches from WeChat by result", ["result"])
PAY_NOTIFICATIONS = Counter(
    "expertbot_pay_notifications",
    "WeChat Pay notifications by result (settled outcomes, refused, malformed, mismatch)",
    ["result"])
DRAW_EVENTS = Counter(
    "expertbot_draw_events", "Draw operations recorded in the operation log, by action",
    ["action"])
UNAVAILABLE = Counter(
    "expertbot_infrastructure_errors",
    "Database or Redis unavailable (refused, timed out, shutting down...) by component and "
    "where it was met",
    ["component", "edge"])
JOB_SECONDS = Histogram(
    "expertbot_job_seconds", "Worker jobs by name and result (ok, error, cancelled)",
    ["job", "result"], buckets=JOB_BUCKETS)
LAGGING_READS = Counter(
    "expertbot_lagging_reads",
    "Reads that can lag (statistics, exports, the audit trail's verification) by the database "
    "that answered them (replica, primary)", ["database"])
REPLICA_USABLE = Gauge(
    "expertbot_replica_usable",
    "1 while the last check of the read replica found it fit, 0 when it was skipped (down, "
    "too far behind, promoted): the lowest of the live processes", multiprocess_mode="livemin")
REPLICA_BEHIND = Gauge(
    "expertbot_replica_behind_seconds",
    "Seconds the read replica's last replayed commit was behind the primary at the last check "
    "(0 when it had replayed everything): the highest of the live processes",
    multiprocess_mode="livemax")

SMS_CODES = Counter(
    "expertbot_sms_codes",
    "Verification codes asked for, by result: sent; withheld_number (the phone on record "
    "behind an ID number had its budget used up: issued, not sent, answered alike); "
    "refused_number (the number typed had); refused_hour (the hourly budget of all codes had)",
    ["result"])
SMS_CODE_BUDGET_USED = Gauge(
    "expertbot_sms_code_budget_used",
    "Share of this hour's budget of verification-code SMS (SMS_CODES_PER_HOUR) used, at the "
    "last code sent: alert from 0.8 (the service logs a warning there)",
    multiprocess_mode="livemax")


def component_of(exc: BaseException) -> str:
    """Which part an infrastructure error came from: redis, database or network."""
    module = type(exc).__module__
    if module.startswith("redis"):
        return "redis"
    if module.startswith(("asyncpg", "tortoise", "aiosqlite", "sqlite3")):
        return "database"
    return "network"


def count_unavailable(exc: BaseException, edge: str) -> None:
    """Count one infrastructure error met at `edge` (chat, api, worker, ...)."""
    UNAVAILABLE.labels(component_of(exc), edge).inc()
