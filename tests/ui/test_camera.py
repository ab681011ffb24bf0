"""The camera path: frames decoded off the UI thread, each code reported once; the preview."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import pytest
import qrcode
import zxingcpp
from PIL import Image, ImageFilter
from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtGui import QColor, QImage

from kiosk.bench import camera_frames
from kiosk.scanning.camera import (
    HAS_QT_MULTIMEDIA,
    TICKET_FORMATS,
    CameraInput,
    FrameDecoder,
    cameras,
    read_codes,
)
from kiosk.ui.camera_view import CameraView

WALKIN = "W17QH23M0XW5R8K5"
SIGNED = "K1" + "7QH2" + "3M0XW5R8KD1A" + "0C" + "A" * 103
PRETIX_SECRET = "fz8e2tp5jcmuvxnbahqy4kr3rdg3p6w7"
# What QtMultimedia's back end says on a machine with no PipeWire, VA-API or GPU.
MULTIMEDIA_NOISE = ("Couldn't (load|resolve) ", "No RHI backend")


@dataclass
class FakeClock:
    now: float = 50_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms


def qr_picture(text: str, *, box_size: int = 6) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size)
    code.add_data(text)
    return code.make_image().get_image().convert("L")


def camera_shot(
    *codes: str, size: tuple[int, int] = (640, 480), angle: float = 0.0, noise: float = 0.0
) -> QImage:
    """A camera-like frame: a grey desk with the codes on it, turned and grainy if asked."""
    scene = Image.new("L", size, 120)
    x = 30
    for text in codes:
        picture = qr_picture(text)
        if angle:
            picture = picture.rotate(angle, expand=True, fillcolor=255)
        scene.paste(picture, (x, (size[1] - picture.height) // 2))
        x += picture.width + 20
    if noise:
        grain = Image.effect_noise(size, noise)
        scene = Image.blend(scene, grain, 0.25).filter(ImageFilter.GaussianBlur(0.8))
    return to_qimage(scene.convert("RGB"))


def to_qimage(picture: Image.Image) -> QImage:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = QImage.fromData(buffer.getvalue())
    assert not image.isNull()
    return image


def blank_shot() -> QImage:
    random.seed(3)
    scene = Image.effect_noise((640, 480), 40).convert("RGB")
    return to_qimage(scene)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def decoder(qtbot, clock: FakeClock):
    frame_decoder = FrameDecoder(clock=clock)
    yield frame_decoder
    frame_decoder.close()


@pytest.fixture
def seen(decoder: FrameDecoder) -> list[str]:
    codes: list[str] = []
    decoder.code_seen.connect(codes.append)
    return codes


def decode(qtbot, decoder: FrameDecoder, clock: FakeClock, image: QImage) -> None:
    """Offer a frame a moment after the last one and wait until it has been read."""
    clock.advance(300)
    assert decoder.feed_image(image)
    qtbot.waitUntil(lambda: not decoder.busy)


@pytest.mark.parametrize("code", [WALKIN, SIGNED, PRETIX_SECRET])
def test_a_frame_holding_a_qr_code_gives_its_code(qtbot, decoder, clock, code) -> None:
    with qtbot.wait_signal(decoder.code_seen) as seen_signal:
        assert decoder.feed_image(camera_shot(code))
    assert seen_signal.args == [code]


def test_a_code_in_view_is_reported_once(qtbot, decoder, clock, seen) -> None:
    shot = camera_shot(WALKIN)
    for _ in range(8):  # 2.4 s of frames with the ticket held up
        decode(qtbot, decoder, clock, shot)
    assert seen == [WALKIN]
    clock.advance(2500)  # taken away for longer than the repeat window, then shown again
    decode(qtbot, decoder, clock, shot)
    assert seen == [WALKIN, WALKIN]


def test_a_turned_grainy_code_is_read(qtbot, decoder, clock, seen) -> None:
    decode(qtbot, decoder, clock, camera_shot(WALKIN, angle=33.0, noise=60.0))
    assert seen == [WALKIN]


def test_a_frame_without_a_code_gives_nothing(qtbot, decoder, clock, seen) -> None:
    decode(qtbot, decoder, clock, blank_shot())
    decode(qtbot, decoder, clock, QImage())
    assert seen == []
    decode(qtbot, decoder, clock, camera_shot(PRETIX_SECRET))
    assert seen == [PRETIX_SECRET]


def test_two_codes_in_one_frame_are_both_reported(qtbot, decoder, clock, seen) -> None:
    decode(qtbot, decoder, clock, camera_shot(WALKIN, "W1ABCDEFGHJK0012", size=(900, 480)))
    assert sorted(seen) == sorted([WALKIN, "W1ABCDEFGHJK0012"])


def test_frames_are_dropped_while_one_is_read_and_until_its_time(qtbot, decoder, clock) -> None:
    shot = camera_shot(WALKIN)
    assert decoder.feed_image(shot)
    assert decoder.busy
    assert not decoder.feed_image(shot)  # one is being read
    qtbot.waitUntil(lambda: not decoder.busy)
    assert not decoder.feed_image(shot)  # too soon after the last
    clock.advance(300)
    assert decoder.feed_image(shot)
    qtbot.waitUntil(lambda: not decoder.busy)


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)
def test_a_video_frame_is_read_like_an_image(qtbot, decoder, clock, seen) -> None:
    multimedia = pytest.importorskip("PySide6.QtMultimedia")
    frame = multimedia.QVideoFrame(camera_shot(WALKIN))
    assert frame.isValid()
    clock.advance(300)
    assert decoder.feed_frame(frame)
    qtbot.waitUntil(lambda: not decoder.busy)
    assert seen == [WALKIN]


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)
def test_frames_from_the_camera_reach_the_decoder_and_the_preview(qtbot, clock) -> None:
    multimedia = pytest.importorskip("PySide6.QtMultimedia")
    camera = CameraInput(decoder=FrameDecoder(clock=clock))
    view = CameraView()
    qtbot.addWidget(view)
    view.resize(320, 240)
    camera.frame_arrived.connect(view.show_frame)
    try:
        with (
            qtbot.wait_signal(camera.code_seen) as seen_signal,
            qtbot.wait_signal(camera.frame_arrived),
        ):
            camera.video_sink.setVideoFrame(multimedia.QVideoFrame(camera_shot(WALKIN)))
        assert seen_signal.args == [WALKIN]
        picture = view.grab().toImage()
        corner = view.rect().topLeft() + QPoint(2, 2)
        assert picture.pixelColor(corner) == QColor(120, 120, 120)  # the grey desk
    finally:
        camera.close()


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)
def test_with_no_camera_to_start_the_desk_is_told_why(qtbot) -> None:
    camera = CameraInput()
    try:
        with qtbot.wait_signal(camera.camera_lost) as lost:
            assert not camera.start()
        assert lost.args[0]
        assert not camera.is_running()
        if not HAS_QT_MULTIMEDIA:
            assert "PySide6-Addons" in lost.args[0]
            assert cameras() == []
    finally:
        camera.close()


class FakeCamera(QObject):
    """Stands in for ``CameraInput`` where there is no camera: it notes start and stop."""

    frame_arrived = Signal(object)
    camera_lost = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        self.starts = 0

    def start(self) -> bool:
        self.running = True
        self.starts += 1
        return True

    def stop(self) -> None:
        self.running = False


def test_the_preview_runs_the_camera_only_while_it_is_shown(qtbot) -> None:
    camera = FakeCamera()
    view = CameraView(camera)
    qtbot.addWidget(view)
    assert not camera.running
    view.show()
    qtbot.waitExposed(view)
    assert camera.running
    camera.frame_arrived.emit(camera_shot(WALKIN))
    view.hide()
    assert not camera.running
    view.show()
    assert camera.starts == 2


def test_the_preview_draws_the_frame_and_the_target_box(qtbot) -> None:
    view = CameraView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    red = QImage(640, 360, QImage.Format.Format_RGB32)  # wider than the view
    red.fill(QColor("red"))
    view.show_frame(red)
    picture = view.grab().toImage()
    box = view.target_rect()
    assert box.width() == box.height() == int(300 * 0.6)
    assert picture.pixelColor(box.topLeft()) == QColor("white")
    assert picture.pixelColor(view.rect().center()) == QColor("red")
    assert picture.pixelColor(view.rect().topLeft()) != QColor("red")  # letterboxed


def test_a_lost_camera_is_explained_in_the_preview(qtbot) -> None:
    camera = FakeCamera()
    view = CameraView(camera)
    qtbot.addWidget(view)
    view.show()
    camera.frame_arrived.emit(camera_shot(WALKIN))
    camera.camera_lost.emit("The camera Logitech C270 was disconnected.")
    assert view.message() == "The camera Logitech C270 was disconnected."
    picture = view.grab().toImage()
    assert picture.pixelColor(view.rect().center()) != QColor("white")


# -- hard frames: the camera reads what a scanner would ------------------------------------

HARD_KINDS = [kind for kind in camera_frames.HARD if kind != "clean"]


def bare_zxing(frame: QImage) -> tuple[str, ...]:
    """What bare zxing-cpp reads in a frame: the camera path as it was on main."""
    grey = frame.convertToFormat(QImage.Format.Format_Grayscale8)
    formats = zxingcpp.barcode_formats_from_str(TICKET_FORMATS)
    return tuple(code.text for code in zxingcpp.read_barcodes(grey, formats=formats)
                 if code.valid)


@pytest.mark.parametrize("kind", HARD_KINDS)
def test_the_camera_reads_hard_frames_that_bare_zxing_does_not(kind) -> None:
    # Found on main: the camera read exactly what bare zxing-cpp read, and no more.
    frames = [to_qimage(camera_frames.HARD[kind](camera_frames.TICKET, seed).convert("RGB"))
              for seed in range(4)]
    bare = [bare_zxing(frame) for frame in frames]
    ours = [read_codes(frame) for frame in frames]
    assert all(set(before) <= set(now) for before, now in zip(bare, ours, strict=True))
    assert all(now == (camera_frames.TICKET,) for now in ours)  # every frame, exactly
    assert sum(bool(codes) for codes in bare) < len(frames)


def test_a_second_look_never_reads_a_code_that_is_not_there() -> None:
    for seed in range(10):
        assert read_codes(to_qimage(camera_frames.no_code(seed).convert("RGB"))) == ()


def test_a_second_look_stops_when_its_time_is_up(monkeypatch) -> None:
    from kiosk.scanning import hard_frames

    tries: list[object] = []
    real = hard_frames.zxingcpp.read_barcodes

    def counted(picture, **options):
        tries.append(picture)
        return real(picture, **options)

    ticks = iter(step * 0.3 for step in range(1000))  # each look at the clock: 300 ms on

    monkeypatch.setattr(hard_frames.zxingcpp, "read_barcodes", counted)
    frame = camera_frames.no_code(0)
    first = hard_frames.first_look(frame, zxingcpp.barcode_formats_from_str("QRCode"))
    tries.clear()
    assert hard_frames.read_harder(frame, first, budget_ms=500, clock=lambda: next(ticks)) == ()
    assert len(tries) == 1  # the first try, then the time was up
    tries.clear()
    assert hard_frames.read_harder(frame, first, budget_ms=10_000_000,
                                   clock=lambda: 0.0) == ()
    assert len(tries) >= 4  # with time to spare, every try
