"""The mini-program API's routes of the evaluation context: the administrator's register of
the trading centres' evaluation systems and the scores' thresholds (systems), the proposals
the scores and the venue's events make on experts' records (proposals), a score table's
corrections (corrections)."""

from miniapp_api.routes.evaluation import corrections, portrait, proposals, systems

ROUTES = (systems.api, proposals.api, corrections.api, portrait.api)
