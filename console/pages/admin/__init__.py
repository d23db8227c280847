"""The console's pages of the admin context."""
