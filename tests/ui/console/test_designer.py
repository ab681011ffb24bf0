"""The badge designer, driven as an organiser would: pick a layout, drag and restyle elements,
save it, and find that `kiosk badges` prints exactly the badge the canvas showed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.badges.resources import LAYOUTS_DIR
from kiosk.core.changes import ChangeKind
from kiosk.printing.directory import PrinterDirectory
from kiosk.printing.qt_backend import render_pdf_pages
from kiosk.services import badge_design as design
from kiosk.services.event_access import EventFile
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.print_service import PrintService
from kiosk.store.event_store import EventStore
from kiosk.ui.console.designer_screen import BadgeDesignerScreen
from tests.ui.conftest import dispose
from tests.ui.console.screens import read

LONGEST = "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh"
ARABIC = ("نور", "الهدى السليماني")


@pytest.fixture
def event(event_file: dict) -> dict:
    store = EventStore.open(event_file["path"])
    store.record(ChangeKind.ATTENDEE_UPSERT, {"id": "LNG000000001", "base": "", "fields": {
        "first_name": "Hubert Blaine", "last_name": LONGEST.split(" ", 2)[2],
        "category": "speaker"}})
    store.record(ChangeKind.ATTENDEE_UPSERT, {"id": "RTL000000001", "base": "", "fields": {
        "first_name": ARABIC[0], "last_name": ARABIC[1], "category": "volunteer"}})
    store.close()
    return event_file


@pytest.fixture
def designer(qtbot, event: dict):
    door = EventFile.open(event["path"], threaded=True)
    screen = BadgeDesignerScreen(door)
    screen.start()
    screen.resize(1280, 820)
    screen.show()
    # The console is activated when opened; with no window manager (CI) nothing else does.
    screen.activateWindow()
    with qtbot.waitSignal(screen.preview_shown, timeout=60_000):
        pass
    qtbot.waitUntil(screen.isActiveWindow, timeout=5_000)
    yield screen
    screen.shutdown()
    dispose(screen)
    door.close()


def _index(screen: BadgeDesignerScreen, element_id: str) -> int:
    return [e.get("id") for e in screen.document["elements"]].index(element_id)


def _on_screen(screen: BadgeDesignerScreen, x_mm: float, y_mm: float) -> QPoint:
    return screen.canvas.mapFromScene(QPointF(x_mm, y_mm))


def _centre(screen: BadgeDesignerScreen, index: int) -> QPoint:
    x, y, w, h = screen.canvas.element_box(index)
    return _on_screen(screen, x + w / 2, y + h / 2)


def _pick_template(qtbot, screen: BadgeDesignerScreen, name: str) -> None:
    combo = screen.templates
    combo.setFocus()
    with qtbot.waitSignal(screen.preview_shown, timeout=60_000), \
            qtbot.waitSignal(screen.opened, timeout=30_000):
        key = Qt.Key.Key_Down if combo.findData(name) > combo.currentIndex() \
            else Qt.Key.Key_Up
        while combo.currentData() != name:
            qtbot.keyClick(combo, key)


def _type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _drag(qtbot, screen: BadgeDesignerScreen, start: QPoint, end: QPoint) -> None:
    viewport = screen.canvas.viewport()
    with qtbot.waitSignal(screen.preview_shown, timeout=60_000):
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         start)
        middle = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
        QTest.mouseMove(viewport, middle)
        QTest.mouseMove(viewport, end)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier, end)


def test_the_chooser_offers_the_longest_and_the_right_to_left_name(designer) -> None:
    people = designer.people
    offered = {people.itemData(i): people.itemText(i) for i in range(people.count())}
    assert offered["LNG000000001"] == f"{LONGEST} — longest name"
    assert offered["RTL000000001"] == f"{ARABIC[0]} {ARABIC[1]} — right-to-left"
    assert people.currentData() == "LNG000000001"  # the hardest test comes first
    assert designer.caption.text().startswith(f"The printed badge of {LONGEST}")


def test_drag_resize_restyle_save_and_the_cli_prints_the_same_badge(
    qtbot, designer, event, tmp_path
) -> None:
    _pick_template(qtbot, designer, "a6")
    assert designer.document["name"] == "a6"
    name = _index(designer, "name")
    before = designer.canvas.element_box(name)
    designer.canvas.zoom_to_fit()
    per_mm = designer.canvas.transform().m11()
    start = _centre(designer, name)
    _drag(qtbot, designer, start, start + QPoint(0, round(12 * per_mm)))

    moved = designer.document["elements"][name]
    assert designer.canvas.selected_index == name
    assert moved["y"] == pytest.approx(before[1] + 12, abs=0.2)
    assert moved["x"] == before[0]
    assert designer.properties.spins["y"].value() == pytest.approx(moved["y"])
    assert designer.properties.heading.text() == "Text “{badge_name|first_name}”"

    # Resize from the right-hand handle: 10 mm narrower.
    x, y, w, h = designer.canvas.element_box(name)
    handle = _on_screen(designer, x + w, y + h / 2)
    _drag(qtbot, designer, handle, handle - QPoint(round(10 * per_mm), 0))
    assert designer.document["elements"][name]["width"] == pytest.approx(w - 10, abs=0.2)
    assert designer.properties.spins["width"].value() == pytest.approx(
        designer.document["elements"][name]["width"])

    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        _type_into(qtbot, designer.properties.size, "30")
    assert designer.document["elements"][name]["size"] == 30.0
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        _type_into(qtbot, designer.properties.template, "{first_name} {last_name}")
    assert designer.document["elements"][name]["text"] == "{first_name} {last_name}"
    assert designer.problem.isHidden()

    assert designer.save_button.text() == "Save as… (unsaved changes)"
    saved = tmp_path / "layouts" / "charity-a6.json"
    with qtbot.waitSignal(designer.saved, timeout=30_000):
        designer.save_as(saved)
    assert designer.save_button.text() == "Save as…"
    written = json.loads(saved.read_text(encoding="utf-8"))
    element = next(e for e in written["elements"] if e.get("id") == "name")
    assert (element["y"], element["size"], element["text"]) == (
        moved["y"], 30.0, "{first_name} {last_name}")
    assert written["name"] == "charity-a6"
    assert (LAYOUTS_DIR / "a6.json").read_text(encoding="utf-8") != saved.read_text("utf-8")

    printed = tmp_path / "cli.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "badges", str(event["path"]), "--layout", str(saved),
         "--attendees", "LNG000000001", "--out", str(printed)],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    # The badge PDFs are reproducible, so the canvas showed the very badge that prints.
    assert printed.read_bytes() == designer.last_pdf
    [page] = render_pdf_pages(printed.read_bytes(), designer._dpi())
    assert page == designer.canvas.preview_image


def test_undo_and_redo_a_drag(qtbot, designer) -> None:
    qr = _index(designer, "code")
    x = designer.canvas.element_box(qr)[0]
    start = _centre(designer, qr)
    per_mm = designer.canvas.transform().m11()
    _drag(qtbot, designer, start, start - QPoint(round(20 * per_mm), 0))
    assert designer.document["elements"][qr]["x"] == pytest.approx(x - 20, abs=0.2)
    assert designer.undo_button.isEnabled()
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        qtbot.mouseClick(designer.undo_button, Qt.MouseButton.LeftButton)
    assert designer.document["elements"][qr]["x"] == x
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        qtbot.mouseClick(designer.redo_button, Qt.MouseButton.LeftButton)
    assert designer.document["elements"][qr]["x"] == pytest.approx(x - 20, abs=0.2)


def test_arrow_keys_nudge_and_delete_removes(qtbot, designer) -> None:
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        designer.add_element("qr")
    added = len(designer.document["elements"]) - 1
    assert designer.canvas.selected_index == added
    x = designer.document["elements"][added]["x"]
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        qtbot.keyClick(designer.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert designer.document["elements"][added]["x"] == pytest.approx(x + 5)
    assert designer.properties.spins["x"].value() == pytest.approx(x + 5)
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        qtbot.keyClick(designer.canvas, Qt.Key.Key_Delete)
    assert len(designer.document["elements"]) == added
    assert designer.canvas.selected_index == -1


def test_a_category_colour_band_shows_in_the_rendered_badge(qtbot, designer) -> None:
    band = _index(designer, "category_band")
    _, y, _, h = designer.canvas.element_box(band)
    viewport = designer.canvas.viewport()
    # Its left end: the category's text lies over the middle of the band.
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _on_screen(designer, 2, y + h / 2))
    assert designer.canvas.selected_index == band
    table = designer.properties.category_table
    speakers = {table.item(r, 0).text(): r for r in range(table.rowCount())}["speaker"]
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        table.item(speakers, 1).setText("#ff0000")  # as typed into the cell
    fill = designer.document["elements"][band]["fill"]
    assert fill["by_category"]["speaker"] == "#ff0000"
    image = designer.canvas.preview_image  # the longest name is a speaker's
    pixel = image.pixelColor(round(image.width() * 2 / 101.6),
                             round(image.height() * (y + 1) / 76.2))
    assert (pixel.red(), pixel.green(), pixel.blue()) == (255, 0, 0)


def test_a_broken_layout_file_gets_a_message_not_a_traceback(qtbot, designer, tmp_path):
    shown = json.dumps(designer.document)
    garbled = tmp_path / "garbled.json"
    garbled.write_text('{"format": 1, "type": "badge", "elements": [', encoding="utf-8")
    with qtbot.waitSignal(designer.problem_shown, timeout=30_000) as message:
        designer.open_file(garbled)
    assert message.args[0].startswith("garbled.json is not a layout file: its JSON is broken "
                                      "at line 1")
    assert designer.problem.isVisible() and designer.problem.text() == message.args[0]
    assert json.dumps(designer.document) == shown  # the design on screen is kept

    wrong = tmp_path / "wrong.json"
    document = json.loads((LAYOUTS_DIR / "cr80.json").read_text(encoding="utf-8"))
    text = next(e for e in document["elements"] if e["type"] == "text")
    text["min_size"] = text["size"] + 10
    wrong.write_text(json.dumps(document), encoding="utf-8")
    with qtbot.waitSignal(designer.problem_shown, timeout=30_000) as message:
        designer.open_file(wrong)
    assert f"Text “{text['text']}”, setting “min_size”: must not exceed size" in message.args[0]


def test_an_impossible_edit_is_named_and_never_saved(qtbot, designer, tmp_path) -> None:
    name = _index(designer, "name")
    QTest.mouseClick(designer.canvas.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, _centre(designer, name))
    with qtbot.waitSignal(designer.problem_shown, timeout=60_000) as message:
        _type_into(qtbot, designer.properties.template, "{favourite_colour}")
    assert "favourite_colour" in message.args[0]
    with qtbot.waitSignal(designer.problem_shown, timeout=30_000) as message:
        designer.save_as(tmp_path / "nope.json")
    assert message.args[0].startswith("Not saved.")
    assert not (tmp_path / "nope.json").exists()
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        qtbot.keyClick(designer.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert designer.problem.isHidden()


def test_a_bundled_layout_is_never_overwritten(qtbot, designer) -> None:
    before = (LAYOUTS_DIR / "insert-4x3in.json").read_bytes()
    with qtbot.waitSignal(designer.problem_shown, timeout=30_000) as message:
        designer.save_as(LAYOUTS_DIR / "insert-4x3in.json")
    assert "bundled layouts cannot be changed" in message.args[0]
    assert (LAYOUTS_DIR / "insert-4x3in.json").read_bytes() == before


def test_the_hard_names_sheet_shows_the_events_hardest_names(qtbot, designer) -> None:
    with qtbot.waitSignal(designer.sheet_shown, timeout=60_000) as shown:
        designer.views.setCurrentIndex(1)
    reasons = [t.reason for t in designer.hard]
    assert reasons[:2] == ["longest name", "right-to-left"]
    assert shown.args[0] == len(designer.hard) >= 2
    names = [label.accessibleName() for label in designer.sheet.findChildren(QLabel)
             if label.accessibleName().startswith("Badge for")]
    assert f"Badge for {ARABIC[0]} {ARABIC[1]}" in names and f"Badge for {LONGEST}" in names


def test_a_saved_layout_becomes_the_events_layout(qtbot, designer, event, tmp_path) -> None:
    assert not designer.use_button.isEnabled()
    target = tmp_path / "ours.json"
    with qtbot.waitSignal(designer.saved, timeout=30_000):
        designer.save_as(target)
    assert designer.use_button.isEnabled()
    qtbot.mouseClick(designer.use_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: designer.message.text().startswith("Badges printed from"),
                    timeout=30_000)
    with EventFile.open(event["path"]) as door:
        assert PrintService(door, PrinterDirectory([])).settings().layout == \
            str(target.resolve())


def test_zoom_one_is_true_size_on_this_screen(qtbot, designer) -> None:
    qtbot.mouseClick(next(b for b in designer.findChildren(QPushButton)
                          if b.text() == "Real size"), Qt.MouseButton.LeftButton)
    assert designer.zoom_label.text() == "100 % (real size)"
    screen = designer.canvas.screen()
    dots_per_mm = screen.physicalDotsPerInch() / screen.devicePixelRatio() / 25.4
    width = designer.canvas.mapFromScene(QPointF(101.6, 0)).x() - \
        designer.canvas.mapFromScene(QPointF(0, 0)).x()
    assert width == pytest.approx(101.6 * dots_per_mm, abs=1.5)
    designer.canvas.zoom_in()
    assert designer.zoom_label.text() == "125 %"


def test_before_any_import_the_designer_previews_sample_people(qtbot, tmp_path) -> None:
    create_event(tmp_path / "new.db", NewEvent("Freedom Forum 2027")).close()
    door = EventFile.open(tmp_path / "new.db", threaded=True)
    screen = BadgeDesignerScreen(door)
    screen.start()
    screen.show()
    try:
        with qtbot.waitSignal(screen.preview_shown, timeout=60_000) as shown:
            pass
        assert shown.args[0] == "SAMPLE000001"
        assert screen.people.currentText() == \
            "Maximiliana Josefina Featherstonehaugh-Wolfeschlegel — longest name (sample)"
        assert "made-up sample people stand in" in screen.message.text()
        assert screen.canvas.preview_image is not None and screen.problem.isHidden()
    finally:
        screen.shutdown()
        dispose(screen)
        door.close()


def test_quick_edits_end_on_the_newest_design(qtbot, designer, event) -> None:
    qr = _index(designer, "code")
    designer.canvas.select(qr)
    for _ in range(4):  # faster than a render: the ones overtaken are dropped
        qtbot.keyClick(designer.canvas, Qt.Key.Key_Left)
    final = designer.document
    assert final["elements"][qr]["x"] == pytest.approx(
        json.loads((LAYOUTS_DIR / "insert-4x3in.json").read_text("utf-8"))
        ["elements"][qr]["x"] - 2.0)
    expected = read(event["path"], lambda s: design.badge_pdf(
        s, design.check_document(final), ["LNG000000001"]))
    qtbot.waitUntil(lambda: not designer.busy, timeout=60_000)
    assert designer.last_pdf == expected  # and nothing older landed on top of it


def test_a_logo_is_drawn_where_its_frame_is(qtbot, designer, tmp_path) -> None:
    logo = tmp_path / "logo.png"
    picture = QImage(200, 100, QImage.Format.Format_RGB32)
    picture.fill(QColor("#00ff00"))
    assert picture.save(str(logo))
    with qtbot.waitSignal(designer.preview_shown, timeout=60_000):
        designer.add_element("image", str(logo))
    added = len(designer.document["elements"]) - 1
    assert designer.properties.heading.text() == "Image “image-1”"
    assert designer.properties.image_path.text() == str(logo)
    x, y, w, h = designer.canvas.element_box(added)
    image = designer.canvas.preview_image
    per_mm = image.width() / 101.6
    pixel = image.pixelColor(round((x + w / 2) * per_mm), round((y + h / 2) * per_mm))
    assert (pixel.red(), pixel.green(), pixel.blue()) == (0, 255, 0)
