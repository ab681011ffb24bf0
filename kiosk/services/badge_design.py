"""Designing badge layouts: documents opened, edited, checked and saved; names to try them on."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.badges import BadgeData, BadgeLayout, LayoutInfo, bundled_layouts, render_badges
from kiosk.badges.layout_reader import LayoutError, load_document, parse_layout
from kiosk.badges.resources import LAYOUTS_DIR
from kiosk.core.models import Attendee
from kiosk.core.refusal import Refusal
from kiosk.services.badge_printing import badge_code
from kiosk.services.desk_settings import DeskSettings
from kiosk.services.event_access import EventFile, as_read
from kiosk.services.event_setup import event_of
from kiosk.store import queries
from kiosk.store.event_store import EventStore

Document = dict[str, Any]
# (x, y, width, height) in millimetres from the page's top-left corner.
Box = tuple[float, float, float, float]

ELEMENT_KINDS: tuple[str, ...] = ("text", "qr", "image", "box", "band", "line")
KIND_TITLES = {"text": "Text", "qr": "QR code", "image": "Image", "box": "Box",
               "band": "Band", "line": "Line"}
_SMALLEST = 1.0  # mm: an element dragged smaller than this could no longer be grabbed
EVENT_LOGO = "event_logo"  # an image's "source": the logo set in Event setup
_ELEMENT_KEY = re.compile(r"^elements\[(\d+)\]\.?(.*)$")


class DesignError(ValueError, Refusal):
    """A layout that cannot be opened, used or saved, in words an organiser can act on."""


@dataclass(frozen=True)
class TrialName:
    """An attendee to preview a badge with; ``reason`` says why their name is a hard one."""

    attendee_id: str
    name: str
    reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} — {self.reason}" if self.reason else self.name


# -- templates, opening and checking ----------------------------------------------------


def badge_templates() -> list[LayoutInfo]:
    """The bundled badge layouts to start from (sheets only impose one of these)."""
    return [info for info in bundled_layouts() if info.kind != "sheet"]


def template_document(name: str) -> Document:
    """A bundled badge layout as an editable document (its image paths made absolute)."""
    return open_document(LAYOUTS_DIR / f"{name}.json")


def open_document(path: str | os.PathLike[str]) -> Document:
    """A layout file as an editable document; DesignError saying what is wrong otherwise."""
    source = Path(path)
    try:
        document = load_document(source)  # with or without a byte-order mark
    except LayoutError as error:
        raise DesignError(f"{source.name} {error.message}.") from None
    if isinstance(document, dict) and document.get("type") == "sheet":
        raise DesignError(f"{source.name} is a sheet layout, which places copies of a badge "
                          f"layout ({document.get('badge', '?')}) on a page. Open that badge "
                          "layout to design the badge.")
    absolute = _with_image_paths(document, lambda p: str((source.parent / p).resolve()))
    check_document(absolute, source)
    return absolute


def check_document(document: Any, path: str | os.PathLike[str] | None = None) -> BadgeLayout:
    """The layout a document describes, checked by the same reader as printing uses."""
    where = Path(path) if path is not None else Path("design.json")
    try:
        layout = parse_layout(document, where, _no_sheet)
    except LayoutError as error:
        raise DesignError(describe_layout_error(error, document)) from None
    if not isinstance(layout, BadgeLayout):
        raise DesignError("A sheet layout cannot be designed here; open its badge layout.")
    return layout


def describe_layout_error(error: LayoutError, document: Any) -> str:
    """The reader's message with the element it concerns named as the designer shows it."""
    match = _ELEMENT_KEY.match(error.key)
    elements = document.get("elements") if isinstance(document, dict) else None
    if match and isinstance(elements, list) and int(match.group(1)) < len(elements):
        element = elements[int(match.group(1))]
        what = element_title(element) if isinstance(element, dict) else "An element"
        if match.group(2):
            return f"{what}, setting “{match.group(2)}”: {error.message}."
        return f"{what}: {error.message}."
    return f"The layout's {error.key or 'file'}: {error.message}."


def _no_sheet(reference: str, folder: Path) -> BadgeLayout:
    raise LayoutError("badge", "a sheet layout cannot be designed here")


# -- saving ---------------------------------------------------------------------------


def is_bundled(path: str | os.PathLike[str]) -> bool:
    """Whether a path is one of the layouts shipped with kiosk (never overwritten)."""
    return Path(path).resolve().parent == LAYOUTS_DIR.resolve()


def saved_form(document: Document, path: str | os.PathLike[str]) -> Document:
    """The document as it is written to ``path``: named after the file, images relative."""
    target = Path(path).resolve()
    saved = copy.deepcopy(document)
    saved["name"] = target.stem

    def relative(image: str) -> str:
        try:
            return Path(os.path.relpath(Path(image).resolve(), target.parent)).as_posix()
        except ValueError:  # another drive (Windows): the absolute path still works
            return image

    return _with_image_paths(saved, relative)


def save_document(document: Document, path: str | os.PathLike[str]) -> BadgeLayout:
    """Check the document and write it as a layout file; DesignError if it is unusable."""
    target = Path(path)
    if target.suffix.lower() != ".json":
        target = target.with_name(target.name + ".json")
    if is_bundled(target):
        raise DesignError("The bundled layouts cannot be changed. Save your design under "
                          "another name, in another folder.")
    saved = saved_form(document, target)
    layout = check_document(saved, target)
    text = json.dumps(saved, indent=2, ensure_ascii=False) + "\n"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and moved over it, so a full disk never leaves half a file.
        handle, temporary = tempfile.mkstemp(prefix=".layout-", suffix=".json",
                                             dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except OSError as error:
        raise DesignError(f"The layout could not be saved to {target}: {error.strerror}.") \
            from None
    return layout


def event_layout(store: EventStore) -> str:
    """The layout this event file prints badges with (`kiosk print`, the desk)."""
    return str(DeskSettings(store)["print.layout"])


def use_for_event(store: EventStore, path: str | os.PathLike[str]) -> str:
    """Make a saved layout file the one this event file prints badges with."""
    target = str(Path(path).resolve())
    with store.transaction():
        DeskSettings(store)["print.layout"] = target
    return target


# -- geometry and editing ---------------------------------------------------------------


def page_size(document: Document) -> tuple[float, float]:
    page = document.get("page") or {}
    return float(page.get("width", 0)), float(page.get("height", 0))


def element_box(element: Document, page: tuple[float, float]) -> Box:
    """Where an element sits (a line: the box its two ends span)."""
    kind = element.get("type")
    if kind == "line":
        x1, y1 = float(element["x1"]), float(element["y1"])
        x2, y2 = float(element["x2"]), float(element["y2"])
        return min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1)
    if kind == "band":
        return 0.0, float(element["y"]), page[0], float(element["height"])
    if kind == "qr":
        size = float(element["size"])
        return float(element["x"]), float(element["y"]), size, size
    return (float(element["x"]), float(element["y"]), float(element["width"]),
            float(element["height"]))


def place_element(document: Document, index: int, box: Box) -> Document:
    """A copy with one element moved or resized to ``box``, kept whole inside the page."""
    page = page_size(document)
    changed = copy.deepcopy(document)
    element = changed["elements"][index]
    kind = element.get("type")
    x, y, width, height = box
    if kind == "qr":
        width = height = min(max(width, height), page[0], page[1])
    if kind == "band":
        x, width = 0.0, page[0]
    if kind != "line":
        width = min(max(_mm(width), _SMALLEST), page[0])
        height = min(max(_mm(height), _SMALLEST), page[1])
    else:
        width, height = min(_mm(width), page[0]), min(_mm(height), page[1])
    x = _within(x, width, page[0])
    y = _within(y, height, page[1])
    if kind == "line":
        old = element_box(element, page)
        # The line keeps its direction: each end moves with the corner of the box it was at.
        left_first = float(element["x1"]) <= float(element["x2"])
        top_first = float(element["y1"]) <= float(element["y2"])
        xs = (x, x + width) if left_first else (x + width, x)
        ys = (y, y + height) if top_first else (y + height, y)
        if old[2] == 0:
            xs = (x, x)
        if old[3] == 0:
            ys = (y, y)
        element.update(x1=xs[0], x2=xs[1], y1=ys[0], y2=ys[1])
    elif kind == "band":
        element.update(y=y, height=height)
    elif kind == "qr":
        element.update(x=x, y=y, size=width)
    else:
        element.update(x=x, y=y, width=width, height=height)
    return changed


def set_setting(document: Document, index: int, key: str, value: Any) -> Document:
    """A copy with one element's setting changed (``None`` removes it: the default applies)."""
    changed = copy.deepcopy(document)
    element = changed["elements"][index]
    if value is None:
        element.pop(key, None)
    else:
        element[key] = value
    if element.get("type") == "text" and element.get("fit", "shrink") == "shrink":
        element.pop("max_lines", None)  # only wrapped text has more than one line
    if element.get("type") == "image" and key in ("path", "source") and value is not None:
        # A picture is a file or the event's logo: choosing one lets go of the other.
        element.pop("source" if key == "path" else "path", None)
    return changed


def set_title(document: Document, title: str) -> Document:
    changed = copy.deepcopy(document)
    changed["title"] = title
    return changed


def add_element(document: Document, kind: str, image_path: str = "") -> tuple[Document, int]:
    """A copy with a new element of ``kind`` near the middle of the page, and its index."""
    if kind not in ELEMENT_KINDS:
        raise ValueError(f"unknown element kind {kind!r}")
    width, height = page_size(document)
    changed = copy.deepcopy(document)
    elements = changed.setdefault("elements", [])
    taken = {str(e.get("id", "")) for e in elements if isinstance(e, dict)}
    number = 1
    while f"{kind}-{number}" in taken:
        number += 1
    element: Document = {"type": kind, "id": f"{kind}-{number}"}
    w, h = min(40.0, width), min(10.0, height)
    x, y = _mm((width - w) / 2), _mm((height - h) / 2)
    if kind == "text":
        element.update(x=x, y=y, width=w, height=h, text="{organisation}", size=12.0,
                       min_size=8.0)
    elif kind == "qr":
        size = min(20.0, width, height)
        element.update(x=_mm((width - size) / 2), y=_mm((height - size) / 2), size=size)
    elif kind == "image":  # without a file, the logo the organisers set in Event setup
        element.update(x=x, y=y, width=w, height=min(20.0, height),
                       **({"path": image_path} if image_path else {"source": EVENT_LOGO}))
    elif kind == "box":
        element.update(x=x, y=y, width=w, height=h, fill="#e0e0e0")
    elif kind == "band":
        band = min(12.0, height)
        element.update(y=_within(height - band, band, height), height=band,
                       fill={"by_category": {}, "default": "#455a64"})
    else:
        element.update(x1=x, y1=_mm(height / 2), x2=_mm(x + w), y2=_mm(height / 2),
                       width=0.6, colour="#000000")
    elements.append(element)
    return changed, len(elements) - 1


def remove_element(document: Document, index: int) -> Document:
    changed = copy.deepcopy(document)
    del changed["elements"][index]
    return changed


def element_title(element: Document) -> str:
    """How an element is named to an organiser: its kind and its text or id."""
    kind = KIND_TITLES.get(str(element.get("type")), "Element")
    if element.get("type") == "text" and element.get("text"):
        return f"{kind} “{element['text']}”"
    if element.get("id"):
        return f"{kind} “{element['id']}”"
    return kind


def _mm(value: float) -> float:
    return round(float(value), 1)


def _within(position: float, size: float, limit: float) -> float:
    """A position to a tenth of a millimetre that keeps ``size`` inside ``limit``."""
    return max(0.0, min(_mm(position), round(limit - size, 2)))


def _with_image_paths(document: Any, change: Any) -> Any:
    if not isinstance(document, dict) or not isinstance(document.get("elements"), list):
        return document
    changed = copy.deepcopy(document)
    for element in changed["elements"]:
        if isinstance(element, dict) and element.get("type") == "image" \
                and isinstance(element.get("path"), str) and element["path"]:
            element["path"] = change(element["path"])
    return changed


class EditHistory:
    """The documents before each edit, for undo and redo (the last ``limit`` edits)."""

    def __init__(self, limit: int = 100) -> None:
        self._undo: list[Document] = []
        self._redo: list[Document] = []
        self._limit = limit

    def record(self, before: Document) -> None:
        self._undo.append(copy.deepcopy(before))
        del self._undo[:-self._limit]
        self._redo.clear()

    def undo(self, current: Document) -> Document | None:
        if not self._undo:
            return None
        self._redo.append(copy.deepcopy(current))
        return self._undo.pop()

    def redo(self, current: Document) -> Document | None:
        if not self._redo:
            return None
        self._undo.append(copy.deepcopy(current))
        return self._redo.pop()

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)


# -- names to try a design on ---------------------------------------------------------


def is_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def is_cjk(text: str) -> bool:
    return any(unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
               for c in text)


def combining_marks(text: str) -> int:
    """Marks a renderer must place on their letters (as typed, else once decomposed)."""
    typed = sum(1 for c in text if unicodedata.combining(c))
    if typed:
        return typed * 100  # marks as typed are the harder test
    return sum(1 for c in unicodedata.normalize("NFD", text) if unicodedata.combining(c))


def _shown_name(attendee: Attendee) -> str:
    return attendee.display_name or attendee.full_name or attendee.id


def hard_names(attendees: Sequence[Attendee]) -> list[TrialName]:
    """The event's own hardest names: the longest, right-to-left, CJK, combining marks, and
    the longest organisation; each person once, only those the event has."""
    picks: list[TrialName] = []
    chosen: set[str] = set()

    def pick(candidates: Sequence[Attendee], reason: str, score: Any) -> None:
        fresh = [a for a in candidates if a.id not in chosen]
        if not fresh:
            return
        best = max(fresh, key=lambda a: (score(a), a.id))
        chosen.add(best.id)
        picks.append(TrialName(best.id, _shown_name(best), reason))

    people = list(attendees)

    def length(a: Attendee) -> int:
        return len(_shown_name(a)) + len(a.full_name)

    pick(people, "longest name", length)
    pick([a for a in people if is_right_to_left(_shown_name(a) + a.full_name)],
         "right-to-left", length)
    pick([a for a in people if is_cjk(_shown_name(a) + a.full_name)], "CJK", length)
    pick([a for a in people if combining_marks(_shown_name(a) + a.full_name)],
         "combining marks", lambda a: combining_marks(_shown_name(a) + a.full_name))
    pick([a for a in people if a.organisation], "longest organisation",
         lambda a: len(a.organisation))
    return picks


def trial_names(attendees: Sequence[Attendee], limit: int = 200) -> list[TrialName]:
    """The chooser's list: the hard names first, then others by name (``limit`` in all)."""
    hard = hard_names(attendees)
    shown = {t.attendee_id for t in hard}
    rest = sorted((a for a in attendees if a.id not in shown),
                  key=lambda a: (_shown_name(a).casefold(), a.id))
    return hard + [TrialName(a.id, _shown_name(a)) for a in rest[: max(0, limit - len(hard))]]


# Made-up people to design with before any registrations are imported: as hard as real ones.
SAMPLE_ATTENDEES: tuple[Attendee, ...] = (
    Attendee("SAMPLE000001", "Maximiliana Josefina", "Featherstonehaugh-Wolfeschlegel",
             organisation="Brightwater Anti-Slavery Partnership", pronouns="she/her"),
    Attendee("SAMPLE000002", "نور الهدى", "السليماني", organisation="Compass Rose Refuge",
             category="speaker"),
    Attendee("SAMPLE000003", "美咲", "佐藤", category="volunteer"),
    Attendee("SAMPLE000004", unicodedata.normalize("NFD", "Thị Hằng"),
             unicodedata.normalize("NFD", "Nguyễn"), category="partner NGO"),
)


def preview_people(store: EventStore) -> tuple[list[Attendee], bool]:
    """The event's active attendees, or the sample people (True) while it has none."""
    people = queries.list_attendees(store.conn, status="active")
    return (people, False) if people else (list(SAMPLE_ATTENDEES), True)


def event_trial_names(store: EventStore, limit: int = 200) -> list[TrialName]:
    return trial_names(preview_people(store)[0], limit)


def badge_pdf(store: EventStore, layout: BadgeLayout, attendee_ids: Sequence[str]) -> bytes:
    """The badges of these attendees as one PDF, exactly as `kiosk badges` renders them."""
    return _drawn(layout, _badges_of(store, attendee_ids))


def badge_pdf_through(event: EventFile, layout: BadgeLayout,
                      attendee_ids: Sequence[str]) -> bytes:
    """:func:`badge_pdf` through the event file's door: the people are read, then drawn
    outside the read (the designer draws again after every edit)."""
    return _drawn(layout, event.read(as_read(lambda store: _badges_of(store, attendee_ids))))


def _badges_of(store: EventStore, attendee_ids: Sequence[str]) -> list[BadgeData]:
    event = event_of(store)
    badges = []
    samples = {a.id: a for a in SAMPLE_ATTENDEES}
    for attendee_id in attendee_ids:
        attendee = queries.get_attendee(store.conn, attendee_id) or samples.get(attendee_id)
        if attendee is None:
            raise DesignError(f"There is no attendee with id {attendee_id} in this event.")
        badges.append(BadgeData(attendee, badge_code(store, attendee), event))
    return badges


def _drawn(layout: BadgeLayout, badges: list[BadgeData]) -> bytes:
    if not badges:
        raise DesignError("The event has no attendees to preview a badge with.")
    out = io.BytesIO()
    render_badges(layout, badges, out)
    return out.getvalue()
