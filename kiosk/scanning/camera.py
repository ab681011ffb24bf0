"""The camera as a second scanner: QtMultimedia frames decoded by zxing-cpp off the UI thread.

``FrameDecoder`` takes frames (``feed_frame`` for a QVideoFrame, ``feed_image`` for a
QImage), decodes at most a few a second on its own worker thread and drops the frames
that come while one is being decoded or too soon after the last; it emits ``code_seen``
for each code, once while the code stays in view. ``CameraInput`` runs one camera into a
``FrameDecoder`` and hands its frames to a preview (``kiosk.ui.camera_view``); it stops
when asked, and says ``camera_lost`` when the camera fails or is unplugged. No frame is
ever written anywhere: the decoder drops each frame once read, the preview keeps only the
latest for painting.

QtMultimedia ships in the ``PySide6-Addons`` wheel, not in ``PySide6-Essentials``. Without
it this module still imports and ``FrameDecoder`` still decodes QImages; ``CameraInput``
then reports the camera as unavailable through ``camera_lost``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import zxingcpp
from PIL import Image
from PySide6.QtCore import (
    QCameraPermission,
    QCoreApplication,
    QObject,
    QPermission,
    QRect,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QPainter

from kiosk.scanning.hard_frames import first_look, read_harder

try:
    from PySide6.QtMultimedia import (
        QCamera,
        QCameraDevice,
        QMediaCaptureSession,
        QMediaDevices,
        QVideoFrame,
        QVideoSink,
    )
except ImportError:  # PySide6-Addons is not installed
    HAS_QT_MULTIMEDIA = False
else:
    HAS_QT_MULTIMEDIA = True

log = logging.getLogger(__name__)

Clock = Callable[[], float]

# Codes printed on tickets and badges: ours are QR codes; imported registrations bring
# Eventbrite, Ticket Tailor and pretix codes (QR, sometimes PDF417, Aztec or Code 128).
TICKET_FORMATS = "QRCode,MicroQRCode,DataMatrix,Aztec,PDF417,Code128,Code39,ITF,EAN13,UPCA"
DECODES_PER_SECOND = 4.0
REPEAT_WINDOW_MS = 2000.0
# A frame zxing-cpp found nothing in gets a second look (kiosk.scanning.hard_frames) for
# about this long at most: with the first pass, well within the 250 ms between two decodes,
# and the camera's thread idle more than half the time while a code is not in view.
SECOND_LOOK_MS = 80.0


def monotonic_ms() -> float:
    return time.monotonic() * 1000.0


@dataclass(frozen=True)
class CameraChoice:
    """A camera the desk can use; ``camera_id`` is what settings store."""

    camera_id: str
    description: str
    is_default: bool


def read_codes(picture: Any, formats: str = TICKET_FORMATS,
               second_look_ms: float = SECOND_LOOK_MS) -> tuple[str, ...]:
    """The codes in one picture (a QImage, or a QVideoFrame), in the order zxing finds them;
    when it finds none, a second look of up to ``second_look_ms`` (0: none).

    Slow: call it off the UI thread. zxing-cpp releases the GIL while it searches.
    """
    image = picture if isinstance(picture, QImage) else picture.toImage()
    if image.isNull():
        return ()
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    found = first_look(grey, zxingcpp.barcode_formats_from_str(formats))
    texts = tuple(code.text for code in found if code.valid and code.text)
    if texts or second_look_ms <= 0:
        return texts
    return read_harder(_as_pillow(grey), found, second_look_ms)


def _as_pillow(grey: QImage) -> Image.Image:
    """An 8-bit greyscale QImage as a Pillow image (rows may be padded in the QImage)."""
    return Image.frombuffer("L", (grey.width(), grey.height()), bytes(grey.constBits()),
                            "raw", "L", grey.bytesPerLine(), 1)


class _DecodeWorker(QObject):
    """Lives on the decoder's thread; reads one picture at a time."""

    finished = Signal(object)  # tuple[str, ...]

    def __init__(self, formats: str) -> None:
        super().__init__()
        self._formats = formats

    @Slot(object)
    def decode(self, picture: Any) -> None:
        try:
            codes = read_codes(picture, self._formats)
        except Exception:  # a bad frame must not stop the camera
            log.exception("could not decode a camera frame")
            codes = ()
        self.finished.emit(codes)


class FrameDecoder(QObject):
    """Decodes frames off the UI thread, a few a second, and reports each code once.

    A frame is taken only when no other is being decoded and at least
    ``1000 / decodes_per_second`` ms have passed since the last one was taken; the rest
    are dropped, never queued. A code is reported again only after it has been out of
    sight for ``repeat_window_ms`` (a ticket held up to the camera is one read).
    Call ``close`` when done: it stops the worker thread.
    """

    code_seen = Signal(str)
    _picture_taken = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        decodes_per_second: float = DECODES_PER_SECOND,
        repeat_window_ms: float = REPEAT_WINDOW_MS,
        formats: str = TICKET_FORMATS,
        clock: Clock = monotonic_ms,
    ) -> None:
        super().__init__(parent)
        self._interval_ms = 1000.0 / decodes_per_second
        self._repeat_window_ms = repeat_window_ms
        self._clock = clock
        self._busy = False
        self._last_taken = -math.inf
        self._last_seen: dict[str, float] = {}
        self._thread = QThread()
        self._thread.setObjectName("camera decoder")
        self._worker = _DecodeWorker(formats)
        self._worker.moveToThread(self._thread)
        self._picture_taken.connect(self._worker.decode)
        self._worker.finished.connect(self._on_decoded)
        self._thread.start()
        # A QThread destroyed while running aborts the process: stop it however we go.
        thread = self._thread
        self.destroyed.connect(lambda: _stop_thread(thread))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.close)

    @property
    def busy(self) -> bool:
        """A frame is being decoded now."""
        return self._busy

    def feed_image(self, image: QImage) -> bool:
        """Offer a picture; True if it was taken for decoding, False if it was dropped."""
        return self._take(image)

    def feed_frame(self, frame: QVideoFrame) -> bool:
        """Offer a camera frame; it is turned into an image on the worker thread."""
        return self._take(frame)

    def close(self) -> None:
        """Stop the worker thread (waits for a decode in progress)."""
        _stop_thread(self._thread)
        self._busy = False

    def _take(self, picture: Any) -> bool:
        now = self._clock()
        if self._busy or now - self._last_taken < self._interval_ms:
            return False
        if not self._thread.isRunning():
            return False
        self._busy = True
        self._last_taken = now
        self._picture_taken.emit(picture)
        return True

    @Slot(object)
    def _on_decoded(self, codes: tuple[str, ...]) -> None:
        self._busy = False
        now = self._clock()
        self._last_seen = {
            code: seen
            for code, seen in self._last_seen.items()
            if now - seen < self._repeat_window_ms
        }
        fresh = [code for code in dict.fromkeys(codes) if code not in self._last_seen]
        for code in codes:
            self._last_seen[code] = now
        for code in fresh:
            self.code_seen.emit(code)


def _stop_thread(thread: QThread) -> None:
    if thread.isRunning():
        thread.quit()
        thread.wait()


def paint_frame(painter: QPainter, target: QRect, frame: QImage | QVideoFrame) -> None:
    """Draw a preview frame (a QImage, or a QVideoFrame) into ``target``."""
    if isinstance(frame, QImage):
        painter.drawImage(target, frame)
    else:
        frame.paint(painter, target, QVideoFrame.PaintOptions())


def cameras() -> list[CameraChoice]:
    """The cameras attached now; empty when there are none or QtMultimedia is missing."""
    if not HAS_QT_MULTIMEDIA:
        return []
    return [
        CameraChoice(bytes(device.id()).hex(), device.description(), device.isDefault())
        for device in QMediaDevices.videoInputs()
    ]


class CameraInput(QObject):
    """One camera feeding a ``FrameDecoder`` and a preview; runs only between start and stop.

    ``select_camera`` takes a ``CameraChoice.camera_id`` (None, or an id that is not
    attached: the system's default). ``frame_arrived`` carries each frame for a preview
    (a QVideoFrame; paint it with ``paint_frame``). ``camera_lost`` says, in words for the
    desk, why the camera stopped or could not start; the desk goes on with the keyboard
    scanner. ``video_sink`` is where frames come in; a test can put frames into it.
    """

    code_seen = Signal(str)
    camera_lost = Signal(str)
    frame_arrived = Signal(object)
    running_changed = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        decoder: FrameDecoder | None = None,
    ) -> None:
        super().__init__(parent)
        self.decoder = decoder or FrameDecoder(self)
        self.decoder.code_seen.connect(self.code_seen)
        self._camera_id: str | None = None
        self._camera: Any = None
        self.video_sink: Any = None
        if HAS_QT_MULTIMEDIA:
            self.video_sink = QVideoSink(self)
            self.video_sink.videoFrameChanged.connect(self._on_video_frame)
            self._session = QMediaCaptureSession(self)
            self._session.setVideoSink(self.video_sink)
            self._devices = QMediaDevices(self)
            self._devices.videoInputsChanged.connect(self._on_video_inputs_changed)

    @staticmethod
    def available() -> bool:
        """Camera support is installed (QtMultimedia, from PySide6-Addons)."""
        return HAS_QT_MULTIMEDIA

    def camera_id(self) -> str | None:
        return self._camera_id

    def select_camera(self, camera_id: str | None) -> None:
        """Use this camera from now on; a running camera is switched at once."""
        self._camera_id = camera_id
        if self.is_running():
            self.stop()
            self.start()

    def is_running(self) -> bool:
        return self._camera is not None

    def start(self) -> bool:
        """Start the chosen camera; False (and ``camera_lost``) if it cannot start."""
        if self.is_running():
            return True
        if not HAS_QT_MULTIMEDIA:
            self.camera_lost.emit(
                self.tr("Camera support is not installed (QtMultimedia, in PySide6-Addons).")
            )
            return False
        if not self._permitted():
            return False
        device = self._device()
        if device is None:
            self.camera_lost.emit(self.tr("No camera found."))
            return False
        camera = QCamera(device, self)
        camera.errorOccurred.connect(self._on_camera_error)
        self._camera = camera
        self._session.setCamera(camera)
        camera.start()
        if camera.error() != QCamera.Error.NoError:
            self._on_camera_error(camera.error(), camera.errorString())
            return False
        self.running_changed.emit(True)
        return True

    def stop(self) -> None:
        """Stop the camera and let go of it (the light on the camera goes out)."""
        camera, self._camera = self._camera, None
        if camera is None:
            return
        camera.errorOccurred.disconnect(self._on_camera_error)
        camera.stop()
        self._session.setCamera(None)
        camera.deleteLater()
        self.running_changed.emit(False)

    def close(self) -> None:
        """Stop the camera and the decoder's thread; the object is not used after this."""
        self.stop()
        self.decoder.close()

    def _permitted(self) -> bool:
        """Whether the system lets us use the camera; asks the person once (macOS)."""
        app = QCoreApplication.instance()
        status = app.checkPermission(QCameraPermission()) if app else Qt.PermissionStatus.Granted
        if status == Qt.PermissionStatus.Undetermined:
            app.requestPermission(QCameraPermission(), self, self._on_permission_answered)
        elif status == Qt.PermissionStatus.Denied:
            self._on_permission_answered(None)
        return status == Qt.PermissionStatus.Granted

    def _on_permission_answered(self, permission: QPermission | None) -> None:
        if permission is not None and permission.status() == Qt.PermissionStatus.Granted:
            self.start()
            return
        self.camera_lost.emit(
            self.tr("This computer does not let the app use the camera (see its privacy settings).")
        )

    def _device(self) -> QCameraDevice | None:
        for device in QMediaDevices.videoInputs():
            if bytes(device.id()).hex() == self._camera_id:
                return device
        default = QMediaDevices.defaultVideoInput()
        return None if default.isNull() else default

    @Slot(object)
    def _on_video_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        self.decoder.feed_frame(frame)
        self.frame_arrived.emit(frame)

    def _on_camera_error(self, error: object, message: str) -> None:
        name = self._camera.cameraDevice().description() if self._camera is not None else ""
        self.stop()
        message = message or self.tr("it stopped working")
        self.camera_lost.emit(
            self.tr("The camera {name} stopped: {message}").format(name=name, message=message)
            if name
            else message
        )

    def _on_video_inputs_changed(self) -> None:
        if self._camera is None:
            return
        device = self._camera.cameraDevice()
        if any(known.id() == device.id() for known in QMediaDevices.videoInputs()):
            return
        self.stop()
        self.camera_lost.emit(
            self.tr("The camera {name} was disconnected.").format(name=device.description())
        )
