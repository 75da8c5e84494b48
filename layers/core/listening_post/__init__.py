"""Listening Post: public-opinion listening for diplomatic missions."""

__version__ = "0.1.0"
