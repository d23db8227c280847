"""The console's pages of the education context."""
