"""The console's pages of the standing context, in the order they are matched."""

from console.pages.standing import sanctions, yearly_accounts

PAGES = (sanctions.pages, yearly_accounts.pages)
