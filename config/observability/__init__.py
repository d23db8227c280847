"""What a process tells of itself: logs with the request id and personal data masked, the
Prometheus metrics, the jobs' timings, and the health and readiness answers."""
