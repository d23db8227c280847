"""The pay provider and its callbacks."""
