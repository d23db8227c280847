"""The console's pages of a running draw (services/draws/running/)."""
