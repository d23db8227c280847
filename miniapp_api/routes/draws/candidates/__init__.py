"""The mini-program API's routes of who may be drawn (services/draws/candidates/)."""
