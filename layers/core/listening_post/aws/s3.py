"""The lake's documents through boto3's S3 client: for functions that read briefs and write JSON but need
no Parquet, so they stay small and start fast (no pyarrow)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class S3Documents:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    def __repr__(self) -> str:
        return f"S3Documents(s3://{self.bucket}/{self.prefix})"

    def key(self, relative: str) -> str:
        return self.prefix + relative.lstrip("/")

    def list_dir(self, relative: str) -> list[str]:
        prefix = self.key(relative).rstrip("/") + "/"
        names: set[str] = set()
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix, Delimiter="/"
        ):
            names.update(p["Prefix"][len(prefix) :].rstrip("/") for p in page.get("CommonPrefixes", []))
            names.update(o["Key"][len(prefix) :] for o in page.get("Contents", []))
        return sorted(n for n in names if n and not n.startswith((".", "_")))

    def exists(self, relative: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(relative))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def read_bytes(self, relative: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=self.key(relative))["Body"].read()
        return body

    def write_bytes(self, relative: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        self.client.put_object(Bucket=self.bucket, Key=self.key(relative), Body=data, ContentType=content_type)
        return f"s3://{self.bucket}/{self.key(relative)}"
