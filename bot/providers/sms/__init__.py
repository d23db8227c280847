"""The sms provider and its callbacks."""
