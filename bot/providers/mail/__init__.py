"""The mail provider and its callbacks."""
