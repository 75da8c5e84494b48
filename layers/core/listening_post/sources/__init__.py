"""Source adapters: one module per platform, each turning API responses into parsed posts and fetching
them live (``*Fetcher``) through the shared HTTP client (``sources/http.py``). ``sources.registry`` is the
list of platforms (each module's ``PLATFORM``, ``sources/spec.py``)."""

from typing import Any

__all__ = ["Page", "PayloadError", "RecordError", "Reject"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: importing ``sources.spec`` (the configuration does) must not load the parsers.
    if name in __all__:
        from listening_post.sources import base

        return getattr(base, name)
    raise AttributeError(name)
