"""The models' machinery: the base model, fields sealed at rest, the hand-written statements of
the hot reads, and the indexes SQLite's table rebuilds lose."""
