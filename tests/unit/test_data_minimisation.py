"""Data minimisation, end to end: columns a desk does not need never leave the organisers'
copy. Each bundled preset's sample gets a phone number, a home address, an IP address, a
payment reference and a personal URL; the bytes of the change log, a desk copy, the hub and
a bundle are searched for them, and for a column the organisers kept."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.importing import read_registrations
from kiosk.store import sync_state
from kiosk.store.event_store import EventStore
from kiosk.sync.bundles import event_key, read_bundle

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "imports"
SAMPLES = sorted(IMPORTS.glob("*.csv"))
KEPT = "Home address line"  # the column the organisers choose to keep
ADDED = ("Contact phone", KEPT, "Buyer IP address", "Payment reference no",
         "Manage your booking link")


def _added_values(sample: int, row: int) -> tuple[str, ...]:
    return (f"07700 9{sample}{row:04d}", f"{row} Quarry Lane, Ashby ZX{sample} {row}QW",
            f"198.51.{sample}.{100 + row}", f"pi_3Zk9Wq{sample}{row:04d}",
            f"https://tickets.example/manage/tk{sample}{row:04d}xq")


def _with_added_columns(source: Path, target: Path, sample: int) -> dict[int, tuple[str, ...]]:
    """The sample with five personal columns added; returns the added values by row number
    (as a spreadsheet counts: the headings are row 1)."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    added = {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*rows[0], *ADDED])
    for number, row in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in row):
            writer.writerow(row)  # blank lines stay blank
            continue
        values = _added_values(sample, number)
        added[number + 1] = values
        writer.writerow([*row, *[""] * (len(rows[0]) - len(row)), *values])
    target.write_text(out.getvalue(), encoding="utf-8")
    return added


def _bytes(path: Path) -> bytes:
    """A database as it lies on disk: the file and its write-ahead log."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def _change_log(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(p for (p,) in conn.execute("SELECT payload FROM changes")).encode()
    finally:
        conn.close()


def _bundle_contents(event: Path, bundle: Path) -> bytes:
    """The bundle's changes, decrypted as a device of the event would read them."""
    store = EventStore.open(event)
    try:
        key = event_key(sync_state.event_updates(store))
    finally:
        store.close()
    _, changes = read_bundle(bundle.read_bytes(), key, lambda device, public_key: None)
    return json.dumps([c.payload for c in changes], ensure_ascii=False).encode()


def _a_desk_name(event: Path) -> bytes:
    """A name every desk must get: the search below can find what is there."""
    conn = sqlite3.connect(event)
    try:
        return conn.execute("SELECT last_name FROM attendees WHERE length(last_name) > 3 "
                            "ORDER BY rowid LIMIT 1").fetchone()[0].encode()
    finally:
        conn.close()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_columns_a_desk_does_not_need_never_leave_the_organisers_copy(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = SAMPLES.index(sample)
    source = tmp_path / sample.name
    added = _with_added_columns(sample, source, number)
    event, desk, hub, bundle = (tmp_path / n for n in ("event.db", "desk.db", "hub.db",
                                                      "event.bundle"))
    _cli(capsys, "init", str(event), "--name", "Freedom From Exploitation")
    report = json.loads(_cli(capsys, "import", str(event), str(source), "--keep", KEPT,
                             "--json"))
    assert report["preset"] == read_registrations(sample).preset  # still recognised
    fates = {c["heading"]: c["fate"] for c in report["columns"]}
    assert {heading: fates[heading] for heading in ADDED} == {
        "Contact phone": "dropped", KEPT: "kept", "Buyer IP address": "dropped",
        "Payment reference no": "dropped", "Manage your booking link": "dropped"}
    assert report["created"] > 0 and report["kept"] == report["created"]
    _cli(capsys, "package", str(event), "--out", str(desk))
    _cli(capsys, "hub-import", "--db", str(hub), str(event))
    _cli(capsys, "bundle", "export", str(event), "--out", str(bundle))

    dropped = [v.encode() for values in added.values() for i, v in enumerate(values)
               if ADDED[i] != KEPT]
    kept = [v.encode() for values in added.values() for i, v in enumerate(values)
            if ADDED[i] == KEPT]
    refused = {error["row"] for error in report["errors"]}  # not imported at all
    kept_here = [values[ADDED.index(KEPT)].encode() for row, values in added.items()
                 if row not in refused]
    # Whatever the sample itself holds in the columns it drops (Tito's order IP and ticket
    # URL, pretix's invoice name, Eventbrite's fees…), when no column a desk needs holds it.
    rows = list(csv.DictReader(io.StringIO(sample.read_text(encoding="utf-8-sig"))))
    mapped_text = "\n".join(cell for row in rows for heading, cell in row.items()
                            if heading and fates.get(heading) == "mapped" and cell)
    native = {cell.encode() for row in rows for heading, cell in row.items()
              if heading and fates.get(heading) == "dropped" and isinstance(cell, str)
              and len(cell) >= 8 and cell not in mapped_text}

    bundled = bundle.read_bytes() + _bundle_contents(event, bundle)
    places = {"the organisers' change log": _change_log(event), "the desk copy": _bytes(desk),
              "the hub": _bytes(hub), "the bundle": bundled}
    for place, data in places.items():
        assert _a_desk_name(event) in data, f"the search cannot see into {place}"
        assert [v for v in (*dropped, *native, *kept) if v in data] == [], place
    organisers = _bytes(event)
    assert [v for v in (*dropped, *native) if v in organisers] == []  # dropped: nowhere
    assert [v for v in kept_here if v not in organisers] == []  # kept: in this copy only

    # Wipe and anonymise both remove the kept column.
    copy = tmp_path / "anonymise.db"
    shutil.copy(event, copy)
    _cli(capsys, "anonymise", str(copy), "--yes")
    assert [v for v in kept if v in _bytes(copy)] == []
    _cli(capsys, "wipe", str(event), "--yes")
    assert [v for v in kept if v in _bytes(event)] == []
