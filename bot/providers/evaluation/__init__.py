"""The trading centres' evaluation systems over the signed protocol
(docs/evaluation-systems.md): what they call here, and the client that tells them of a
committee's changes."""
