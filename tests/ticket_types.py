"""Registration samples carrying a ticket type that must never be printed, and a PDF's text."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

IMPORTS = Path(__file__).parent / "data" / "imports"
# A real ticket type, as Ticket Tailor exports it: printed, it would out a survivor.
SURVIVORS = "FREE - SURVIVOR LEADERS & VOLUNTEERS"
# The samples whose layout has a ticket type (or category) column, and that column.
TICKET_TYPE_COLUMNS = {
    "eventbrite_attendee_summary.csv": "Ticket Type",
    "generic_delegates.csv": "Category",
    "hievents_attendees.csv": "Product Name",
    "microsoft_forms_responses.csv": "I am attending as",
    "pretix_order_positions.csv": "Product",
    "tickettailor_issued_tickets.csv": "Ticket type",
    "tito_tickets.csv": "Ticket",
}


def with_ticket_type(sample: Path, out: Path, ticket_type: str = SURVIVORS) -> Path:
    """The sample with every other registration's ticket type changed to ``ticket_type``."""
    with sample.open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    column = rows[0].index(TICKET_TYPE_COLUMNS[sample.name])
    for number, row in enumerate(r for r in rows[1:] if len(r) > column and any(r)):
        if number % 2 == 0:
            row[column] = ticket_type
    with out.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(rows)
    return out


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
