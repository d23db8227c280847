"""Preparing a draw: projects, sections and activities (activities), corrections before
submission (drafts), what the request to the trading centre carries (evidence) and keeps
(request_record)."""
