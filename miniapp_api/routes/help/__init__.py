"""The mini-program API's routes of the help context: the 帮助中心 and 智能客服 (knowledge),
the administrator's keeping of the knowledge base and review of what it answered badly, and
the 客服工作台 (support)."""

from miniapp_api.routes.help import keeping, knowledge, reviews, support

ROUTES = (knowledge.api, keeping.api, reviews.api, support.api)
