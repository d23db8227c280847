"""The console's pages of the draws context."""
