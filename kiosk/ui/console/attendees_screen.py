"""The Attendees screen: every registration in a fast table with a filter box and sorting."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import attendee_admin, attendee_table
from kiosk.services.attendee_admin import AdminError
from kiosk.services.event_access import EventFile, EventReader
from kiosk.ui.console.attendee_dialogs import (
    ConfirmDialog,
    EditAttendeeDialog,
    MergeDialog,
    field_titles,
)
from kiosk.ui.console.attendee_model import COLUMNS, AttendeeTableModel
from kiosk.ui.console.listening import EventListener, Heard
from kiosk.ui.ops import EventOps

STATES: tuple[tuple[str, str], ...] = (
    ("all", "Everyone"),
    ("expected", "Expected (not cancelled)"),
    ("checked_in", "Checked in"),
    ("not_checked_in", "Not checked in yet"),
    ("badge_printed", "Badge printed"),
    ("badge_not_printed", "Badge not printed"),
    ("cancelled", "Cancelled"),
)

_COLUMN_WIDTHS = (220, 240, 110, 110, 120, 110)
# A read (a reader) or a write (the store, a reader too).
Store = TypeVar("Store", bound=EventReader)
# Selections larger than this are not carried over to a new order (finding them costs).
_KEPT_SELECTION = 50


class _Refused:
    """A correction the service refused, with its plain message (not a fault)."""

    def __init__(self, message: str) -> None:
        self.message = message


def _refusable(task: Callable[[Store], Any]) -> Callable[[Store], Any]:
    def run(store: Store) -> Any:
        try:
            return task(store)
        except AdminError as refusal:
            return _Refused(str(refusal))
    return run


class AttendeesScreen(QWidget):
    """Filters and sorts run on the screen's lane; the table keeps showing the previous
    answer until the new one is ready, so typing never waits for the disk. What is written
    to the event file elsewhere (a desk's check-in, a sync, an import) shows where it stands,
    without a look at the file while nothing happens."""

    order_shown = Signal(int)  # rows now in the table
    rows_loaded = Signal(int)  # a page of rows has arrived (its number)
    failed = Signal(str)
    dialog_opened = Signal(QDialog)
    corrected = Signal(str)  # a correction was recorded (what the message line says)

    def __init__(self, event: EventFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.event_file = event
        # One lane: the keys below are only ever touched by reads run on it, one at a time.
        self.ops = EventOps(event, self, "attendees")
        self.listener: EventListener | None = None
        self.query = attendee_table.AttendeeQuery()
        self._keys = attendee_table.AttendeeKeys()
        self._workshops: dict[str, str] = {}
        self._asked_order = 0
        self._following = False
        self._follow_again = False  # written to while the last look was under way
        self._warm_keys = False
        self.dialog: QDialog | None = None
        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Find by name, organisation, email or reference…")
        self.filter_box.setAccessibleName("Filter attendees")
        self.filter_box.setClearButtonEnabled(True)
        self.state_box = QComboBox()
        self.state_box.setAccessibleName("Show")
        for key, title in STATES:
            self.state_box.addItem(title, key)
        self.refresh_button = QPushButton("Refresh")
        self.count_label = QLabel("Reading the attendees…")
        self.count_label.setAccessibleName("Attendees shown")
        self.model = AttendeeTableModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Attendees")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        # Fixed row heights: the view never measures 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.table.horizontalHeader()
        for column, width in enumerate(_COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_box, 1)
        bar.addWidget(QLabel("Show:"))
        bar.addWidget(self.state_box)
        bar.addWidget(self.refresh_button)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Correct the selected person's details (or double-click "
                                    "a row)")
        self.merge_button = QPushButton("Merge two records…")
        self.merge_button.setToolTip("Select two rows (Ctrl+click) that are the same person")
        self.cancel_button = QPushButton("Cancel registration…")
        self.message = QLabel("Select a row to edit it; select two rows (Ctrl+click) to merge "
                              "them.")
        self.message.setAccessibleName("Last action")
        self.message.setStyleSheet("color: #555;")
        actions = QHBoxLayout()
        for button in (self.edit_button, self.merge_button, self.cancel_button):
            actions.addWidget(button)
        actions.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self.apply_filter)
        self.filter_box.textChanged.connect(lambda _text: self._typing.start())
        self.state_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.refresh_button.clicked.connect(self.reload)
        self.model.page_wanted.connect(self.on_page_wanted)
        self.model.sort_requested.connect(self.on_sort_requested)
        self.model.modelReset.connect(self._show_actions)
        self.model.dataChanged.connect(lambda *_a: self._show_actions())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._show_actions())
        # Double-click or Enter on a row (the platform's "activate").
        self.table.activated.connect(lambda index: self.edit_selected(index.row()))
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.merge_button.clicked.connect(self.merge_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self._show_actions()

    def start(self) -> None:
        """Read the event's workshops, then the first order; from then on, follow what is
        written to the event file."""
        if self.listener is None:
            self.listener = EventListener(self.event_file, self)
            self.listener.heard.connect(self._on_heard)
        self.ops.read(attendee_table.workshop_names, self._on_workshops, self.on_failed)

    def _on_workshops(self, names: dict[str, str]) -> None:
        self._workshops = names
        self._ask_order()

    def _on_heard(self, heard: Heard) -> None:
        if heard.rebuilt:
            self.reload()  # wiped or put back from a backup: nothing shown still holds
        elif heard.changes:
            self.follow()

    # -- filter and sort -------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._typing.stop()
        self.query = attendee_table.AttendeeQuery(
            state=self.state_box.currentData(), text=self.filter_box.text().strip(),
            sort=self.query.sort, descending=self.query.descending)
        self._ask_order()

    def on_sort_requested(self, sort: str, descending: bool) -> None:
        self.query = attendee_table.AttendeeQuery(self.query.state, self.query.text, sort,
                                                  descending)
        self._ask_order()

    def reload(self) -> None:
        """Read everything again (the Refresh button; after an import)."""
        keys = self._keys
        self.ops.run(keys.clear, lambda _none: self.start(), self.on_failed)

    def _ask_order(self) -> None:
        query, keys = self.query, self._keys
        self.count_label.setText("Finding…")
        self._asked_order += 1
        if not self.model.generation:
            # The very first order comes from SQLite (rows on screen in well under a second);
            # the keys are read right after, by the first look for changes.
            task = lambda store: attendee_table.FollowedOrder(  # noqa: E731
                attendee_table.attendee_order(store, query), frozenset())
        else:
            task = lambda store: attendee_table.follow_attendees(  # noqa: E731
                store, keys, query, even_if_unchanged=True)
        self.ops.read(task, partial(self._on_order, self._asked_order, False), self.on_failed)

    @property
    def keys_ready(self) -> bool:
        """Whether filters and sorts are answered from memory yet (for the benchmark)."""
        return self._keys.loaded and not self._following

    def follow(self, even_hidden: bool = False) -> None:
        """Take in what was written since the last look; the table follows it where it
        stands. Not while another tab is in front (it catches up when shown again): the
        desk in the same program should have the processor."""
        if not self.model.generation:
            return
        if not even_hidden and not self.isVisible():
            return
        if self._following:
            self._follow_again = True
            return
        self._following = True
        self._follow_again = False
        query, keys = self.query, self._keys
        self.ops.read(lambda store: attendee_table.follow_attendees(store, keys, query),
                      partial(self._on_followed, self._asked_order), self._on_follow_failed)

    def _on_follow_failed(self, message: str) -> None:
        self._following = False
        self.on_failed(message)

    def _on_followed(self, request: int, followed: attendee_table.FollowedOrder | None) -> None:
        self._following = False
        if followed is not None:
            self._on_order(request, True, followed)
        if self._follow_again:
            self.follow(even_hidden=True)

    def _on_order(self, request: int, in_place: bool,
                  followed: attendee_table.FollowedOrder) -> None:
        if request != self._asked_order:
            return  # the organiser has typed more since; that order reads its rows afresh
        order = followed.order
        if in_place and order == self.model.order:
            self.model.read_again(followed.changed)
            return
        # A new order asks again for every row it shows: what changed shows changed.
        first = not self.model.generation
        self._show_order(order, keep_place=in_place)
        shown = f"{len(order):,} attendee" + ("" if len(order) == 1 else "s")
        self.count_label.setText(shown + (" match" if self.query.text else " shown"))
        self.order_shown.emit(len(order))
        # After the first rows are on screen, the first look for changes reads the keys.
        self._warm_keys = self._warm_keys or first

    def _show_order(self, order: list[int], keep_place: bool) -> None:
        """A new order, keeping the selection (and, for changes made elsewhere, the row at the
        top): an organiser picking two records to merge must not lose them to a check-in."""
        selected = self.selected_rowids() if self._selected_count() <= _KEPT_SELECTION else []
        top = self.table.rowAt(0)
        top_rowid = self.model.rowid_at(top) if keep_place and top >= 0 else None
        self.model.set_order(order)
        if len(selected) <= _KEPT_SELECTION:
            selection = QItemSelection()
            for rowid in selected:
                row = self.model.row_of(rowid)
                if row is not None:
                    selection.select(self.model.index(row, 0),
                                     self.model.index(row, len(COLUMNS) - 1))
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if top_rowid is not None:
            row = self.model.row_of(top_rowid)
            if row is not None:
                self.table.scrollTo(self.model.index(row, 0),
                                    QAbstractItemView.ScrollHint.PositionAtTop)

    # -- pages -----------------------------------------------------------------------------

    def on_page_wanted(self, generation: int, page: int) -> None:
        ids = self.model.page_ids(page)
        workshops = self._workshops
        self.ops.read(lambda store: attendee_table.attendee_rows(store, ids, workshops),
                      partial(self._on_page, generation, page), self.on_failed)

    def _on_page(self, generation: int, page: int, rows: dict) -> None:
        self.model.add_page(generation, page, rows)
        self.rows_loaded.emit(page)
        if self._warm_keys:
            self._warm_keys = False
            self.follow(even_hidden=True)

    def on_failed(self, message: str) -> None:
        self.count_label.setText(f"⚠ {message}")
        self.failed.emit(message)

    # -- corrections -----------------------------------------------------------------------

    def _selected_count(self) -> int:
        """Rows selected, counted from the selection's ranges: Ctrl+A on 100,000 rows must
        not list them all every time the selection changes."""
        return sum(part.height() for part in self.table.selectionModel().selection())

    def selected_rowids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.rowid_at(row) for row in rows if row < self.model.rowCount()]

    def _selected(self) -> list[attendee_table.AttendeeRow | None]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.attendee_at(row) for row in rows]

    def _show_actions(self) -> None:
        selected = self._selected() if self._selected_count() <= 2 else [None, None, None]
        one = len(selected) == 1 and selected[0] is not None
        self.edit_button.setEnabled(one)
        self.cancel_button.setEnabled(one)
        self.merge_button.setEnabled(len(selected) == 2 and None not in selected)
        if one and selected[0] is not None and selected[0].status == "cancelled":
            self.cancel_button.setText("Restore registration…")
        else:
            self.cancel_button.setText("Cancel registration…")

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def _open(self, dialog: QDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _done(self, dialog: QDialog, message: str) -> None:
        """A correction was recorded: close its dialog, say so, show it in the table."""
        dialog.accept()
        self._say(message)
        self.corrected.emit(message)
        self.follow(even_hidden=True)

    def edit_selected(self, row: int | None = None) -> None:
        if row is not None:
            self.table.selectRow(row)
        selected = self._selected()
        if len(selected) != 1 or selected[0] is None:
            self._say("Select one row to edit.")
            return
        attendee_id = selected[0].attendee_id
        self.ops.read(_refusable(lambda store: attendee_admin.edit_form(store, attendee_id)),
                      self._open_edit, self.on_failed)

    def _open_edit(self, form: attendee_admin.EditForm | _Refused) -> None:
        if isinstance(form, _Refused):
            self._say(f"⚠ {form.message}")
            return
        dialog = EditAttendeeDialog(form.attendee, form.categories, form.workshops, self,
                                    kept=form.kept)
        dialog.submitted.connect(partial(self._save_edit, dialog, form.attendee.id))
        self._open(dialog)

    def _save_edit(self, dialog: EditAttendeeDialog, attendee_id: str, changes: dict) -> None:
        def saved(result: attendee_admin.EditResult | _Refused) -> None:
            if isinstance(result, _Refused):
                dialog.show_problem(result.message)
                return
            name = result.attendee.full_name or result.attendee.badge_name
            self._done(dialog, f"Saved {name}: {field_titles(result.changed)}."
                       if result.changed else "Nothing changed.")

        self.ops.write(_refusable(
            lambda store: attendee_admin.edit_attendee(store, attendee_id, changes)),
            saved, dialog.show_problem)

    def merge_selected(self) -> None:
        selected = self._selected()
        if len(selected) != 2 or None in selected:
            self._say("Select the two rows to merge (Ctrl+click the second).")
            return
        first, second = (row.attendee_id for row in selected if row is not None)
        self.ops.read(_refusable(lambda store: attendee_admin.plan_merge(store, first, second)),
                      self._open_merge, self.on_failed)

    def _open_merge(self, plan: attendee_admin.MergePlan | _Refused) -> None:
        if isinstance(plan, _Refused):
            self._say(f"⚠ {plan.message}")
            return
        dialog = MergeDialog(plan, self._workshops, self)
        dialog.confirmed.connect(partial(self._merge, dialog))
        self._open(dialog)

    def _merge(self, dialog: MergeDialog, kept_id: str, merged_id: str) -> None:
        def merged(result: attendee_admin.MergeResult | _Refused) -> None:
            if isinstance(result, _Refused):
                dialog.show_problem(result.message)
                return
            name = result.survivor.full_name or result.survivor.badge_name
            filled = f" (filled in: {field_titles(result.filled)})" if result.filled else ""
            self._done(dialog, f"Merged into {name}{filled}.")

        self.ops.write(_refusable(
            lambda store: attendee_admin.merge_attendees(store, kept_id, merged_id)),
            merged, dialog.show_problem)

    def cancel_selected(self) -> None:
        selected = self._selected()
        if len(selected) != 1 or selected[0] is None:
            self._say("Select one row.")
            return
        row = selected[0]
        if row.status == "cancelled":
            dialog = ConfirmDialog(
                "Restore registration",
                f"Restore the registration of {row.name}? Every desk will let them check in "
                "again.", "Restore registration", self)
            change = attendee_admin.restore_registration
            done = f"Restored the registration of {row.name}."
        else:
            arrived = (f" They were checked in ({row.checked_in}); that stays recorded."
                       if row.checked_in else "")
            dialog = ConfirmDialog(
                "Cancel registration",
                f"Cancel the registration of {row.name}? Every desk will refuse their ticket "
                f"with “Registration cancelled”.{arrived} Nothing is deleted: you can restore "
                "the registration later.", "Cancel registration", self)
            change = attendee_admin.cancel_registration
            done = f"Cancelled the registration of {row.name}."
        attendee_id = row.attendee_id

        def recorded(result: attendee_admin.EditResult | _Refused) -> None:
            if isinstance(result, _Refused):
                dialog.show_problem(result.message)
            else:
                self._done(dialog, done)

        dialog.confirmed.connect(lambda: self.ops.write(
            _refusable(lambda store: change(store, attendee_id)), recorded,
            dialog.show_problem))
        self._open(dialog)

    def visible_text(self, row: int, column_title: str) -> str:
        """What the table shows in one cell (for tests and screen readers alike)."""
        column = [c[0] for c in COLUMNS].index(column_title)
        value = self.model.data(self.model.index(row, column))
        return "" if value is None else str(value)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follow()  # catch up with what happened while another tab was in front

    def shutdown(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        if self.dialog is not None:
            self.dialog.close()
        self.ops.shutdown()
