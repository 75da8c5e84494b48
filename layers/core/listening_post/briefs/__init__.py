"""Briefs: findings sentences, charts, and the HTML and Markdown renderings of summary.json."""
