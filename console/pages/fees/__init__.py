"""The console's pages of the fees context."""
