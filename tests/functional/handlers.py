"""Loading the Lambda handlers as Lambda does (module import is the cold start), with a Lambda context."""

from __future__ import annotations

import gc
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class FakeContext:
    function_name: str = "listening-post-test"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:listening-post-test"
    memory_limit_in_mb: int = 512
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name: str = "/aws/lambda/listening-post-test"
    log_stream_name: str = "2026/11/23/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def load_handler(name: str) -> ModuleType:
    """A fresh import of functions/<name>/app.py: settings and clients are read as at a cold start."""
    from listening_post.settings import get_settings

    get_settings.cache_clear()
    module_name = f"handler_{name}"
    sys.modules.pop(module_name, None)
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "functions" / name / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        # A handler switches the GC off for its cold start, then freezes what it built and switches it back
        # on. A Lambda process runs one handler and is dropped when its cold start fails; the test process
        # loads many: it keeps collecting what they built (extensions report frozen objects as leaks at exit),
        # and a cold start that failed half-way does not leave it without a GC.
        gc.unfreeze()
        gc.enable()
    return module


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return loaded
