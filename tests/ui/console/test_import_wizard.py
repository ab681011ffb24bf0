"""The import wizard: an Eventbrite export, one column re-mapped, the dry run, then the import."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.store import queries
from tests.conftest import DATA
from tests.ui.console.screens import read

EVENTBRITE = DATA / "imports" / "eventbrite_attendee_summary.csv"


def attendee_count(path) -> int:
    return len(read(path, lambda s: queries.list_attendees(s.conn, status="all")))


def preview_column(wizard, title: str) -> list[str]:
    table = wizard.preview_table
    column = next(c for c in range(table.columnCount())
                  if table.horizontalHeaderItem(c).text() == title)
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_import_with_a_changed_mapping_shows_the_report_then_imports(
    qtbot, open_console, event_file
) -> None:
    window = open_console(event_file["path"])
    window.show_screen("import")
    wizard = window.importer
    before = attendee_count(event_file["path"])
    with qtbot.wait_signal(wizard.preview_shown, timeout=10_000):
        wizard.load_file(EVENTBRITE)
    assert wizard.pages.currentIndex() == 1
    assert wizard.preset_box.currentText() == "eventbrite"
    assert wizard.mapping_box("Company").currentData() == "organisation"
    assert preview_column(wizard, "Organisation")[0] == "Saigon Rescue Network"
    assert wizard.preview_label.text() == "10 attendees read"

    # The organiser wants job titles on the badges' organisation line instead.
    box = wizard.mapping_box("Job Title")
    with qtbot.wait_signal(wizard.preview_shown, timeout=10_000):
        box.setCurrentIndex(box.findData("organisation"))
    assert preview_column(wizard, "Organisation")[:2] == ["Caseworker", "Outreach lead"]
    assert wizard.mapping == {"Job Title": "organisation"}
    assert "1 column(s) changed by you" in wizard.preview_label.text()

    with qtbot.wait_signal(wizard.report_shown, timeout=10_000) as blocker:
        qtbot.mouseClick(wizard.dry_run_button, Qt.MouseButton.LeftButton)
    report = blocker.args[0]
    lines = [wizard.report_list.item(i).text() for i in range(wizard.report_list.count())]
    assert lines[0] == "10 rows read (preset: eventbrite)"
    assert lines[1] == f"{report.created} new registrations would be created"
    assert report.created == 10
    problems = [wizard.problems.item(i).text() for i in range(wizard.problems.count())]
    assert problems == ["Nothing to look at: every row reads cleanly."] or all(
        p.startswith(("Row ", "Possible duplicates")) for p in problems)
    assert wizard.import_button.text() == "Import 10 new or changed registrations"
    assert attendee_count(event_file["path"]) == before  # a dry run writes nothing

    with qtbot.wait_signal(wizard.imported, timeout=10_000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert wizard.report_heading.text() == "✔ Imported"
    assert wizard.report_list.item(1).text() == "10 new registrations were created"
    people = read(event_file["path"], lambda s: queries.list_attendees(s.conn, status="all"))
    imported = next(p for p in people if p.last_name == "Nguyễn")
    assert imported.organisation == "Caseworker"
    assert len(people) == before + 10
    # The attendee table shows the new people once the import is done.
    qtbot.wait_until(lambda: window.attendees.model.rowCount() == before + 10, timeout=10_000)


def test_a_mapping_without_any_name_column_is_refused_in_plain_words(
    qtbot, open_console, event_file
) -> None:
    window = open_console(event_file["path"])
    wizard = window.importer
    with qtbot.wait_signal(wizard.preview_shown, timeout=10_000):
        wizard.load_file(EVENTBRITE)
    for heading in ("First Name", "Last Name"):
        box = wizard.mapping_box(heading)
        box.setCurrentIndex(box.findData("ignore"))
        qtbot.wait_until(lambda: wizard.ops.pending == 0, timeout=10_000)
    qtbot.wait_until(lambda: "name column" in wizard.message.text(), timeout=10_000)
    assert wizard.message.text().startswith("⚠ We could not find a name column")


def test_the_report_names_the_categories_an_import_makes(qtbot, open_console, event_file,
                                                         tmp_path) -> None:
    from tests.ticket_types import IMPORTS, SURVIVORS, with_ticket_type

    sample = with_ticket_type(IMPORTS / "pretix_order_positions.csv", tmp_path / "pretix.csv")
    window = open_console(event_file["path"])
    window.show_screen("import")
    wizard = window.importer
    with qtbot.wait_signal(wizard.preview_shown, timeout=10_000):
        wizard.load_file(sample)
    with qtbot.wait_signal(wizard.report_shown, timeout=10_000):
        qtbot.mouseClick(wizard.dry_run_button, Qt.MouseButton.LeftButton)
    lines = [wizard.report_list.item(i).text() for i in range(wizard.report_list.count())]
    assert (f"New categories: {SURVIVORS} — their badges print no label until you set one in "
            "Event setup") in lines


RESAVED = ("Issued ticket ID,Order ID,Ticket type,First name,Last name,Email,Mobile number,"
           "Order IP,Status,Organisation\n"
           "it_1,or_1,Delegate,Zbigniew,?ukasiewicz,zb@example.pl,+44 7700 900801,198.51.100.7,"
           "valid,Fundacja Wolność\n"
           "it_2,or_2,Delegate,MaÅ‚gorzata,Nowak,mn@example.pl,+44 7700 900802,198.51.100.8,"
           "valid,La Strada\n"
           "it_3,or_3,Delegate,Hồng Nhung,Nguyễn,hn@example.vn,+44 7700 900803,198.51.100.9,"
           "valid,Saigon Rescue Network\n")


def test_each_column_says_what_becomes_of_it_and_damaged_names_are_listed(
    qtbot, open_console, event_file, tmp_path
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text(RESAVED, encoding="utf-8")
    window = open_console(event_file["path"])
    window.show_screen("import")
    wizard = window.importer
    with qtbot.wait_signal(wizard.preview_shown, timeout=10_000):
        wizard.load_file(path)
    assert wizard.fate_shown("Last name").startswith("Imported: every desk")
    assert wizard.fate_shown("Order IP") == wizard.fate_shown("Mobile number") == (
        "Not imported: it is not read or stored anywhere.")
    # The preview marks the damaged names as the attendee table will.
    assert preview_column(wizard, "Last name")[:2] == ["⚠ ?ukasiewicz", "Nowak"]
    box = wizard.mapping_box("Mobile number")
    with qtbot.wait_signal(wizard.preview_shown, timeout=10_000):
        box.setCurrentIndex(box.findData("keep"))
    assert wizard.fate_shown("Mobile number").startswith("Kept in the organisers' copy only")

    with qtbot.wait_signal(wizard.report_shown, timeout=10_000):
        qtbot.mouseClick(wizard.dry_run_button, Qt.MouseButton.LeftButton)
    lines = [wizard.report_list.item(i).text() for i in range(wizard.report_list.count())]
    assert "Columns kept in this copy only (never on a desk) (1): Mobile number" in lines
    assert "Columns dropped (1): Order IP" in lines
    assert "2 names look damaged (listed below)" in lines
    problems = [wizard.problems.item(i).text() for i in range(wizard.problems.count())]
    assert problems[0].startswith("Row 2: last name “?ukasiewicz” looks damaged — a letter "
                                  "was lost")
    assert problems[1].startswith("Row 3: first name “MaÅ‚gorzata” looks damaged")
    assert "Probably “Małgorzata”." in problems[1]
    assert not any("Nguyễn" in p or "Wolność" in p for p in problems)

    with qtbot.wait_signal(wizard.imported, timeout=10_000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    log = read(event_file["path"], lambda s: [p for (p,) in s.conn.execute(
        "SELECT payload FROM changes")])
    assert not any("7700 9008" in p or "198.51.100" in p for p in log)
    kept = read(event_file["path"], lambda s: [c for (c,) in s.conn.execute(
        "SELECT columns FROM kept_columns")])
    assert '{"Mobile number": "+44 7700 900801"}' in kept  # in this copy, for organisers
