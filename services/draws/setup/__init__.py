"""Preparing a draw: projects, sections and activities (activities), corrections before\nsubmission (drafts), what the request to the trading centre carries (evidence) and keeps\n(request_record)."""
