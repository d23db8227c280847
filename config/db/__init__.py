"""The database as a process runs on it: tortoise's configuration, start-up and shutdown,
the migrations runner and what it mends of tortoise."""
