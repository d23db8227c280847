"""The mini-program API's routes of the admin context."""
