"""The console's pages of the record of draws (services/draws/record/)."""
