"""The console's pages of the people context, in the order they are matched."""

from console.pages.people import (
    agency,
    auth,
    dishonesty,
    register,
    second_factor,
    security,
    unified,
)

PAGES = (agency.pages, auth.pages, dishonesty.pages, register.pages, second_factor.pages,
         security.pages, unified.pages)
