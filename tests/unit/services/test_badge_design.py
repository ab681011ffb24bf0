"""Badge design without Qt: templates, editing a layout document, saving it, hard names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from kiosk.badges import load_layout
from kiosk.badges.preview import rasterise
from kiosk.badges.resources import LAYOUTS_DIR
from kiosk.core.changes import ChangeKind
from kiosk.core.models import Attendee
from kiosk.printing.directory import PrinterDirectory
from kiosk.services import badge_design as design
from kiosk.services.demo import create_demo_event
from kiosk.services.event_setup import NewEvent, create_event
from kiosk.services.print_service import PrintService
from kiosk.store.event_file import EventFile
from kiosk.store.event_store import EventStore


@pytest.fixture
def demo(tmp_path: Path) -> EventStore:
    store, _ = create_demo_event(tmp_path / "demo.db", attendees=60, seed=4)
    yield store
    store.close()


def test_templates_are_the_bundled_badge_layouts_not_sheets() -> None:
    names = {t.name for t in design.badge_templates()}
    assert {"insert-4x3in", "cr80", "a6", "brother-62x100"} <= names
    assert "a4-8up-90x55" not in names and "letter-6up-4x3in" not in names


def test_a_template_opens_as_the_document_in_its_file() -> None:
    document = design.template_document("cr80")
    assert document == json.loads((LAYOUTS_DIR / "cr80.json").read_text(encoding="utf-8"))
    assert design.check_document(document).page.width == 85.6


def test_moving_and_resizing_keep_elements_inside_the_page() -> None:
    document = design.template_document("insert-4x3in")
    names = [e.get("id") for e in document["elements"]]
    name = names.index("name")
    moved = design.place_element(document, name, (10.04, 20.0, 60.0, 18.0))
    assert design.element_box(moved["elements"][name], (101.6, 76.2)) == (10.0, 20.0, 60.0, 18.0)
    assert document["elements"][name]["x"] == 6  # the original is untouched
    pushed = design.place_element(document, name, (90.0, 70.0, 60.0, 18.0))
    assert design.element_box(pushed["elements"][name], (101.6, 76.2)) == (41.6, 58.2, 60, 18)
    qr = names.index("code")
    square = design.place_element(document, qr, (71.0, 34.0, 20.0, 28.0))
    assert square["elements"][qr]["size"] == 28.0
    band = names.index("category_band")
    dragged = design.place_element(document, band, (30.0, 50.0, 10.0, 10.0))
    assert design.element_box(dragged["elements"][band], (101.6, 76.2)) == (0.0, 50.0, 101.6, 10.0)
    line = names.index("rule")
    shifted = design.place_element(document, line, (10.0, 20.0, 89.6, 0.0))
    assert {k: shifted["elements"][line][k] for k in ("x1", "y1", "x2", "y2")} == \
        {"x1": 10.0, "y1": 20.0, "x2": 99.6, "y2": 20.0}
    for changed in (moved, pushed, square, dragged, shifted):
        design.check_document(changed)


def test_added_elements_are_valid_and_get_their_own_ids(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "#1f5fa8").save(logo)
    document = design.template_document("cr80")
    for kind in design.ELEMENT_KINDS:
        document, index = design.add_element(document, kind, image_path=str(logo))
        assert document["elements"][index]["type"] == kind
    document, again = design.add_element(document, "text")
    assert document["elements"][again]["id"] == "text-2"
    layout = design.check_document(document)
    assert len(layout.elements) == len(document["elements"])
    fewer = design.remove_element(document, again)
    assert len(fewer["elements"]) == len(document["elements"]) - 1


def test_a_bad_setting_is_named_in_plain_words() -> None:
    document = design.template_document("insert-4x3in")
    name = [e.get("id") for e in document["elements"]].index("name")
    broken = design.set_setting(document, name, "min_size", 60.0)
    with pytest.raises(design.DesignError) as caught:
        design.check_document(broken)
    assert str(caught.value) == ("Text “{badge_name|first_name}”, setting “min_size”: must "
                                 "not exceed size (44.0), got 60.0.")
    unknown = design.set_setting(document, name, "text", "{favourite_colour}")
    with pytest.raises(design.DesignError, match="favourite_colour"):
        design.check_document(unknown)


def test_shrink_text_loses_its_line_count() -> None:
    document = design.template_document("insert-4x3in")
    name = [e.get("id") for e in document["elements"]].index("name")
    shrunk = design.set_setting(document, name, "fit", "shrink")
    assert "max_lines" not in shrunk["elements"][name]
    design.check_document(shrunk)


def test_a_broken_file_gets_a_message(tmp_path: Path) -> None:
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{\"format\": 1, \"type\": ", encoding="utf-8")
    with pytest.raises(design.DesignError, match=r"garbled\.json is not a layout file"):
        design.open_document(garbled)
    wrong = tmp_path / "wrong.json"
    document = design.template_document("cr80")
    text = next(e for e in document["elements"] if e["type"] == "text")
    text["colour"] = "blue"
    wrong.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(design.DesignError, match='expected a colour like "#1a2b3c"'):
        design.open_document(wrong)
    with pytest.raises(design.DesignError, match="sheet layout"):
        design.open_document(LAYOUTS_DIR / "a4-8up-90x55.json")
    with pytest.raises(design.DesignError, match="could not be read"):
        design.open_document(tmp_path / "missing.json")


def test_saving_writes_a_layout_the_printing_code_reads(tmp_path: Path) -> None:
    folder = tmp_path / "designs"
    folder.mkdir()
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "#c62828").save(logo)
    document = design.template_document("insert-4x3in")
    document, _ = design.add_element(document, "image", image_path=str(logo))
    layout = design.save_document(document, folder / "charity")
    saved = json.loads((folder / "charity.json").read_text(encoding="utf-8"))
    assert saved["name"] == "charity" and layout.name == "charity"
    assert saved["elements"][-1]["path"] == "../logo.png"
    assert load_layout(folder / "charity.json").elements[-1].path.resolve() == logo.resolve()
    again = design.open_document(folder / "charity.json")
    assert Path(again["elements"][-1]["path"]) == logo.resolve()


def test_bundled_layouts_are_never_overwritten() -> None:
    before = (LAYOUTS_DIR / "cr80.json").read_bytes()
    with pytest.raises(design.DesignError, match="bundled layouts cannot be changed"):
        design.save_document(design.template_document("cr80"), LAYOUTS_DIR / "cr80.json")
    assert (LAYOUTS_DIR / "cr80.json").read_bytes() == before


def test_an_unusable_design_is_not_saved(tmp_path: Path) -> None:
    document = design.template_document("cr80")
    document["elements"][0]["size"] = -3
    with pytest.raises(design.DesignError):
        design.save_document(document, tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()


def test_undo_and_redo_walk_the_edits() -> None:
    history = design.EditHistory()
    first = design.template_document("cr80")
    second = design.set_title(first, "Second")
    history.record(first)
    assert history.undo(second) == first
    assert history.redo(first) == second
    assert history.redo(second) is None
    assert history.can_undo and not history.can_redo


def test_hard_names_pick_the_longest_rtl_cjk_and_marked_names() -> None:
    people = [
        Attendee("A", "Ann", "Lee"),
        Attendee("B", "María de los Ángeles", "Fernández de Córdoba"),
        Attendee("C", "نور", "سليمان"),
        Attendee("D", "直樹", "中村"),
        Attendee("E", "Nguye\u0302\u0303n", "Tra\u0300n"),
        Attendee("F", "Bo", "Ek", organisation="Brightwater Anti-Slavery Partnership"),
    ]
    hard = {t.reason: t.attendee_id for t in design.hard_names(people)}
    assert hard == {"longest name": "B", "right-to-left": "C", "CJK": "D",
                    "combining marks": "E", "longest organisation": "F"}
    chooser = design.trial_names(people)
    assert [t.attendee_id for t in chooser] == ["B", "C", "D", "E", "F", "A"]
    assert chooser[1].label == "نور سليمان — right-to-left"


def test_an_event_without_rtl_names_offers_none() -> None:
    hard = design.hard_names([Attendee("A", "Ann", "Lee"), Attendee("B", "Bea", "Long-Name")])
    assert [t.reason for t in hard] == ["longest name"]


def test_the_preview_pdf_is_what_kiosk_badges_writes(demo: EventStore, tmp_path: Path) -> None:
    from kiosk.services.badge_printing import BadgeSelection, write_badges

    chooser = design.event_trial_names(demo)
    assert any(t.reason == "right-to-left" for t in chooser)
    layout = design.save_document(design.template_document("a6"), tmp_path / "mine.json")
    person = chooser[0].attendee_id
    write_badges(demo, load_layout(tmp_path / "mine.json"), tmp_path / "cli.pdf",
                 BadgeSelection(attendee_ids=[person]))
    assert design.badge_pdf(demo, layout, [person]) == (tmp_path / "cli.pdf").read_bytes()
    with pytest.raises(design.DesignError, match="no attendee with id NOPE"):
        design.badge_pdf(demo, layout, ["NOPE"])


def test_a_saved_layout_can_become_the_events_layout(demo: EventStore, tmp_path: Path) -> None:
    design.save_document(design.template_document("cr80"), tmp_path / "card.json")
    assert design.event_layout(demo) == "insert-4x3in"
    design.use_for_event(demo, tmp_path / "card.json")
    with EventFile.open(tmp_path / "demo.db") as event:  # the demo store's own door
        assert PrintService(event, PrinterDirectory([])).settings().layout == \
            str((tmp_path / "card.json").resolve())


def test_a_change_of_attendee_name_changes_the_chooser(demo: EventStore) -> None:
    demo.record(ChangeKind.ATTENDEE_UPSERT, {"id": "LONG1", "base": "", "fields": {
        "first_name": "Hubert Blaine", "last_name": "Wolfeschlegelsteinhausenbergerdorff-"
        "Featherstonehaugh"}})
    assert design.event_trial_names(demo)[0] == design.TrialName(
        "LONG1", "Hubert Blaine Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh",
        "longest name")


def test_before_any_import_sample_people_stand_in(tmp_path: Path) -> None:
    store = create_event(tmp_path / "new.db", NewEvent("Freedom Forum 2027"))
    try:
        people, samples = design.preview_people(store)
        assert samples and people == list(design.SAMPLE_ATTENDEES)
        reasons = [t.reason for t in design.event_trial_names(store)]
        assert reasons[:4] == ["longest name", "right-to-left", "CJK", "combining marks"]
        layout = design.check_document(design.template_document("cr80"))
        pdf = design.badge_pdf(store, layout, [a.id for a in people])
        assert len(rasterise(pdf, 20)) == len(people)  # a page for each sample person
    finally:
        store.close()
