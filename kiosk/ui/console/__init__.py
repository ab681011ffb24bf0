"""The organisers' console: attendees, the live dashboard and the import wizard, in one window."""
