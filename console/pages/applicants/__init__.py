"""The console's pages of the applicants context, in the order they are matched."""

from console.pages.applicants import objections, public_notice, review

PAGES = (public_notice.pages, objections.pages, review.pages)
