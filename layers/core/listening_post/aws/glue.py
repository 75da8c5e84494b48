"""The weekly topics table in Glue: the brief function registers each (country, week) partition it writes.

ISO weeks do not map onto Athena's date projection, so partitions are registered explicitly; registering
one that exists is a no-op.
"""

from __future__ import annotations

from typing import Any

from listening_post.layout import PATHS


def register_weekly_partition(
    client: Any, *, database: str, table: str, location: str, country: str, week: str
) -> bool:
    """Add ``country=<CC>/week=<W>`` under ``location`` (``s3://bucket/weekly``); False if it was there."""
    storage = client.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]
    partition_storage = {**storage, "Location": f"{location.rstrip('/')}/{PATHS.week_partition(country, week)}/"}
    response = client.batch_create_partition(
        DatabaseName=database,
        TableName=table,
        PartitionInputList=[{"Values": [country, week], "StorageDescriptor": partition_storage}],
    )
    errors = response.get("Errors") or []
    if errors and all(e.get("ErrorDetail", {}).get("ErrorCode") == "AlreadyExistsException" for e in errors):
        return False
    if errors:
        detail = errors[0].get("ErrorDetail", {})
        raise RuntimeError(f"Glue partition {country}/{week}: {detail.get('ErrorCode')}: {detail.get('ErrorMessage')}")
    return True
