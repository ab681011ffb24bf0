"""Whatever bytes a file holds, reading it gives a result or ImportRefused — never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.models import ATTENDEE_FIELDS
from kiosk.importing import ImportRefused, ReadResult, read_registrations

HEADINGS = [
    "First name",
    "Surname",
    "Name",
    "Email",
    "Workshops",
    "Status",
    "Category",
    "Photo consent",
    "Void Status",
    "Order code",
    "Position ID",
    "Timestamp",
]

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(HEADINGS),
    st.sampled_from(['"', '""', ",", ";", "\t", "\r\n", "\n", "Yes", "No", "cancelled", "@"]),
)
csv_like = st.lists(
    st.lists(cells, max_size=8).map(lambda row: ",;\t"[len(row) % 3].join(row)),
    max_size=12,
).map(lambda lines: "\r\n".join(lines))
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


def read_bytes(data: bytes, suffix: str = ".csv") -> ReadResult | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"registrations{suffix}"
        path.write_bytes(data)
        try:
            result = read_registrations(path)
        except ImportRefused as refused:
            assert str(refused)
            return None
    for record in result.records:
        assert set(record.fields) <= set(ATTENDEE_FIELDS)
        assert any(record.fields.get(n) for n in ("first_name", "last_name", "badge_name"))
        assert record.fields["status"] in ("active", "cancelled")
        assert all(isinstance(v, str) for v in record.fields.values())
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data: bytes) -> None:
    read_bytes(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_that_start_like_a_zip(data: bytes) -> None:
    read_bytes(b"PK\x03\x04" + data, ".xlsx")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_like, encodings)
def test_arbitrary_csv_like_text(text: str, encoding: str) -> None:
    read_bytes(text.encode(encoding, errors="replace"))
