"""The jobs queue: collection jobs go out ten to a SendMessageBatch call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from listening_post.jobs import JobSpec

BATCH = 10  # SQS's limit per SendMessageBatch


class QueueError(RuntimeError):
    pass


class JobQueue:
    def __init__(self, client: Any, url: str) -> None:
        self.client = client
        self.url = url

    def send(self, jobs: Sequence[JobSpec]) -> int:
        for start in range(0, len(jobs), BATCH):
            chunk = jobs[start : start + BATCH]
            response = self.client.send_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "MessageBody": job.model_dump_json()} for i, job in enumerate(chunk)],
            )
            failed = response.get("Failed") or []
            if failed:
                reasons = "; ".join(f"{f.get('Code')}: {f.get('Message')}" for f in failed)
                raise QueueError(f"{len(failed)} of {len(chunk)} job messages were not queued ({reasons})")
        return len(jobs)
