"""Schema migrations of the event database, each a registered function run in a transaction."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("kiosk.event")


@migrations()
def m001_change_log_and_derived_tables(db: Database) -> None:
    db.executescript(
        """
        -- Local to this device: never synced.
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE secrets (key TEXT PRIMARY KEY, value BLOB NOT NULL);
        CREATE TABLE import_runs (
            hlc TEXT PRIMARY KEY, file_name TEXT NOT NULL, preset TEXT NOT NULL,
            report TEXT NOT NULL, at TEXT NOT NULL
        );

        -- The append-only change log.
        CREATE TABLE changes (
            change_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            device_seq INTEGER NOT NULL,
            hlc TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            hub_seq INTEGER,
            UNIQUE (device_id, device_seq)
        );
        CREATE INDEX changes_hub_seq ON changes (hub_seq) WHERE hub_seq IS NOT NULL;
        CREATE INDEX changes_hlc ON changes (hlc);

        -- Derived from the log; rebuilt by `kiosk rebuild`.
        CREATE TABLE event (key TEXT PRIMARY KEY, value TEXT NOT NULL, hlc TEXT NOT NULL);
        CREATE TABLE attendees (
            id TEXT PRIMARY KEY,
            import_key TEXT NOT NULL DEFAULT '',
            external_ref TEXT NOT NULL DEFAULT '',
            external_barcode TEXT NOT NULL DEFAULT '',
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL DEFAULT '',
            badge_name TEXT NOT NULL DEFAULT '',
            pronouns TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT 'delegate',
            status TEXT NOT NULL DEFAULT 'active',
            desk_note TEXT NOT NULL DEFAULT '',
            access_needs TEXT NOT NULL DEFAULT '',
            photo_consent INTEGER,
            first_name_only INTEGER NOT NULL DEFAULT 0,
            extra TEXT NOT NULL DEFAULT '{}',
            sessions TEXT NOT NULL DEFAULT '[]',
            ticket_serial INTEGER NOT NULL DEFAULT 0,
            walkin_code TEXT NOT NULL DEFAULT '',
            merged_into TEXT,
            checked_in_hlc TEXT,
            created_hlc TEXT NOT NULL,
            lanes TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX attendees_import_key ON attendees (import_key) WHERE import_key != '';
        CREATE INDEX attendees_barcode ON attendees (external_barcode)
            WHERE external_barcode != '';
        CREATE INDEX attendees_walkin_code ON attendees (walkin_code) WHERE walkin_code != '';
        CREATE VIRTUAL TABLE attendee_search USING fts5(
            names, other, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        );
        CREATE VIRTUAL TABLE attendee_search_terms USING fts5vocab(attendee_search, 'row');
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, room TEXT NOT NULL DEFAULT '',
            starts TEXT NOT NULL DEFAULT '', ends TEXT NOT NULL DEFAULT '',
            capacity INTEGER, hlc TEXT NOT NULL
        );
        CREATE TABLE bookings (
            attendee_id TEXT NOT NULL REFERENCES attendees (id) ON DELETE CASCADE,
            session_id TEXT NOT NULL,
            PRIMARY KEY (attendee_id, session_id)
        ) WITHOUT ROWID;
        CREATE INDEX bookings_session ON bookings (session_id);
        CREATE TABLE checkpoints (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, session_id TEXT, hlc TEXT NOT NULL
        );
        INSERT INTO checkpoints (id, name, session_id, hlc) VALUES ('main', 'Main desk', NULL, '');
        CREATE TABLE checkins (
            change_id TEXT PRIMARY KEY,
            attendee_id TEXT NOT NULL,
            checkpoint_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            desk TEXT NOT NULL DEFAULT '',
            operator TEXT NOT NULL DEFAULT '',
            hlc TEXT NOT NULL,
            at TEXT NOT NULL,
            method TEXT NOT NULL DEFAULT 'scan',
            override TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX checkins_attendee ON checkins (attendee_id, checkpoint_id, hlc);
        CREATE INDEX checkins_checkpoint ON checkins (checkpoint_id, hlc);
        CREATE TABLE checkin_voids (
            target_id TEXT NOT NULL,
            change_id TEXT PRIMARY KEY,
            device_id TEXT NOT NULL,
            operator TEXT NOT NULL DEFAULT '',
            hlc TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX checkin_voids_target ON checkin_voids (target_id);
        CREATE TABLE prints (
            change_id TEXT PRIMARY KEY,
            attendee_id TEXT NOT NULL,
            layout TEXT NOT NULL DEFAULT '',
            printer TEXT NOT NULL DEFAULT '',
            reprint_reason TEXT NOT NULL DEFAULT '',
            device_id TEXT NOT NULL,
            operator TEXT NOT NULL DEFAULT '',
            hlc TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX prints_attendee ON prints (attendee_id);
        """
    )


# Tables whose content is derived from the change log, in the order a rebuild clears them.
DERIVED_TABLES: tuple[str, ...] = (
    "bookings",
    "attendee_search",
    "attendees",
    "sessions",
    "checkins",
    "checkin_voids",
    "prints",
    "event",
    "removals",
)


@migrations()
def m002_print_jobs(db: Database) -> None:
    db.executescript(
        """
        -- Local to this device: the print queue. Never synced; a print the spooler accepted
        -- is logged as a badge.printed change, whose id the job keeps (change_id).
        CREATE TABLE print_jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            attendee_id TEXT NOT NULL,
            layout TEXT NOT NULL,
            printer TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'printing', 'done', 'failed', 'cancelled')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '',
            reprint_reason TEXT NOT NULL DEFAULT '',
            operator TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            spooler_job_id TEXT NOT NULL DEFAULT '',
            document TEXT NOT NULL DEFAULT '',
            change_id TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX print_jobs_status ON print_jobs (status, id);
        CREATE INDEX print_jobs_attendee ON print_jobs (attendee_id);
        """
    )


@migrations()
def m003_removals(db: Database) -> None:
    db.executescript(
        """
        -- Derived: workshops and checkpoints taken out of the event, each with the stamp of
        -- its removal, so an older upsert arriving later cannot bring one back (a newer one
        -- does, and clears the mark).
        CREATE TABLE removals (
            what TEXT NOT NULL, id TEXT NOT NULL, hlc TEXT NOT NULL, PRIMARY KEY (what, id)
        ) WITHOUT ROWID;
        """
    )


# The kinds that carry a person's fields (kiosk.core.changes.attendee).
_ATTENDEE_KINDS = ("attendee.upsert", "attendee.edit", "walkin", "attendee.merge",
                   "ticket.reissue")


@migrations()
def m004_kept_columns(db: Database) -> None:
    """Columns of the registration file travel no more. Until now every column the import
    did not map rode in each registration's ``extra`` to every desk, the hub and bundles
    (IP addresses, payment references, home addresses…). The organisers' copy keeps what it
    had in a local table; every copy takes them out of its change log and attendees."""
    conn = db.conn
    conn.execute(
        """
        -- Local to the organisers' copy: columns of their registration file they chose to
        -- keep. Never in the change log, so never synced, bundled or sent to the hub; emptied
        -- in a desk copy; removed by wipe and anonymise.
        CREATE TABLE kept_columns (
            attendee_id TEXT PRIMARY KEY,
            columns TEXT NOT NULL  -- JSON: {heading: value}
        ) WITHOUT ROWID
        """
    )
    role = conn.execute("SELECT value FROM settings WHERE key = 'role'").fetchone()
    if role is None or role[0] != "desk":
        conn.execute("INSERT INTO kept_columns (attendee_id, columns) SELECT id, extra "
                     "FROM attendees WHERE extra NOT IN ('', '{}')")
    marks = ", ".join("?" * len(_ATTENDEE_KINDS))
    conn.execute(f"UPDATE changes SET payload = json_remove(payload, '$.fields.extra') "
                 f"WHERE kind IN ({marks}) AND json_type(payload, '$.fields.extra') "
                 f"IS NOT NULL", _ATTENDEE_KINDS)
    conn.execute("UPDATE attendees SET lanes = json_remove(lanes, '$.s.extra', '$.d.extra') "
                 "WHERE json_type(lanes, '$.s.extra') IS NOT NULL "
                 "OR json_type(lanes, '$.d.extra') IS NOT NULL")
    conn.execute("ALTER TABLE attendees DROP COLUMN extra")


@migrations()
def m005_change_signatures(db: Database) -> None:
    """Every change carries its author's signature (kiosk.core.change_signatures). Changes
    recorded before this version have none: this device signs its own that have not reached
    a hub yet when it next opens the file; the rest stay as they were."""
    db.execute("ALTER TABLE changes ADD COLUMN signature TEXT NOT NULL DEFAULT ''")
