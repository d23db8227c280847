"""The console's pages of what follows a draw (services/draws/followups/)."""
