"""The console's pages: the home page and a table per context's folder (people, applicants,
education, payments, draws, fees, standing, admin, reference), mounted in this order
(console/routes.py)."""

from console.app import Page
from console.pages import (
    admin,
    applicants,
    draws,
    education,
    fees,
    help,
    home,
    payments,
    people,
    reference,
    standing,
)

TABLES = (home.pages, *admin.PAGES, *applicants.PAGES, *draws.PAGES, *education.PAGES,
          *fees.PAGES, *payments.PAGES, *people.PAGES, *reference.PAGES, *standing.PAGES,
          *help.PAGES)


def every_page() -> list[Page]:
    """Every page of the console, in the order it is mounted."""
    return [page for table in TABLES for page in table.pages]
