"""The console's pages of the payments context, in the order they are matched."""

from console.pages.payments import finance

PAGES = (finance.pages,)
