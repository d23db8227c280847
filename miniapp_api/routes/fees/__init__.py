"""The mini-program API's routes of the fees context."""
