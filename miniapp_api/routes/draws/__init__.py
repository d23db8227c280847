"""The mini-program API's routes of the draws context, in packages named as the draw's parts
(services/draws/), a table per resource module."""

from miniapp_api.routes.draws.answering import invitations
from miniapp_api.routes.draws.candidates import kin_releases
from miniapp_api.routes.draws.facts import log
from miniapp_api.routes.draws.followups import followups, lent, virtual_calls
from miniapp_api.routes.draws.randomness import pool_sizes
from miniapp_api.routes.draws.record import performance, performance_desk, record
from miniapp_api.routes.draws.running import drawing
from miniapp_api.routes.draws.setup import (
    drafts,
    involvement,
    peer_draws,
    prep,
    projects,
    templates,
    terminals,
    urgency,
    venue_choice,
    verify,
    verify_request,
)
from miniapp_api.routes.draws.venue import attendance, face_checkin, venues

ROUTES = (invitations.api, face_checkin.api, projects.api, prep.api, drafts.api, peer_draws.api,
          templates.api, terminals.api, drawing.api, record.api, followups.api, attendance.api,
          verify.api, venues.api, verify_request.api, log.api, virtual_calls.api, performance.api,
          performance_desk.api, lent.api, pool_sizes.api,
          involvement.api, urgency.api, venue_choice.api, kin_releases.api)
