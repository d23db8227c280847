"""The console's pages of the education context, in the order they are matched."""

from console.pages.education import courses, training

PAGES = (courses.pages, training.pages)
