"""The conversation engine: the dispatcher, routers, filters and middlewares a push goes
through, flows and their per-user state, receipts, and the explanation of which handler
answers a text."""
