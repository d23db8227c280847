"""The sandbox's stand-in for the province's unified identity platform."""
