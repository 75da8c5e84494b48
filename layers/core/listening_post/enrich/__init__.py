"""Enrichment: text cleaning, language detection, author pseudonyms and duplicate keys."""
