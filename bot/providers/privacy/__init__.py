"""The privacy provider and its callbacks."""
