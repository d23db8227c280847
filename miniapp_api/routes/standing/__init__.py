"""The mini-program API's routes of the standing context."""
