"""The console's pages, in a folder per context (people, applicants, education, payments,
draws, standing, admin, reference) and the home page; importing this registers them
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
    fee_standards,
    followups,
    oversight,
    payouts,
    performance,
    prepare,
    templates,
    venues,
    verify,
)
from console.pages.education import courses, training  # noqa: F401
from console.pages.payments import fee_ledger, fee_sheets, finance, withholding  # noqa: F401
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
