"""summary_model.py describes the summaries the code writes: every key of every demo summary.json is a key
of its TypedDict (open sections, typed as JSON objects, are not walked), every required key is there, and
values have the declared JSON types. A field added to a builder but not to the model fails here."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any, NotRequired, Union, get_args, get_origin, get_type_hints

import pytest

from listening_post import summary_model
from listening_post.demo import DemoResult, run_demo
from listening_post.summary_model import Summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def _typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def check(value: Any, tp: Any, path: str, problems: list[str]) -> None:
    origin = get_origin(tp)
    if tp is Any:
        return
    if origin is NotRequired:
        check(value, get_args(tp)[0], path, problems)
    elif origin in (Union, types.UnionType):
        options = get_args(tp)
        if value is None and type(None) in options:
            return
        (declared,) = [o for o in options if o is not type(None)]
        check(value, declared, path, problems)
    elif _typeddict(tp):
        if not isinstance(value, dict):
            problems.append(f"{path}: {type(value).__name__}, not an object")
            return
        hints = get_type_hints(tp, vars(summary_model), include_extras=True)
        problems.extend(f"{path}.{k}: not in {tp.__name__}" for k in value if k not in hints)
        # Required keys from the hints: summary_model's annotations are strings, which __required_keys__
        # does not read NotRequired from.
        required = [k for k, h in hints.items() if tp.__total__ and get_origin(h) is not NotRequired]
        problems.extend(f"{path}.{k}: missing" for k in required if k not in value)
        for k, v in value.items():
            if k in hints:
                check(v, hints[k], f"{path}.{k}", problems)
    elif origin is list:
        if not isinstance(value, list):
            problems.append(f"{path}: {type(value).__name__}, not a list")
            return
        for i, item in enumerate(value):
            check(item, get_args(tp)[0], f"{path}[{i}]", problems)
    elif origin is dict:
        if not isinstance(value, dict):
            problems.append(f"{path}: {type(value).__name__}, not an object")
            return
        for k, item in value.items():
            check(item, get_args(tp)[1], f"{path}.{k}", problems)
    elif tp is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(f"{path}: {value!r} is not a number")
    elif not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
        problems.append(f"{path}: {value!r} is not {tp.__name__}")


def test_every_demo_summary_has_the_models_shape(demo: DemoResult) -> None:
    files = sorted(Path(demo.lake.root).glob("briefs/country=*/week=*/summary.json"))
    assert len(files) == 12
    problems: list[str] = []
    for f in files:
        check(json.loads(f.read_text()), Summary, f.parent.name, problems)
    assert problems == []


def test_the_check_finds_an_unknown_key_a_missing_key_and_a_wrong_type() -> None:
    problems: list[str] = []
    check({"n": 3, "value": "high", "status": "ok", "extra": 1}, summary_model.Estimate, "$", problems)
    assert problems == ["$.extra: not in Estimate", "$.ci95: missing", "$.value: 'high' is not a number"]
