"""Scoring: sentiment backends and the topic matcher."""
