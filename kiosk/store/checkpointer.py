"""Moving WAL checkpoints off the check-in path: a background thread copies the log back."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class WalCheckpointer:
    """Runs a PASSIVE checkpoint every ``interval`` seconds on its own connection.

    With SQLite's automatic checkpoints, every thousandth page written makes one unlucky
    commit also copy the log into the database and sync it: a scan that takes ten times
    longer than the others. The writer turns those off and this thread does the copying;
    PASSIVE never waits for, or blocks, the writer.
    """

    def __init__(self, path: str | Path, interval: float = 2.0) -> None:
        self._path = str(path)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 1000")
            while not self._stop.wait(self._interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.OperationalError:
                    continue  # busy: try again next time
        finally:
            conn.close()
