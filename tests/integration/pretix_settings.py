"""Django settings for the pretix the connector tests run: pretix's own, SQLite writes IMMEDIATE."""

from pretix.settings import *  # noqa: F403  (pretix reads its config file; this adds to it)

# Two requests writing at once (a redeem beside an order change) would otherwise fail with
# "database is locked": SQLite upgrades a deferred read to a write too late to wait.
DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"  # noqa: F405
DATABASES["default"]["OPTIONS"]["timeout"] = 30  # noqa: F405
