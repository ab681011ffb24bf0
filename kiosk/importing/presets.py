"""Presets: the column layout of each ticketing or form system, and telling them apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.importing.headers import header_key, without_brackets


@dataclass(frozen=True)
class Preset:
    """How one system names its columns.

    ``columns`` lists (heading key, field) in order of preference: when two columns fill the
    same field, the earlier one wins and the other is dropped. ``signature`` holds
    headings that this system writes and plain spreadsheets rarely have; detection counts
    them. ``ref_parts`` names two columns joined by "-" into the external reference (pretix
    numbers positions within an order).
    """

    name: str
    title: str
    columns: tuple[tuple[str, str], ...]
    signature: frozenset[str]
    min_signature: int = 2
    ref_parts: tuple[str, str] | None = None

    def lookup(self) -> dict[str, tuple[str, int]]:
        """Heading key -> (field, preference), own columns before the generic ones."""
        table: dict[str, tuple[str, int]] = {}
        for position, (key, field) in enumerate((*self.columns, *GENERIC_COLUMNS)):
            table.setdefault(key, (field, position))
        return table


def _columns(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((header_key(heading), field) for heading, field in pairs)


# Plain files made by hand, and the questions people add to any form or ticket checkout.
# Based on the fields of kiosk.core.models and on headings seen in organisers' own sheets;
# the more specific heading of two comes first ("Email address" is asked, "Email" may be
# the account that filled in a Microsoft form).
GENERIC_COLUMNS = _columns(
    ("First name", "first_name"),
    ("First names", "first_name"),
    ("Firstname", "first_name"),
    ("Given name", "first_name"),
    ("Given names", "first_name"),
    ("Forename", "first_name"),
    ("First", "first_name"),
    ("Last name", "last_name"),
    ("Lastname", "last_name"),
    ("Surname", "last_name"),
    ("Family name", "last_name"),
    ("Last", "last_name"),
    ("Full name", "name"),
    ("Your name", "name"),
    ("Your full name", "name"),
    ("Attendee name", "name"),
    ("Attendee", "name"),
    ("Participant name", "name"),
    ("Delegate name", "name"),
    ("Name", "name"),
    ("Badge name", "badge_name"),
    ("Name on badge", "badge_name"),
    ("Name for badge", "badge_name"),
    ("Name for your badge", "badge_name"),
    ("Preferred name", "badge_name"),
    ("Pronouns", "pronouns"),
    ("Pronoun", "pronouns"),
    ("Your pronouns", "pronouns"),
    ("Organisation", "organisation"),
    ("Organization", "organisation"),
    ("Organisation name", "organisation"),
    ("Organization name", "organisation"),
    ("Your organisation", "organisation"),
    ("Your organization", "organisation"),
    ("Company", "organisation"),
    ("Company name", "organisation"),
    ("Org", "organisation"),
    ("Employer", "organisation"),
    ("Affiliation", "organisation"),
    ("NGO", "organisation"),
    ("Email address", "email"),
    ("E-mail address", "email"),
    ("Your email", "email"),
    ("Your email address", "email"),
    ("Attendee email", "email"),
    ("Email", "email"),
    ("E-mail", "email"),
    ("Mail", "email"),
    ("Category", "category"),
    ("Ticket type", "category"),
    ("Ticket", "category"),
    ("Attendee type", "category"),
    ("Delegate type", "category"),
    ("Registration type", "category"),
    ("Type", "category"),
    ("Role", "category"),
    ("Workshops", "sessions"),
    ("Workshop", "sessions"),
    ("Sessions", "sessions"),
    ("Session", "sessions"),
    ("Breakout sessions", "sessions"),
    ("Reference", "external_ref"),
    ("Booking reference", "external_ref"),
    ("Registration ID", "external_ref"),
    ("Ticket ID", "external_ref"),
    ("Ticket number", "external_ref"),
    ("Order ID", "external_ref"),
    ("Order number", "external_ref"),
    ("ID", "external_ref"),
    ("Ref", "external_ref"),
    ("Barcode", "external_barcode"),
    ("Ticket barcode", "external_barcode"),
    ("Ticket code", "external_barcode"),
    ("QR code", "external_barcode"),
    ("Code", "external_barcode"),
    ("Status", "status"),
    ("Booking status", "status"),
    ("Registration status", "status"),
    ("Cancelled", "cancelled"),
    ("Canceled", "cancelled"),
    ("Access needs", "access_needs"),
    ("Access requirements", "access_needs"),
    ("Accessibility", "access_needs"),
    ("Accessibility needs", "access_needs"),
    ("Accessibility requirements", "access_needs"),
    ("Dietary requirements", "access_needs"),
    ("Dietary needs", "access_needs"),
    ("Dietary", "access_needs"),
    ("Allergies", "access_needs"),
    ("Desk note", "desk_note"),
    ("Notes", "desk_note"),
    ("Note", "desk_note"),
    ("Comments", "desk_note"),
    ("Photo consent", "photo_consent"),
    ("Photography consent", "photo_consent"),
    ("Photo permission", "photo_consent"),
    ("Consent to photos", "photo_consent"),
)

# Eventbrite, Attendee Summary report (Reporting > Attendee summary, CSV/XLSX export).
# Columns as quoted from real exports in rherardi/eb2ez README ("Order #, Order Date,
# First Name, Last Name, Email, Quantity, Price Tier, Ticket Type, Attendee #, Group,
# Order Type, Currency, Total Paid, Fees Paid, Eventbrite Fees, Eventbrite Payment
# Processing, Attendee Status, Home Address 1…, Job Title, Company") and in a public
# importer's constants ("Event Name, Event ID, Attendee #, Barcode #, Order Date, Buyer
# First Name, Buyer Last Name, Buyer Email, Prefix, Last Name, First Name, Suffix, Email,
# Quantity, Ticket Type, Date Attending, Device #, Check-In Date, Discount, Order #, …,
# Attendee Status, Ticket Delivery Method, Home/Work/Shipping address…, Company, Notes").
# Attendee statuses from Eventbrite's help glossary: Attending, Checked In, Not Attending,
# Deleted; order statuses include Refunded/Canceled and Transferred.
EVENTBRITE = Preset(
    name="eventbrite",
    title="Eventbrite attendee report",
    columns=_columns(
        ("Attendee #", "external_ref"),
        ("Order #", "external_ref"),
        ("Barcode #", "external_barcode"),
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Buyer Email", "email"),
        ("Ticket Type", "category"),
        ("Attendee Status", "status"),
        ("Company", "organisation"),
        ("Notes", "desk_note"),
    ),
    signature=frozenset(
        header_key(h)
        for h in (
            "Order #",
            "Attendee #",
            "Barcode #",
            "Attendee Status",
            "Price Tier",
            "Eventbrite Fees",
            "Eventbrite Payment Processing",
            "Fees Paid",
            "Ticket Delivery Method",
            "Buyer First Name",
            "Buyer Last Name",
            "Buyer Email",
            "Date Attending",
            "Device #",
            "Check-In Date",
            "Order Type",
            "IP Location",
        )
    ),
)

# Ticket Tailor, "Issued tickets" export. Ticket Tailor publishes no list of its CSV
# headings; this follows its API's issued-ticket object (id "it_…", order_id "or_…",
# barcode, description = ticket type, full_name, first_name, last_name, email, reference,
# status valid/voided) and the headings seen in a real orders export analysed in a public
# script (Order ID, Order date, Name, First Name, Last Name, Email, Mobile number, Event
# name, Payment method, Transaction ID, Total paid, Refunded amount, Order cancelled = 1).
TICKETTAILOR = Preset(
    name="tickettailor",
    title="Ticket Tailor issued tickets",
    columns=_columns(
        ("Issued ticket ID", "external_ref"),
        ("Ticket ID", "external_ref"),
        ("Order ID", "external_ref"),
        ("Barcode", "external_barcode"),
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Full name", "name"),
        ("Name", "name"),
        ("Email", "email"),
        ("Ticket type", "category"),
        ("Status", "status"),
        ("Order cancelled", "cancelled"),
        ("Voided", "cancelled"),
    ),
    signature=frozenset(
        header_key(h)
        for h in (
            "Issued ticket ID",
            "Order cancelled",
            "Refunded amount",
            "Mobile number",
            "Transaction ID",
            "Event name",
            "Payment method",
            "Voided",
            "Checked in",
            "Check in date",
        )
    ),
)

# pretix, Order data export, sheet "Order positions" (CSV "orders:positions" or the XLSX
# workbook's second sheet). Headings from pretix/pretix src/pretix/base/exporters/
# orderlist.py, OrderListExporter.iterate_positions: Event slug, Order code, Position ID,
# Status, Email, Phone number, Order date, Order time, Product, Variation, Price, Tax rate,
# Tax rule, Tax value, Attendee name, "Attendee name: <part>" per name part (e.g. Given
# name, Family name), Attendee email, Company, Address, ZIP code, City, Country, State,
# Voucher, Pseudonymization ID, Ticket secret, Seat…, Blocked, Valid from, Valid until,
# Order comment, Follow-up date, one column per question ("Question – Option" with
# Yes/No for ungrouped multiple choice), Company, Invoice address name, …, Sales channel,
# Order locale, E-mail address verified, External customer ID, Payment providers.
# Status is the order's display status (Paid, Pending, Canceled, Expired) or "canceled"
# for a cancelled position; the API's codes p/n/c/e are accepted too.
PRETIX = Preset(
    name="pretix",
    title="pretix order data (order positions)",
    columns=_columns(
        ("Order code", "external_ref"),
        ("Ticket secret", "external_barcode"),
        ("Attendee name: Given name", "first_name"),
        ("Attendee name: First name", "first_name"),
        ("Attendee name: Family name", "last_name"),
        ("Attendee name: Last name", "last_name"),
        ("Attendee name", "name"),
        ("Attendee email", "email"),
        ("Email", "email"),
        ("Product", "category"),
        ("Status", "status"),
        ("Company", "organisation"),
        ("Order comment", "desk_note"),
        ("Invoice address name", "ignore"),
    ),
    signature=frozenset(
        header_key(h)
        for h in (
            "Event slug",
            "Order code",
            "Position ID",
            "Attendee name",
            "Attendee email",
            "Pseudonymization ID",
            "Ticket secret",
            "Tax rule",
            "Seat ID",
            "Invoice address name",
            "Sales channel",
            "Order locale",
            "E-mail address verified",
            "Payment providers",
            "Follow-up date",
        )
    ),
    ref_parts=(header_key("Order code"), header_key("Position ID")),
)

# Tito, attendee (tickets) CSV export. Header row as quoted from a real export in a
# public script: Number, Ticket Created Date, Ticket, Ticket Full Name, Ticket First Name,
# Ticket Last Name, Ticket Email, Ticket Company Name, Ticket Phone Number, Event, Void
# Status, Price, Ticket Reference, Tags, Unique Ticket URL, Unique Order URL, Order
# Reference, Order Name, Order Email, Order Company Name, Order Phone Number, Order
# Discount Code, Order IP, Order Created Date, Order Completed Date, Payment Reference,
# then the event's questions. Newer exports say "Registration Name/Email" for the order.
# The Ticket … columns are the attendee, the Order … columns whoever paid.
TITO = Preset(
    name="tito",
    title="Tito tickets export",
    columns=_columns(
        ("Ticket Reference", "external_ref"),
        ("Ticket First Name", "first_name"),
        ("Ticket Last Name", "last_name"),
        ("Ticket Full Name", "name"),
        ("Ticket Email", "email"),
        ("Order Email", "email"),
        ("Registration Email", "email"),
        ("Ticket Company Name", "organisation"),
        ("Ticket", "category"),
        ("Void Status", "cancelled"),
        ("Order Name", "ignore"),
        ("Registration Name", "ignore"),
        ("Number", "ignore"),
    ),
    signature=frozenset(
        header_key(h)
        for h in (
            "Ticket Reference",
            "Ticket First Name",
            "Ticket Last Name",
            "Ticket Full Name",
            "Ticket Email",
            "Ticket Company Name",
            "Ticket Phone Number",
            "Void Status",
            "Unique Ticket URL",
            "Unique Order URL",
            "Order Reference",
            "Order Name",
            "Ticket Created Date",
            "Order Discount Code",
            "Registration Name",
        )
    ),
)

# Hi.Events, Attendees > Export. Headings from HiEventsDev/Hi.Events backend/app/Exports/
# AttendeesExport.php: ID, First Name, Last Name, Email, Status, Check Ins (older
# versions: Is Checked In, Checked In At), Product ID, Product Name, Event ID, Public ID,
# Short ID, Created Date, Last Updated Date, Notes, then product and order question
# titles. Status is ACTIVE, CANCELLED or AWAITING_PAYMENT. The ticket shows Public ID
# ("A-…") beside its QR code, so that is the barcode.
HIEVENTS = Preset(
    name="hievents",
    title="Hi.Events attendee export",
    columns=_columns(
        ("ID", "external_ref"),
        ("Public ID", "external_barcode"),
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Status", "status"),
        ("Product Name", "category"),
        ("Ticket Name", "category"),
        ("Notes", "desk_note"),
        ("Event ID", "ignore"),
        ("Product ID", "ignore"),
    ),
    signature=frozenset(
        header_key(h)
        for h in (
            "Public ID",
            "Short ID",
            "Product ID",
            "Product Name",
            "Is Checked In",
            "Checked In At",
            "Check Ins",
            "Last Updated Date",
            "Created Date",
            "Ticket Name",
        )
    ),
)

# Google Forms, the responses spreadsheet (linked Google Sheet, downloaded as CSV or
# .xlsx; or "Download responses (.csv)"). First column "Timestamp", then "Email address"
# (older forms: "Email Address") when emails are collected, "Score" for quizzes, then one
# column per question titled with the question. Checkbox answers are joined with ", ";
# a checkbox grid gives one column per row, titled "Question [Row]".
GOOGLE_FORMS = Preset(
    name="google_forms",
    title="Google Forms responses",
    columns=_columns(
        ("Timestamp", "ignore"),
        ("Score", "ignore"),
    ),
    signature=frozenset({header_key("Timestamp")}),
    min_signature=1,
)

# Microsoft Forms, Responses > Open in Excel. Fixed columns: ID, Start time, Completion
# time, Email, Name (newer forms add Last modified time), then one column per question.
# Email and Name are the Microsoft account that answered ("anonymous" for public forms),
# so questions asking for a name or email win over them. Choice answers with several
# picks are joined with ";" and end with ";".
MICROSOFT_FORMS = Preset(
    name="microsoft_forms",
    title="Microsoft Forms responses",
    columns=_columns(
        ("First name", "first_name"),
        ("Last name", "last_name"),
        ("Surname", "last_name"),
        ("Full name", "name"),
        ("Your name", "name"),
        ("Email address", "email"),
        ("Your email", "email"),
        ("Your email address", "email"),
        ("ID", "external_ref"),
        ("Email", "email"),
        ("Name", "name"),
        ("Start time", "ignore"),
        ("Completion time", "ignore"),
        ("Last modified time", "ignore"),
    ),
    signature=frozenset(
        header_key(h) for h in ("Start time", "Completion time", "Last modified time")
    ),
)

GENERIC = Preset(
    name="generic",
    title="a spreadsheet with plain column names",
    columns=(),
    signature=frozenset(),
    min_signature=0,
)

PRESETS: tuple[Preset, ...] = (
    EVENTBRITE,
    TICKETTAILOR,
    PRETIX,
    TITO,
    HIEVENTS,
    GOOGLE_FORMS,
    MICROSOFT_FORMS,
    GENERIC,
)
PRESETS_BY_NAME: dict[str, Preset] = {p.name: p for p in PRESETS}

_KNOWN_HEADINGS: frozenset[str] = frozenset(
    key for p in PRESETS for key in (*p.signature, *(k for k, _ in p.columns))
) | frozenset(key for key, _ in GENERIC_COLUMNS)
_NAME_HEADINGS: frozenset[str] = frozenset(
    key
    for p in PRESETS
    for key, field in (*p.columns, *GENERIC_COLUMNS)
    if field in ("first_name", "last_name", "name", "badge_name")
)


def preset_names() -> list[str]:
    """The names ``read_registrations(preset=…)`` accepts."""
    return [p.name for p in PRESETS]


def heading_score(cells: Sequence[str]) -> float:
    """How much a row looks like attendee column headings (0 for a title or a data row)."""
    keys = {without_brackets(header_key(c)) for c in cells if c}
    hits = len(keys & _KNOWN_HEADINGS)
    if not hits:
        return 0.0
    return hits + (5.0 if keys & _NAME_HEADINGS else 0.0)


def detect_preset(headers: Sequence[str]) -> Preset:
    """The preset whose signature headings the file has most of; generic when none fits."""
    keys = {header_key(h) for h in headers}
    best, best_score = GENERIC, 0
    for preset in PRESETS:
        if preset is GENERIC:
            continue
        hits = len(keys & preset.signature)
        if hits < preset.min_signature:
            continue
        own = sum(1 for key, _ in preset.columns if key in keys)
        score = 2 * hits + own
        if score > best_score:
            best, best_score = preset, score
    return best
