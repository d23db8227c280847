"""The province's unified identity platform (an OpenID Connect provider)."""
