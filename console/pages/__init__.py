"""The console's pages; importing this registers them (console/app.py PAGE_TABLE)."""

from console.pages import auth, draws, home, review, verify  # noqa: F401
