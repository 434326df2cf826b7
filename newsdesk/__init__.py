"""newsdesk: an investor news desk — ingest, score, store and show news articles."""

__version__ = "0.6.0"
