"""The console's pages of the payments context."""
