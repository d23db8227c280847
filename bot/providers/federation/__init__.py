"""The protocol between libraries over HTTP (docs/federation.md): the server other libraries
call and the client this one calls them with, both signed (services/federation/trust.py)."""
