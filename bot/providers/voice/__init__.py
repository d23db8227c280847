"""The voice provider and its callbacks."""
