"""The optional ``alerts:`` block: defaults, and problems reported with their place like any other."""

from __future__ import annotations

import pytest

from listening_post.config import ConfigError, parse_config

BASE = """version: 1
secrets: {author_key: {env: K}}
countries:
  - {code: CA, languages: [en], timezone: America/Toronto}
"""


def test_no_alerts_block_means_defaults() -> None:
    config = parse_config(BASE)
    assert config.alerts.thresholds.volume_z == 4.5 and config.alerts.thresholds.cooldown_hours == 24
    assert config.alerts.for_country("CA") is None


def test_bad_alert_settings_are_located() -> None:
    text = BASE + (
        "alerts:\n"
        "  thresholds: {volume_z: -1}\n"
        "  recipients:\n"
        "    - country: CA\n"
        "      email: [not-an-address]\n"
        "      quiet_hours: {start: '25:00', end: '07:00'}\n"
        "      webhooks: [{url: https://hooks.example/abc}]\n"
    )
    with pytest.raises(ConfigError) as exc:
        parse_config(text, name="c.yaml")
    problems = [str(p) for p in exc.value.problems]
    joined = "\n".join(problems)
    assert "c.yaml:6:" in joined and "alerts.thresholds.volume_z" in joined
    assert "alerts.recipients[0].email" in joined and "not an e-mail address" in joined
    assert "alerts.recipients[0].quiet_hours.start" in joined
    # A webhook URL is a secret: a reference, never the URL itself.
    assert "alerts.recipients[0].webhooks[0].url" in joined


def test_alert_recipients_and_about_us_topics_must_be_configured() -> None:
    text = BASE + "alerts:\n  about_us_topics: [embassy]\n  recipients:\n    - {country: DE, email: [a@b.example]}\n"
    with pytest.raises(ConfigError) as exc:
        parse_config(text, name="c.yaml")
    joined = "\n".join(str(p) for p in exc.value.problems)
    assert "c.yaml:6:" in joined and "'embassy' is not one of the configured topics" in joined
    assert "alerts.recipients[0].country" in joined and "'DE' is not one of the configured countries" in joined
