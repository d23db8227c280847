"""The mini-program API's routes of the record of draws (services/draws/record/)."""
