"""The mini-program API's routes of an expert's answer, whichever way it comes
(services/draws/answering/)."""
