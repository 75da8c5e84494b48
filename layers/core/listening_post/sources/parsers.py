"""The parser of each source, by name: a view of the registry (``sources/registry.py``) that imports every
platform module; kept for callers that want every parser at once (tests, the ingest bench)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from listening_post.sources import registry
from listening_post.sources.base import Page, parse_guarded

Parser = Callable[[bytes], Page]

_MODULE_PARSERS: dict[str, Parser] = {spec.name: spec.parse for spec in registry.platforms()}
# Source name -> parser of one saved or fetched API response; never raises but PayloadError.
PARSERS: dict[str, Parser] = {name: partial(parse_guarded, parse) for name, parse in _MODULE_PARSERS.items()}
