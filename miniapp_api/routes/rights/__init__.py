"""The mini-program API's routes of the rights context."""
