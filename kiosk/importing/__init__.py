"""Registration files (CSV, XLSX) from ticketing and form systems into attendee records."""
