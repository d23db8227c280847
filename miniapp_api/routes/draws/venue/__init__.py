"""The mini-program API's routes of the venue (services/draws/venue/)."""
