"""The mini-program API's routes of a running draw (services/draws/running/)."""
