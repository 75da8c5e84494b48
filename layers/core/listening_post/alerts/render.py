"""The alert as a reader gets it: mail-safe HTML and plain text (e-mail), JSON, Teams and Slack payloads.
Everything shown comes from the alert document, whose examples are masked (engine.mask) and whose links
passed ``safe_url`` (http(s) only); HTML is autoescaped, nothing is marked safe."""

from __future__ import annotations

from typing import Any

import jinja2

from listening_post.briefs.render import safe_url

_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: Arial, sans-serif; max-width: 640px; margin: 0 auto; padding: 12px;
 color: #1a1a1a">
<p style="margin: 0; color: #555">Listening Post alert · {{ a.country }} ·
severity <strong>{{ a.severity }}</strong></p>
<h1 style="font-size: 20px; margin: 8px 0">{{ a.headline }}</h1>
<ul>{% for s in a.signals %}<li>{{ s.what }}</li>{% endfor %}</ul>
<p>Coordinated share of the posts behind it: <strong>{{ '%.0f' % (a.coordinated_share * 100) }}%</strong>
of {{ a.posts }} posts.{% if evidence %} <a href="{{ evidence }}">The posts behind this alert</a>.{% endif %}</p>
{% if a.top_terms %}<p>Top terms: {{ a.top_terms | join(', ') }}</p>{% endif %}
{% if a.examples %}<h2 style="font-size: 16px">Examples</h2>
{% for e in a.examples %}
<blockquote style="margin: 8px 0; padding-left: 8px; border-left: 3px solid #999">{{ e.text }}
<br><small>{{ e.source }}, {{ e.created_at[:16] | replace('T', ' ') }} UTC
{%- if e.link %} · <a href="{{ e.link }}">open</a>{% endif %}</small></blockquote>
{% endfor %}{% endif %}
<p style="color: #555; font-size: 12px">First seen {{ a.opened_at[:16] | replace('T', ' ') }} UTC.
Event {{ a.event_id }}: updates to this event are not sent again. {{ privacy }}</p>
</body></html>
"""


# Said under every alert: the quoted texts mask handles, but a post's link on some platforms names its author.
PRIVACY = "Handles in the quoted texts are masked; a post's link names its author where the platform's links do."


def _env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env


def subject(alert: dict[str, Any]) -> str:
    return f"[{alert['severity']}] {alert['country']}: {alert['headline']}"[:200]


def evidence_url(alert: dict[str, Any], base: str | None) -> str | None:
    return safe_url(f"{base.rstrip('/')}/alerts/{alert['country']}/{alert['event_id']}") if base else None


def html(alert: dict[str, Any], base: str | None = None) -> str:
    return (
        _env()
        .from_string(_HTML)
        .render(a=alert, subject=subject(alert), evidence=evidence_url(alert, base), privacy=PRIVACY)
    )


def text(alert: dict[str, Any], base: str | None = None) -> str:
    lines = [f"Listening Post alert, {alert['country']}, severity {alert['severity']}", "", alert["headline"], ""]
    lines += [f"- {s['what']}" for s in alert["signals"]]
    lines += ["", f"Coordinated share: {alert['coordinated_share']:.0%} of {alert['posts']} posts."]
    if evidence := evidence_url(alert, base):
        lines.append(f"The posts behind it: {evidence}")
    if alert["top_terms"]:
        lines.append("Top terms: " + ", ".join(alert["top_terms"]))
    for e in alert["examples"]:
        lines += [
            "",
            f"> {e['text']}",
            f"  {e['source']}, {e['created_at'][:16]} UTC" + (f", {e['link']}" if e["link"] else ""),
        ]
    lines += ["", f"Event {alert['event_id']}: updates to this event are not sent again. {PRIVACY}"]
    return "\n".join(lines) + "\n"


def payload(alert: dict[str, Any], fmt: str, base: str | None = None) -> dict[str, Any]:
    """JSON for a webhook: the alert itself (``json``), or a Teams MessageCard / Slack message."""
    if fmt == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": subject(alert)[:150],
            "title": subject(alert),
            "text": text(alert, base).replace("\n", "\n\n"),
        }
    if fmt == "slack":
        return {
            "text": subject(alert),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text(alert, base)[:2900]}}],
        }
    fields = (
        "event_id",
        "country",
        "opened_at",
        "last_seen",
        "severity",
        "about_us",
        "headline",
        "signals",
        "posts",
        "coordinated_share",
        "top_terms",
        "examples",
    )
    return {k: alert[k] for k in fields} | {"evidence": evidence_url(alert, base)}
