"""The state table (DynamoDB): collection cursors and the run ledger, one item each.

    pk = "cursor#<CC>"   sk = "<source>#<query id>"    cursor (JSON), updated_at
    pk = "ledger"        sk = "country#<CC>"           first_run_at, last_run_at, last_post_at, posts
Powertools' idempotency records share the table under their own partition keys.

Both adapters take a low-level DynamoDB client (botocore's, or boto3's: the same thing) and the table's
name, and write DynamoDB's typed attribute values themselves: the items hold only strings and one number,
and boto3's Table resource would cost every function that uses them a boto3 import and a session of its own.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from listening_post.cursors import CursorKey


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """An item's strings as str and numbers as int (the only types these items hold)."""
    out: dict[str, Any] = {}
    for name, value in item.items():
        if "S" in value:
            out[name] = value["S"]
        elif "N" in value:
            out[name] = int(value["N"])
    return out


class DynamoDBCursorStore:
    """The deployed :class:`~listening_post.cursors.CursorStore`."""

    def __init__(self, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    @staticmethod
    def item_key(key: CursorKey) -> dict[str, dict[str, str]]:
        return {"pk": _s(f"cursor#{key.country}"), "sk": _s(f"{key.source}#{key.query_id}")}

    def get(self, key: CursorKey) -> dict[str, Any] | None:
        response = self.client.get_item(TableName=self.table, Key=self.item_key(key), ConsistentRead=True)
        item = _plain(response.get("Item") or {})
        if "cursor" not in item:
            return None
        cursor = json.loads(item["cursor"])
        return cursor if isinstance(cursor, dict) else None

    def put(self, key: CursorKey, cursor: dict[str, Any]) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                **self.item_key(key),
                "cursor": _s(json.dumps(cursor, sort_keys=True)),
                "updated_at": _s(datetime.now(UTC).isoformat()),
            },
        )


class Ledger:
    """When each country last had posts: the plan function turns it into the StaleCountries metric."""

    def __init__(self, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    def record(self, country: str, *, posts: int, newest: datetime | None, at: datetime) -> None:
        key = {"pk": _s("ledger"), "sk": _s(f"country#{country}")}
        self.client.update_item(
            TableName=self.table,
            Key=key,
            UpdateExpression="SET #r = :r, #f = if_not_exists(#f, :r) ADD #n :n",
            ExpressionAttributeNames={"#r": "last_run_at", "#f": "first_run_at", "#n": "posts"},
            ExpressionAttributeValues={":r": _s(at.isoformat()), ":n": {"N": str(int(posts))}},
        )
        if newest is None or not posts:
            return
        # Keep the latest post time whichever collector writes first: ISO UTC strings compare in time order.
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(  # fails its condition when a later post is already recorded
                TableName=self.table,
                Key=key,
                UpdateExpression="SET #p = :p",
                ConditionExpression="attribute_not_exists(#p) OR #p < :p",
                ExpressionAttributeNames={"#p": "last_post_at"},
                ExpressionAttributeValues={":p": _s(newest.astimezone(UTC).isoformat())},
            )

    def countries(self) -> dict[str, dict[str, Any]]:
        """Every ledger entry by country: first_run_at, last_run_at, last_post_at (datetimes), posts."""
        out: dict[str, dict[str, Any]] = {}
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": _s("ledger")},
        }
        while True:
            page = self.client.query(**kwargs)
            for raw in page.get("Items", []):
                item = _plain(raw)
                entry: dict[str, Any] = {"posts": int(item.get("posts", 0))}
                for name in ("first_run_at", "last_run_at", "last_post_at"):
                    entry[name] = datetime.fromisoformat(str(item[name])) if item.get(name) else None
                out[str(item["sk"]).removeprefix("country#")] = entry
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
