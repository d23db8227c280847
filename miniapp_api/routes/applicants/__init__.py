"""The mini-program API's routes of the applicants context."""
