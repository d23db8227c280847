"""A year on a clock the service does not control: the real service (SQLite or PostgreSQL,
Redis) driven month by month through its own API, its scheduled jobs run at their China times
on the moved clock, and at every month's end the invariants checked (tests/api/test_year.py
runs a short year; `python -m bench.year` the twelve months)."""
