"""The console's pages of a draw's setup (services/draws/setup/)."""
