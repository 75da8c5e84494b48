"""Detection rules, one module each. A rule takes a :class:`~listening_post.alerts.window.Window` and
returns :class:`Signal` s; the engine groups signals about the same posts into one alert. A rule module
registers itself with :func:`rule` (``alerts/rules/base.py``) and is listed in :func:`load_all`."""

from __future__ import annotations

from listening_post.alerts.rules.base import RULES, Rule, Signal, rule, severity_of

__all__ = ["RULES", "Rule", "Signal", "load_all", "rule", "severity_of"]


def load_all() -> dict[str, Rule]:
    """Import the rule modules (each registers itself) and return the registry."""
    from listening_post.alerts.rules import coordination, cosharing, terms, tone, volume  # noqa: F401

    return RULES
