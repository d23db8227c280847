"""The console's pages of who may be drawn (services/draws/candidates/)."""
