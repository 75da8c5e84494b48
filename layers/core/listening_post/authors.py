"""The native author id a person gives when asking to be erased, in the form each source stores.

Collection pseudonymises ``<source>:<native id>`` (lower-cased); erasure must hash the very same string.
A person knows their handle, so each source's handle form is turned into the stored form, by the
``native_author`` of its platform (``sources/<name>.py``); where a
platform stores a stable id the handle does not show (Bluesky DID, X user id, YouTube channel id), the id
is needed, or a resolver that asks the platform.
"""

from __future__ import annotations

from listening_post.sources.spec import AuthorFormError, Resolver

__all__ = ["AuthorFormError", "Resolver", "native_author"]


def native_author(source: str, handle: str, resolve: Resolver | None = None) -> str:
    """The stored form of ``handle`` on ``source``, by the platform's own rule (its module's
    ``native_author``); raises :class:`AuthorFormError` with what to give instead."""
    from listening_post.sources import registry

    if not handle.strip():
        raise AuthorFormError("empty handle")
    spec = registry.emitted_by().get(source)  # a capture export's platforms too
    if spec is None:
        raise registry.UnknownPlatformError(source)
    return spec.native_author(handle, resolve)
