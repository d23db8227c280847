"""The trading centres' e-evaluation systems and what they tell the library: the committees
they read, the bidders and score tables they post, the events they report, and the proposals
those become on experts' performance records (services/evaluation)."""
