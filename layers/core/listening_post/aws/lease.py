"""The deployed lease: one item of the state table, ``pk = "lease"``, ``sk = <name>``, with its holder and
``expires_at`` (epoch seconds, the table's TTL attribute). Taking it is a conditional put that succeeds only
when no item is there or the one there has expired, so a crashed run blocks the next one for at most the
lease's duration. Releasing deletes the item only if this run still holds it. The client (botocore's or
boto3's) is injected."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from listening_post.lease import LeaseHeldError


class DynamoDBLease:
    def __init__(
        self,
        client: Any,
        table: str,
        *,
        name: str,
        holder: str,
        seconds: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client, self.table, self.name, self.holder, self.seconds, self.clock = (
            client,
            table,
            name,
            holder,
            seconds,
            clock,
        )
        self.key = {"pk": {"S": "lease"}, "sk": {"S": name}}

    def __enter__(self) -> DynamoDBLease:
        now = int(self.clock())
        try:
            self.client.put_item(
                TableName=self.table,
                Item={
                    **self.key,
                    "holder": {"S": self.holder},
                    "since": {"S": _iso(now)},
                    "expires_at": {"N": str(now + self.seconds)},
                },
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                ExpressionAttributeValues={":now": {"N": str(now)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            item = self.client.get_item(TableName=self.table, Key=self.key, ConsistentRead=True).get("Item") or {}
            holder = item.get("holder", {}).get("S", "unknown")
            since = item.get("since", {}).get("S", "unknown")
            until = _iso(int(item.get("expires_at", {}).get("N", "0")))
            raise LeaseHeldError(
                f"another {self.name} is running (run {holder}, since {since}; its lease expires {until})"
            ) from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        # When it expired and another run took it, it is that run's to release.
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.delete_item(
                TableName=self.table,
                Key=self.key,
                ConditionExpression="holder = :me",
                ExpressionAttributeValues={":me": {"S": self.holder}},
            )


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")
