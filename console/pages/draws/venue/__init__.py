"""The console's pages of the venue (services/draws/venue/)."""
