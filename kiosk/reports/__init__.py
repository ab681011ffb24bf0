"""After the event: attendance exports, the event report, retention and backups."""
