"""The console's pages of the help context: the administrator's knowledge base, the review
of what it answered badly, and the customer-service staff's 客服工作台."""

from console.pages.help import kept, reviews, support_desk

PAGES = (kept.pages, reviews.pages, support_desk.pages)
