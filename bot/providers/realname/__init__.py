"""The realname provider and its callbacks."""
