"""The platforms: the only list of them. Each is one module under ``sources/`` exporting ``PLATFORM``.

Modules are imported when a platform is first asked for, so a function that reads one platform loads one
module; a platform module itself imports only pydantic and ``sources/spec.py`` at its top (see there).
To add a platform: write ``sources/<name>.py`` ending with ``PLATFORM = Platform(...)``, add its line here,
and its tests and test data; nothing else names it.
"""

from __future__ import annotations

import importlib
from functools import cache

from listening_post.sources.spec import Kind, Platform

# Name -> module, in the order the configuration's error messages and the README list them.
PLATFORM_MODULES: dict[str, str] = {
    "rss": "listening_post.sources.rss",
    "google_news": "listening_post.sources.google_news",
    "mastodon": "listening_post.sources.mastodon",
    "bluesky": "listening_post.sources.bluesky",
    "reddit": "listening_post.sources.reddit",
    "x": "listening_post.sources.x",
    "youtube": "listening_post.sources.youtube",
    "gdelt": "listening_post.sources.gdelt",
    "telegram": "listening_post.sources.telegram",
    "threads": "listening_post.sources.threads",
    "zeeschuimer": "listening_post.sources.zeeschuimer",
}


class UnknownPlatformError(KeyError):
    def __str__(self) -> str:
        return f"unknown source {self.args[0]!r}; known sources: {', '.join(names())}"


def names() -> tuple[str, ...]:
    """Every platform name (``source`` value a configuration may list)."""
    return tuple(PLATFORM_MODULES)


@cache
def platform(name: str) -> Platform:
    """The platform called ``name``, its module imported on first use."""
    try:
        module = PLATFORM_MODULES[name]
    except KeyError:
        raise UnknownPlatformError(name) from None
    spec = importlib.import_module(module).PLATFORM
    if not isinstance(spec, Platform) or spec.name != name:
        raise TypeError(f"{module}.PLATFORM must be the Platform named {name!r}")
    return spec


def platforms() -> tuple[Platform, ...]:
    return tuple(platform(name) for name in PLATFORM_MODULES)


@cache
def emitted_by() -> dict[str, Platform]:
    """Every ``source`` value posts may carry -> the platform that writes it (a platform's own name, and
    the names a capture export's platform emits)."""
    out: dict[str, Platform] = {}
    for spec in platforms():
        for source in (spec.name, *spec.emits):
            out.setdefault(source, spec)
    return out


def source_names() -> tuple[str, ...]:
    """Every ``source`` value the lake may hold."""
    return tuple(emitted_by())


def kind_of(source: str) -> Kind | None:
    """social or press for a ``source`` value of the lake; None for one no platform writes."""
    spec = emitted_by().get(source)
    return spec.kind if spec else None


def sources_of_kind(kind: Kind) -> tuple[str, ...]:
    return tuple(s for s, spec in emitted_by().items() if spec.kind == kind)
