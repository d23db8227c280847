"""The console's pages of the draws context, in the order they are matched."""

from console.pages.draws.candidates import kin_releases
from console.pages.draws.followups import calls, followups, lent
from console.pages.draws.record import exports, oversight, performance
from console.pages.draws.running import activities
from console.pages.draws.setup import drafts, prepare, templates, verify
from console.pages.draws.venue import after, venues

PAGES = (activities.pages, after.pages, calls.pages, prepare.pages, drafts.pages, exports.pages,
         followups.pages, lent.pages, oversight.pages, performance.pages, templates.pages,
         venues.pages, verify.pages, kin_releases.pages)
