"""pretix orders as rows of its own export's columns, so the import reads them as it reads the file.

One row per admission position, with the headings of pretix's "Order data" export
(``Order code``, ``Position ID``, ``Status``, ``Product``, ``Attendee name: Given name``, …)
so the pretix preset maps them exactly as it maps the exported file; one column per question
(its text as heading, as the export has it) and one per add-on product category ("Workshops"),
whose add-on products the person booked. What no preset maps is dropped by the import, as for
the file; only what the import may need is laid out here (no addresses, no payments).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

FIXED_HEADINGS = (
    "Order code", "Position ID", "Status", "Product", "Attendee name: Given name",
    "Attendee name: Family name", "Attendee name", "Attendee email", "Email", "Company",
    "Ticket secret",
)
_CANCELLED = "c"


def localized(value: Any, locale: str = "en") -> str:
    """pretix's multilingual text ({"en": …, "de": …}) in the event's language."""
    if isinstance(value, dict):
        return str(value.get(locale) or next(iter(value.values()), "") or "")
    return "" if value is None else str(value)


@dataclass
class Catalogue:
    """The event's products, their categories and questions, as pretix names them."""

    locale: str = "en"
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)
    questions: dict[int, dict[str, Any]] = field(default_factory=dict)

    def item_name(self, item_id: int) -> str:
        return localized(self.items.get(item_id, {}).get("name"), self.locale)

    def is_admission(self, item_id: int) -> bool:
        # An item this catalogue does not know (added since it was read) counts as a ticket.
        return bool(self.items.get(item_id, {}).get("admission", True))

    def addon_heading(self, item_id: int) -> str:
        category = self.items.get(item_id, {}).get("category")
        return (self.categories.get(category, "") if isinstance(category, int) else "") \
            or "Add-on products"

    def question_heading(self, question_id: int) -> str:
        return localized(self.questions.get(question_id, {}).get("question"),
                         self.locale) or f"Question {question_id}"

    def option_text(self, question_id: int, option_id: int) -> str:
        for option in self.questions.get(question_id, {}).get("options", []):
            if option.get("id") == option_id:
                return localized(option.get("answer"), self.locale)
        return ""


def order_rows(orders: Iterable[Mapping[str, Any]], catalogue: Catalogue) -> list[list[str]]:
    """The headings, then one row per admission position of ``orders``."""
    records: list[dict[str, str]] = []
    extra: dict[str, None] = {}  # question and add-on headings, in first-seen order
    for order in orders:
        positions = list(order.get("positions", []))
        addons: dict[int, list[dict[str, Any]]] = {}
        for position in positions:
            if position.get("addon_to") is not None and not position.get("canceled"):
                addons.setdefault(position["addon_to"], []).append(position)
        for position in positions:
            if position.get("addon_to") is not None:
                continue
            if not catalogue.is_admission(position.get("item", 0)):
                continue
            record = _record(order, position, catalogue)
            booked: dict[str, list[str]] = {}
            for addon in addons.get(position.get("id", -1), []):
                heading = catalogue.addon_heading(addon.get("item", 0))
                booked.setdefault(heading, []).append(catalogue.item_name(addon.get("item", 0)))
            for heading, names in booked.items():
                record[heading] = "; ".join(names)
            for key in record:
                if key not in FIXED_HEADINGS:
                    extra.setdefault(key)
            records.append(record)
    headings = [*FIXED_HEADINGS, *extra]
    return [headings, *([record.get(h, "") for h in headings] for record in records)]


def _record(order: Mapping[str, Any], position: Mapping[str, Any], catalogue: Catalogue
            ) -> dict[str, str]:
    # The order's status decides: a cancelled order's positions still say canceled: false.
    status = _CANCELLED if position.get("canceled") else str(order.get("status", ""))
    parts = position.get("attendee_name_parts") or {}
    record = {
        "Order code": str(order.get("code", "")),
        "Position ID": str(position.get("positionid", "")),
        "Status": status,
        "Product": catalogue.item_name(position.get("item", 0)),
        "Attendee name: Given name": str(parts.get("given_name") or ""),
        "Attendee name: Family name": str(parts.get("family_name") or ""),
        "Attendee name": str(position.get("attendee_name") or parts.get("full_name") or ""),
        "Attendee email": str(position.get("attendee_email") or ""),
        "Email": str(order.get("email") or ""),
        "Company": str(position.get("company") or ""),
        "Ticket secret": str(position.get("secret") or ""),
    }
    for answer in position.get("answers", []):
        question = answer.get("question", 0)
        options = [catalogue.option_text(question, o) for o in answer.get("options", [])]
        text = "; ".join(o for o in options if o) or str(answer.get("answer") or "")
        record[catalogue.question_heading(question)] = text
    return record
