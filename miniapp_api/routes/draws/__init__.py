"""The mini-program API's routes of the draws context, a table per resource module."""

from miniapp_api.routes.draws import (
    attendance,
    drafts,
    drawing,
    face_checkin,
    followups,
    invitations,
    involvement,
    lent,
    log,
    peer_draws,
    performance,
    performance_desk,
    pool_sizes,
    prep,
    projects,
    record,
    templates,
    terminals,
    urgency,
    venues,
    verify,
    verify_request,
    virtual_calls,
)

ROUTES = (invitations.api, face_checkin.api, projects.api, prep.api, drafts.api, peer_draws.api,
          templates.api, terminals.api, drawing.api, record.api, followups.api, attendance.api,
          verify.api, venues.api, verify_request.api, log.api, virtual_calls.api, performance.api,
          performance_desk.api, lent.api, pool_sizes.api,
          involvement.api, urgency.api)
