"""The mini-program API's routes of the people context."""
