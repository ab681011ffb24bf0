"""Changes to a person: registered from the organisers' file, corrected at a desk or in the
console, walked in, merged, given a new ticket."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.changes.record import ChangeKind, NewChange
from kiosk.core.changes.spec import (
    MAX_SERIAL,
    AuditLine,
    Bad,
    CheckinOwner,
    KindSpec,
    Privacy,
    Rule,
    Shape,
    Wipe,
    an_id,
    id_or_none,
    mapping,
    one_of,
    text,
    texts,
    true_or_false,
    whole,
)
from kiosk.core.models import Status


def _photo_consent(value: Any, what: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise Bad(f"{what} must be true, false or empty")


# Every field a change may set on a person, with its rule. A field missing here can never
# be recorded (a test also proves each is classified for anonymising below).
FIELDS: dict[str, Rule] = {
    **{name: text for name in (
        "external_ref", "external_barcode", "first_name", "last_name", "badge_name",
        "pronouns", "organisation", "email", "category", "desk_note", "access_needs",
        "import_key", "walkin_code")},
    "status": one_of(frozenset(s.value for s in Status)),
    "photo_consent": _photo_consent,
    "first_name_only": true_or_false,
    "sessions": texts,
    "ticket_serial": whole(0, MAX_SERIAL),
    "merged_into": id_or_none,
}

_SHAPE = Shape(required={"id": an_id, "fields": mapping},
               optional={"base": text, "desk": text, "operator": text, "at": text},
               fields=FIELDS,
               # Every column a desk did not need, imported before the organisers chose what
               # to keep: it travelled to every desk. Now kept in their copy only, if at all.
               retired_fields=frozenset({"extra"}))

# What anonymising keeps of a person: nothing that names, reaches or describes them.
_PRIVACY = Privacy(
    wipe=Wipe.REMOVE,
    kept_keys=frozenset({"id", "base", "desk", "at"}),
    dropped_keys=frozenset({"operator"}),
    kept_fields=frozenset({"category", "status", "sessions", "photo_consent",
                           "first_name_only", "merged_into", "ticket_serial", "walkin_code"}),
    dropped_fields=frozenset({"external_ref", "external_barcode", "first_name", "last_name",
                              "badge_name", "pronouns", "organisation", "email", "desk_note",
                              "access_needs", "import_key"}),
)


def _named(payload: Mapping[str, Any]) -> tuple[str, ...]:
    fields = payload.get("fields", {})
    survivor = fields.get("merged_into") if isinstance(fields, dict) else None
    return (str(payload.get("id", "")), *([str(survivor)] if survivor else []))


def _edit_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    fields = dict(payload.get("fields", {}))
    status = fields.get("status")
    action = "edit"
    if status in (Status.CANCELLED.value, Status.ACTIVE.value):
        # The status is no personal data, and cancelling is worth telling from restoring.
        action = "registration cancelled" if status == Status.CANCELLED.value \
            else "registration restored"
        fields.pop("status")
    # Field names only: the values are personal data.
    return AuditLine(action, str(payload.get("id", "")),
                     "changed " + ", ".join(sorted(fields)) if fields else "")


def _merge_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    merged = payload.get("fields", {}).get("merged_into")
    return AuditLine("merge", str(payload.get("id", "")),
                     f"merged into {merged}" if merged else "")


def _walkin_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    return AuditLine("walk-in registered", str(payload.get("id", "")))


def _reissue_line(payload: Mapping[str, Any], owner: CheckinOwner) -> AuditLine:
    return AuditLine("ticket re-issued", str(payload.get("id", "")))


UPSERT = KindSpec(ChangeKind.ATTENDEE_UPSERT, "a registration from the organisers' file",
                  _SHAPE, _PRIVACY, names=_named)
EDIT = KindSpec(ChangeKind.ATTENDEE_EDIT, "a correction made at a desk or in the console",
                _SHAPE, _PRIVACY, audit=_edit_line, names=_named, needs_people=True)
WALKIN = KindSpec(ChangeKind.WALKIN, "someone registered at the desk on the day", _SHAPE,
                  _PRIVACY, audit=_walkin_line, names=_named)
MERGE = KindSpec(ChangeKind.ATTENDEE_MERGE, "two records of one person made one", _SHAPE,
                 _PRIVACY, audit=_merge_line, names=_named, needs_people=True)
REISSUE = KindSpec(ChangeKind.TICKET_REISSUE, "a new ticket for a person (the old one void)",
                   _SHAPE, _PRIVACY, audit=_reissue_line, names=_named, needs_people=True)
SPECS = (UPSERT, EDIT, WALKIN, MERGE, REISSUE)


def registration(attendee_id: str, fields: dict[str, Any], base: str) -> NewChange:
    """A person as the organisers' file has them (``base``: the import's stamp)."""
    return UPSERT.new(id=attendee_id, fields=fields, base=base)


def correction(attendee_id: str, fields: dict[str, Any], desk: str | None = None,
               operator: str | None = None, at: str | None = None) -> NewChange:
    """Fields of a person corrected (only those that changed, each merged on its own)."""
    return EDIT.new(id=attendee_id, fields=fields, desk=desk, operator=operator, at=at)


def walk_in(attendee_id: str, fields: dict[str, Any], desk: str,
            operator: str) -> NewChange:
    return WALKIN.new(id=attendee_id, fields=fields, desk=desk, operator=operator)


def merge(attendee_id: str, survivor_id: str, desk: str | None = None,
          operator: str | None = None, at: str | None = None) -> NewChange:
    """``attendee_id`` is the same person as ``survivor_id``, which is kept."""
    return MERGE.new(id=attendee_id, fields={"merged_into": survivor_id}, desk=desk,
                     operator=operator, at=at)


def new_ticket(attendee_id: str, serial: int, operator: str | None = None) -> NewChange:
    return REISSUE.new(id=attendee_id, fields={"ticket_serial": serial}, operator=operator)
