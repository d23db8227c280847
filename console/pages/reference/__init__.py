"""The console's pages of the reference context."""
