"""Registration files (CSV, XLSX) from ticketing and form systems into attendee records."""

from kiosk.importing.presets import preset_names
from kiosk.importing.reader import read_registration_data, read_registrations
from kiosk.importing.records import ImportRefused, ReadResult, RowError, SourceRecord

__all__ = [
    "ImportRefused",
    "ReadResult",
    "RowError",
    "SourceRecord",
    "preset_names",
    "read_registration_data",
    "read_registrations",
]
