"""The mini-program API's routes of the draws context."""
