"""Tortoise models, one module per aggregate, and their migrations (models.migrations)."""
