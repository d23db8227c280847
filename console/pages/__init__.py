"""The console's pages, in a folder per context (people, applicants, education, payments,
draws, fees, standing, admin, reference) and the home page; importing this registers them
(console/app.py PAGE_TABLE)."""

from console.pages import home  # noqa: F401
from console.pages.admin import desk, federation, feedback_marking, statistics  # noqa: F401
from console.pages.applicants import public_notice, review  # noqa: F401
from console.pages.draws import (  # noqa: F401
    activities,
    after,
    calls,
    drafts,
    exports,
    followups,
    oversight,
    performance,
    prepare,
    templates,
    venues,
    verify,
)
from console.pages.education import courses, training  # noqa: F401
from console.pages.fees import (  # noqa: F401
    accounts,
    declaration,
    funding,
    ledger,
    payouts,
    sheets,
    standards,
)
from console.pages.payments import finance  # noqa: F401
from console.pages.people import (  # noqa: F401
    agency,
    auth,
    dishonesty,
    register,
    second_factor,
    security,
)
from console.pages.reference import (  # noqa: F401
    catalogues,
    contacts,
    holidays,
    unit_requests,
)
from console.pages.standing import sanctions  # noqa: F401
