"""A function that runs once per argument (Powertools idempotency, records in the state table), set up when
it is first called.

Powertools' idempotency package imports boto3 (its DynamoDB layer does, even when it is handed a client):
~40 ms that a cold start spent before it could take a message, for a decorator. Here the package is
imported and the layer made by the first call, with the function's own DynamoDB client; the wrapped
function keeps its name, which is part of each record's key (``<module>.<function>#<hash of the argument>``),
so records written before and after this change are the same records.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


class Idempotent:
    """``function(**{argument: value})`` at most once per value within ``expires_after_seconds``; a repeat
    returns the first call's result. Call :meth:`register_lambda_context` at each invocation (Powertools
    uses the remaining time to expire the in-progress mark of a call cut off by a timeout)."""

    def __init__(
        self,
        function: Callable[..., dict[str, Any]],
        *,
        argument: str,
        client: Any,
        table: str,
        expires_after_seconds: int,
        key_attr: str = "pk",
        sort_key_attr: str = "sk",
        expiry_attr: str = "expires_at",
    ) -> None:
        self.function, self.argument = function, argument
        self._layer = {
            "table_name": table,
            "key_attr": key_attr,
            "sort_key_attr": sort_key_attr,
            "expiry_attr": expiry_attr,
            "boto3_client": client,  # a botocore client serves: it is what a boto3 client is
        }
        self._expires = expires_after_seconds
        self._context: LambdaContext | None = None
        self._config: Any = None
        self._wrapped: Callable[..., dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def register_lambda_context(self, context: LambdaContext) -> None:
        self._context = context
        if self._config is not None:
            self._config.register_lambda_context(context)

    def _setup(self) -> Callable[..., dict[str, Any]]:
        with self._lock:
            if self._wrapped is None:
                from aws_lambda_powertools.utilities.idempotency import (
                    DynamoDBPersistenceLayer,
                    IdempotencyConfig,
                    idempotent_function,
                )

                config = IdempotencyConfig(expires_after_seconds=self._expires)
                if self._context is not None:
                    config.register_lambda_context(self._context)
                persistence = DynamoDBPersistenceLayer(**self._layer)
                # Wrapped by call, not decorated: Powertools' decorator is untyped.
                wrapped: Callable[..., dict[str, Any]] = idempotent_function(
                    data_keyword_argument=self.argument, persistence_store=persistence, config=config
                )(self.function)
                self._config, self._wrapped = config, wrapped
            return self._wrapped

    def __call__(self, value: Any) -> dict[str, Any]:
        wrapped = self._wrapped or self._setup()
        return wrapped(**{self.argument: value})
