"""The stack's resources the functions read, made on moto (in-process or its server) for tests and the bench:
the configuration in the data bucket, the state table (keys as template.yaml's StateTable; a unit test
checks they agree), the jobs queue and the author-key secret; and the Glue table of weekly topics that the
brief function registers its partitions in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CONFIG_KEY = "config/listening-post.yaml"
STATE_TABLE_KEYS: dict[str, Any] = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ],
}


@dataclass(frozen=True)
class Stack:
    queue_url: str
    secret_arn: str


def make_stack(
    client: Callable[[str], Any], *, bucket: str, table: str, name: str, config: bytes, author_key: str
) -> Stack:
    """``client(service)`` gives a boto3 client; ``bucket`` exists; queue and secret are named after ``name``."""
    client("s3").put_object(Bucket=bucket, Key=CONFIG_KEY, Body=config)
    client("dynamodb").create_table(TableName=table, BillingMode="PAY_PER_REQUEST", **STATE_TABLE_KEYS)
    queue_url = client("sqs").create_queue(QueueName=f"{name}-jobs")["QueueUrl"]
    secret = client("secretsmanager").create_secret(Name=f"{name}-author-key", SecretString=author_key)
    return Stack(queue_url=queue_url, secret_arn=secret["ARN"])


GLUE_DATABASE, WEEKLY_TABLE, SIDES_TABLE = "listening_post", "weekly_topics", "weekly_sides"


def make_weekly_table(glue: Any, bucket: str) -> None:
    """The Glue database and weekly topics table (partitioned by country and week) under ``bucket``."""
    glue.create_database(DatabaseInput={"Name": GLUE_DATABASE})
    glue.create_table(
        DatabaseName=GLUE_DATABASE,
        TableInput={
            "Name": WEEKLY_TABLE,
            "PartitionKeys": [{"Name": "country", "Type": "string"}, {"Name": "week", "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [{"Name": "topic_id", "Type": "string"}],
                "Location": f"s3://{bucket}/weekly/",
            },
        },
    )
    glue.create_table(
        DatabaseName=GLUE_DATABASE,
        TableInput={
            "Name": SIDES_TABLE,
            "PartitionKeys": [{"Name": "country", "Type": "string"}, {"Name": "week", "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [{"Name": "side", "Type": "string"}],
                "Location": f"s3://{bucket}/weekly_sides/",
            },
        },
    )
