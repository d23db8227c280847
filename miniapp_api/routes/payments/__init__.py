"""The mini-program API's routes of the payments context."""
