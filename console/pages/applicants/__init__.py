"""The console's pages of the applicants context."""
