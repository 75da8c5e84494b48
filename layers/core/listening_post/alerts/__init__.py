"""Alerts between briefs: detection as the data arrives (``rules/``, one module per rule, found through
``rules.RULES``), one event per alert (``engine``), memory in the lake (``store``), the message
(``render``) and its delivery (``delivery``: SMTP, webhook, SES, SNS; clients injected)."""
