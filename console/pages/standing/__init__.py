"""The console's pages of the standing context."""
