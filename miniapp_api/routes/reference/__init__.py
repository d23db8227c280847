"""The mini-program API's routes of the reference context."""
