"""Conversational flows, one module per flow; `handlers.routing.routers()` lists them."""
