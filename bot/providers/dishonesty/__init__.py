"""The dishonesty provider and its callbacks."""
