"""Delivery of new alerts: SMTP (local) or SES (deployed) e-mail, webhooks (JSON, Teams, Slack), an SNS
topic; AWS clients are injected. Each channel's outcome is recorded in the alert (``deliveries``): a
failed or deferred (quiet hours) channel is tried again on the next run, alone, up to ``MAX_ATTEMPTS``;
the alert itself is never raised twice. Receivers can drop repeats by the event id (``Idempotency-Key``
header, the mail's Message-ID, SNS message attribute)."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from collections.abc import Mapping
from datetime import datetime, time
from email.message import EmailMessage
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from listening_post.alerts import render
from listening_post.briefs.mailsafe import mail_safety_problems
from listening_post.config import AlertRecipients, Config
from listening_post.credentials import SecretResolver

MAX_ATTEMPTS = 5
TIMEOUT_S = 10


class Channel(Protocol):
    name: str  # says where without any secret: "email", "webhook-1 (teams)", "sns"

    def send(self, alert: dict[str, Any]) -> None: ...


def mail(alert: dict[str, Any], sender: str, to: list[str], base: str | None) -> EmailMessage:
    body = render.html(alert, base)
    if problems := mail_safety_problems(body):
        raise ValueError("alert HTML is not mail-safe: " + "; ".join(problems))
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = render.subject(alert), sender, ", ".join(to)
    msg["Message-ID"] = f"<alert-{alert['event_id']}@listening-post>"
    msg.set_content(render.text(alert, base))
    msg.add_alternative(body, subtype="html")
    return msg


class SmtpChannel:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        to: list[str],
        *,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        base: str | None = None,
    ) -> None:
        self.name, self.host, self.port, self.sender, self.to = "email", host, port, sender, to
        self.starttls, self.username, self._password, self.base = starttls, username, password, base

    def send(self, alert: dict[str, Any]) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self._password:
                smtp.login(self.username, self._password)
            smtp.send_message(mail(alert, self.sender, self.to, self.base))


class SesChannel:
    def __init__(self, client: Any, sender: str, to: list[str], base: str | None = None) -> None:
        self.name, self.client, self.sender, self.to, self.base = "email", client, sender, to, base

    def send(self, alert: dict[str, Any]) -> None:
        raw = mail(alert, self.sender, self.to, self.base).as_bytes()
        self.client.send_raw_email(Source=self.sender, Destinations=self.to, RawMessage={"Data": raw})


class SnsChannel:
    def __init__(self, client: Any, topic_arn: str, base: str | None = None) -> None:
        self.name, self.client, self.topic_arn, self.base = "sns", client, topic_arn, base

    def send(self, alert: dict[str, Any]) -> None:
        self.client.publish(
            TopicArn=self.topic_arn,
            Subject=render.subject(alert)[:100].replace("\n", " "),
            Message=render.text(alert, self.base),
            MessageAttributes={"event_id": {"DataType": "String", "StringValue": alert["event_id"]}},
        )


class WebhookChannel:
    def __init__(self, name: str, url: str, fmt: str, base: str | None = None) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"{name}: a webhook URL must be http(s)")
        self.name, self._url, self.fmt, self.base = name, url, fmt, base

    def send(self, alert: dict[str, Any]) -> None:
        data = json.dumps(render.payload(alert, self.fmt, self.base), ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - http(s) checked above
            self._url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": alert["event_id"]},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310  # nosec B310
            response.read()


def channels_for(
    config: Config, country: str, resolver: SecretResolver, *, ses: Any = None, sns: Any = None
) -> list[Channel]:
    """The country's channels: SMTP when ``alerts.smtp`` is set, else SES (client given); webhooks; SNS."""
    a = config.alerts
    r = a.for_country(country)
    if r is None:
        return []
    out: list[Channel] = []
    if r.email and a.smtp:
        password = resolver.resolve(a.smtp.password).get_secret_value() if a.smtp.password else None
        out.append(
            SmtpChannel(
                a.smtp.host,
                a.smtp.port,
                a.sender,
                r.email,
                starttls=a.smtp.starttls,
                username=a.smtp.username,
                password=password,
                base=a.evidence_url,
            )
        )
    elif r.email and ses is not None:
        out.append(SesChannel(ses, a.sender, r.email, a.evidence_url))
    for i, hook in enumerate(r.webhooks, 1):
        url = resolver.resolve(hook.url).get_secret_value()
        out.append(WebhookChannel(f"webhook-{i} ({hook.format})", url, hook.format, a.evidence_url))
    if r.sns_topic_arn and sns is not None:
        out.append(SnsChannel(sns, r.sns_topic_arn, a.evidence_url))
    return out


def quiet(recipients: AlertRecipients | None, zone: str, now: datetime) -> bool:
    if recipients is None or recipients.quiet_hours is None:
        return False
    local = now.astimezone(ZoneInfo(zone)).time()
    start, end = (time.fromisoformat(recipients.quiet_hours.start), time.fromisoformat(recipients.quiet_hours.end))
    return start <= local < end if start <= end else local >= start or local < end


def deliver(alert: dict[str, Any], channels: list[Channel], now: datetime, *, is_quiet: bool = False) -> bool:
    """Send to every channel not yet done; records each outcome in ``alert['deliveries']``. True if changed."""
    records: Mapping[str, dict[str, Any]] = {d["channel"]: d for d in alert["deliveries"]}
    changed = False
    for channel in channels:
        record = records.get(channel.name)
        if record is None:
            record = {"channel": channel.name, "status": "pending", "attempts": 0, "error": None, "sent_at": None}
            alert["deliveries"].append(record)
            changed = True
        if record["status"] == "sent" or record["attempts"] >= MAX_ATTEMPTS:
            continue
        changed = True
        if is_quiet:
            record["status"] = "deferred"
            record["error"] = "quiet hours"
            continue
        record["attempts"] += 1
        try:
            channel.send(alert)
        except Exception as exc:
            record["status"], record["error"] = "failed", f"{type(exc).__name__}: {str(exc)[:200]}"
        else:
            record["status"], record["error"], record["sent_at"] = "sent", None, now.isoformat()
    return changed
