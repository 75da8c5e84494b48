"""What every rule module shares: the signal a rule returns, the registry and its decorator. Kept apart
from the package's ``__init__`` (which imports every rule module) so that no rule imports back the module
that imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from listening_post.alerts.window import Window


@dataclass
class Signal:
    rule: str  # volume, tone, coordination, term, cosharing
    scope: str  # "all" or a topic id
    key: str  # what makes two signals of the same rule and scope the same event (medium, term, copy text)
    severity: int  # 1 low, 2 medium, 3 high
    what: str  # plain words, with the numbers and the baseline
    figures: dict[str, Any]
    post_ids: list[str] = field(default_factory=list)
    about_us: bool = False

    @property
    def identity(self) -> str:
        return f"{self.rule}|{self.scope}|{self.key}"


Rule = Callable[[Window], list[Signal]]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        return fn

    return register


def severity_of(strength: float, threshold: float, about_us: bool) -> int:
    """Twice the threshold is high; the mission's own topics are one step more urgent."""
    level = 3 if strength >= 2 * threshold else 2 if strength >= 1.4 * threshold else 1
    return min(3, level + (1 if about_us else 0))
