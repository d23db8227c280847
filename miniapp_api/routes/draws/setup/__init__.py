"""The mini-program API's routes of a draw's setup (services/draws/setup/)."""
