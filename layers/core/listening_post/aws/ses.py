"""E-mailing a brief through SES (v2): the HTML brief as the message, the Markdown as its plain-text part."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class BriefMailer:
    def __init__(self, client: Any, sender: str) -> None:
        self.client = client
        self.sender = sender

    def send(self, recipients: Sequence[str], subject: str, html: str, text: str) -> str:
        response = self.client.send_email(
            FromEmailAddress=self.sender,
            Destination={"ToAddresses": list(recipients)},
            Content={
                "Simple": {
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Html": {"Data": html, "Charset": "UTF-8"}, "Text": {"Data": text, "Charset": "UTF-8"}},
                }
            },
        )
        message_id: str = response.get("MessageId", "")
        return message_id
