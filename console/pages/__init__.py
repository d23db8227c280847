"""The console's pages; importing this registers them (console/app.py PAGE_TABLE)."""

from console.pages import (  # noqa: F401
    admin,
    after,
    agency,
    auth,
    desk,
    draws,
    exports,
    followups,
    home,
    prepare,
    reference,
    register,
    review,
    verify,
)
