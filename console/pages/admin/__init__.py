"""The console's pages of the admin context, in the order they are matched."""

from console.pages.admin import desk, federation, feedback_marking, statistics

PAGES = (desk.pages, federation.pages, feedback_marking.pages, statistics.pages)
