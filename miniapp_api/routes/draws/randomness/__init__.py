"""The mini-program API's routes of a draw's randomness (services/draws/randomness/)."""
