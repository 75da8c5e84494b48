"""The state table (DynamoDB): collection cursors and the run ledger, one item each.

    pk = "cursor#<CC>"   sk = "<source>#<query id>"    cursor (JSON), updated_at
    pk = "ledger"        sk = "country#<CC>"           first_run_at, last_run_at, last_post_at, posts
Powertools' idempotency records share the table under their own partition keys.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

from listening_post.cursors import CursorKey


class DynamoDBCursorStore:
    """The deployed :class:`~listening_post.cursors.CursorStore`; ``table`` is a boto3 Table resource."""

    def __init__(self, table: Any) -> None:
        self.table = table

    @staticmethod
    def item_key(key: CursorKey) -> dict[str, str]:
        return {"pk": f"cursor#{key.country}", "sk": f"{key.source}#{key.query_id}"}

    def get(self, key: CursorKey) -> dict[str, Any] | None:
        item = self.table.get_item(Key=self.item_key(key), ConsistentRead=True).get("Item")
        if not item or "cursor" not in item:
            return None
        cursor = json.loads(item["cursor"])
        return cursor if isinstance(cursor, dict) else None

    def put(self, key: CursorKey, cursor: dict[str, Any]) -> None:
        self.table.put_item(
            Item={
                **self.item_key(key),
                "cursor": json.dumps(cursor, sort_keys=True),
                "updated_at": datetime.now(UTC).isoformat(),
            }
        )


class Ledger:
    """When each country last had posts: the plan function turns it into the StaleCountries metric."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def record(self, country: str, *, posts: int, newest: datetime | None, at: datetime) -> None:
        key = {"pk": "ledger", "sk": f"country#{country}"}
        self.table.update_item(
            Key=key,
            UpdateExpression="SET #r = :r, #f = if_not_exists(#f, :r) ADD #n :n",
            ExpressionAttributeNames={"#r": "last_run_at", "#f": "first_run_at", "#n": "posts"},
            ExpressionAttributeValues={":r": at.isoformat(), ":n": posts},
        )
        if newest is None or not posts:
            return
        # Keep the latest post time whichever collector writes first: ISO UTC strings compare in time order.
        with contextlib.suppress(self.table.meta.client.exceptions.ConditionalCheckFailedException):
            self.table.update_item(  # fails its condition when a later post is already recorded
                Key=key,
                UpdateExpression="SET #p = :p",
                ConditionExpression="attribute_not_exists(#p) OR #p < :p",
                ExpressionAttributeNames={"#p": "last_post_at"},
                ExpressionAttributeValues={":p": newest.astimezone(UTC).isoformat()},
            )

    def countries(self) -> dict[str, dict[str, Any]]:
        """Every ledger entry by country: first_run_at, last_run_at, last_post_at (datetimes), posts."""
        out: dict[str, dict[str, Any]] = {}
        kwargs: dict[str, Any] = {
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": "ledger"},
        }
        while True:
            page = self.table.query(**kwargs)
            for item in page.get("Items", []):
                entry: dict[str, Any] = {"posts": int(item.get("posts", 0))}
                for name in ("first_run_at", "last_run_at", "last_post_at"):
                    entry[name] = datetime.fromisoformat(str(item[name])) if item.get(name) else None
                out[str(item["sk"]).removeprefix("country#")] = entry
            if "LastEvaluatedKey" not in page:
                return out
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
