"""The mini-program HTTP API: a sub-app with its auth middleware and OpenAPI document."""
