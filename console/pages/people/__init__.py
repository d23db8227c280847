"""The console's pages of the people context."""
