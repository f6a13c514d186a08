"""The web screener and its JSON API (FastAPI): pages, API routes, sessions, import jobs."""
