"""The mini-program API's routes of the education context."""
