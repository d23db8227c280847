"""The mini-program API's routes of an activity's facts (services/draws/facts/)."""
