"""Official-account transport and the conversation engine."""
