"""The console's pages of the draws context, in the order they are matched."""

from console.pages.draws import (
    activities,
    after,
    calls,
    drafts,
    exports,
    followups,
    lent,
    oversight,
    performance,
    prepare,
    templates,
    venues,
    verify,
)

PAGES = (activities.pages, after.pages, calls.pages, prepare.pages, drafts.pages, exports.pages,
         followups.pages, lent.pages, oversight.pages, performance.pages, templates.pages,
         venues.pages, verify.pages)
