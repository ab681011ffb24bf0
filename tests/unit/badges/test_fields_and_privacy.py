"""Templates over attendee fields, and the privacy rules: badge name, first name only, pronouns."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from kiosk.badges import BadgeData, load_layout, render_badges
from kiosk.badges.badge_drawing import set_texts
from kiosk.badges.fields import Placeholder, field_values, fill, parse_template
from kiosk.badges.layout import BadgeLayout
from kiosk.core.models import Attendee, Event

EVENT = Event(name="Freedom Network", date="2025-10-18", venue="Friends House")
CODE = "W1ABCDEFGHJKL00"


def badge(**fields: object) -> BadgeData:
    base: dict[str, object] = {"id": "AAAAAAAAAAAA", "first_name": "Samira",
                               "last_name": "Okonkwo-Blake", "organisation": "Unseen UK",
                               "pronouns": "she/her", "category": "speaker"}
    base.update(fields)
    return BadgeData(Attendee(**base), CODE, EVENT)  # type: ignore[arg-type]


def texts(layout_name: str, one: BadgeData) -> dict[str, str | None]:
    layout = load_layout(layout_name)
    assert isinstance(layout, BadgeLayout)
    return {
        item.element.id: None if item.fitted is None else " / ".join(item.fitted.lines)
        for item in set_texts(layout, one)
    }


def test_a_template_mixes_text_fields_and_fallbacks() -> None:
    template = parse_template("Hello {badge_name|first_name}, {{literal}} at {event_name}")
    assert template.parts[1] == Placeholder(("badge_name", "first_name"))
    assert template.fields == {"badge_name", "first_name", "event_name"}
    assert fill(template, field_values(badge())) == "Hello Samira, {literal} at Freedom Network"


def test_the_default_design_shows_name_organisation_pronouns_and_category() -> None:
    shown = texts("insert-4x3in", badge())
    assert shown == {
        "event": "Freedom Network",
        "name": "Samira",
        "full_name": "Samira Okonkwo-Blake",
        "organisation": "Unseen UK",
        "pronouns": "she/her",
        "category": "SPEAKER",
    }


def test_first_name_only_hides_surname_and_organisation() -> None:
    shown = texts("insert-4x3in", badge(first_name_only=True))
    assert shown["name"] == "Samira"
    assert shown["full_name"] is None
    assert shown["organisation"] is None
    assert shown["pronouns"] == "she/her"


def test_a_badge_name_replaces_the_legal_name_everywhere() -> None:
    shown = texts("insert-4x3in", badge(badge_name="Sam"))
    assert shown["name"] == "Sam"
    assert shown["full_name"] is None
    values = field_values(badge(badge_name="Sam"))
    assert values["first_name"] is None
    assert values["last_name"] is None
    assert values["display_name"] == "Sam"


def test_an_element_with_empty_fields_is_left_off() -> None:
    shown = texts("insert-4x3in", badge(pronouns="", organisation="   "))
    assert shown["pronouns"] is None
    assert shown["organisation"] is None
    assert fill(parse_template("Pronouns: {pronouns}"), field_values(badge(pronouns=""))) is None
    assert fill(parse_template("Welcome"), field_values(badge())) == "Welcome"


@pytest.mark.parametrize("name", ["cr80", "a4-8up-90x55"])
def test_a_first_name_only_badge_never_prints_the_surname(
    name: str, tmp_path: Path, pdftoppm: None
) -> None:
    secret = badge(first_name_only=True, last_name="Zyxwvutsrq", organisation="Qwertyuiop Ltd")
    out = io.BytesIO()
    render_badges(load_layout(name), [secret, badge()], out)
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(out.getvalue())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Samira" in text
    assert "Okonkwo-Blake" in text
    assert "Zyxwvutsrq" not in text
    assert "Qwertyuiop" not in text
