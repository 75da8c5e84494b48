"""Source adapters: one module per platform, each turning API responses into parsed posts and fetching
them live (``*Fetcher``) through the shared HTTP client (``sources/http.py``). ``sources.parsers`` has the
parser of each source by name."""

from listening_post.sources.base import Page, PayloadError, RecordError, Reject

__all__ = ["Page", "PayloadError", "RecordError", "Reject"]
