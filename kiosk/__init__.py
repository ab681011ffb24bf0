"""kiosk: an offline-first check-in desk for conferences."""

__version__ = "0.1.0"
