"""The console's pages of the help context: the administrator's knowledge base and the
customer-service staff's 客服工作台."""

from console.pages.help import kept, support_desk

PAGES = (kept.pages, support_desk.pages)
