"""The console's pages of the admin context, in the order they are matched."""

from console.pages.admin import desk, evaluation, federation, feedback_marking, statistics

PAGES = (desk.pages, federation.pages, evaluation.pages, feedback_marking.pages,
         statistics.pages)
