"""The error a fetch raises, apart from the HTTP client so that a platform module can catch it without
loading urllib3 and tenacity (``sources/http.py``) when only its parser or settings are wanted."""

from __future__ import annotations

import json


class HttpError(Exception):
    """A request that did not give a usable response. The message holds no secret."""

    def __init__(self, message: str, *, url: str, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(f"{message} ({url})")
        self.url = url
        self.status = status
        self.body_excerpt = body[:500]

    @property
    def error_code(self) -> str | None:
        """The ``error`` field of a JSON error body (Bluesky's ``ExpiredToken``, Reddit's ``invalid_grant``)."""
        try:
            data = json.loads(self.body_excerpt)
        except ValueError:
            return None
        if isinstance(data, dict):
            if isinstance(data.get("error"), str):
                return str(data["error"])
            errors = (data.get("error") or {}).get("errors") if isinstance(data.get("error"), dict) else None
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                return str(errors[0].get("reason")) if errors[0].get("reason") else None  # YouTube
        return None
