"""E-mailing a brief through SES (v2): the HTML brief as the message, the Markdown as its plain-text part."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from listening_post.briefs.mailsafe import mail_safety_problems, without_file_navigation


class UnsafeMailError(ValueError):
    """The HTML holds script, an event handler or a load from another host: it is not sent."""


class BriefMailer:
    def __init__(self, client: Any, sender: str) -> None:
        self.client = client
        self.sender = sender

    def send(self, recipients: Sequence[str], subject: str, html: str, text: str) -> str:
        html = without_file_navigation(html)  # relative links to other weeks' files lead nowhere in a mail
        # Mail clients apply no Content-Security-Policy: what would run there is refused here.
        problems = mail_safety_problems(html)
        if problems:
            raise UnsafeMailError(f"not sent, the HTML is unsafe for mail: {'; '.join(problems[:5])}")
        response = self.client.send_email(
            FromEmailAddress=self.sender,
            Destination={"ToAddresses": list(recipients)},
            Content={
                "Simple": {
                    "Subject": {"Data": " ".join(subject.split()), "Charset": "UTF-8"},
                    "Body": {"Html": {"Data": html, "Charset": "UTF-8"}, "Text": {"Data": text, "Charset": "UTF-8"}},
                }
            },
        )
        message_id: str = response.get("MessageId", "")
        return message_id
