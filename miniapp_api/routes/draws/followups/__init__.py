"""The mini-program API's routes of what follows a draw (services/draws/followups/)."""
