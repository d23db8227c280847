"""The console's pages of the reference context, in the order they are matched."""

from console.pages.reference import catalogues, contacts, holidays, unit_requests

PAGES = (catalogues.pages, contacts.pages, holidays.pages, unit_requests.pages)
