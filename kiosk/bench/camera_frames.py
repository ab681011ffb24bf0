"""Hard camera frames of a ticket, made here: glare, heavy blur, very low contrast, a tiny
code in a wide frame, a phone screen in dark mode; and frames with no code at all.

Each kind is a function of the code and a seed (the seed moves the ticket, the angle, the
strength of what goes wrong), so the same call gives the same picture. The camera tests
and ``kiosk bench --only camera`` read them with bare zxing-cpp and with the desk's camera
path (``kiosk.scanning.camera.read_codes``), side by side.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

# One of our ticket codes' shape (the camera path reads text; no signature is checked here).
TICKET = "K1" + "7QH23M0XW5R8KD1A0C" + "4N8P2W6R0T3V5X7Z9B1D3F5H7K9M" * 3 + "0" * 19

Frame = Callable[[str, int], Image.Image]


def _qr(text: str, module_px: int) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                         box_size=module_px, border=4)
    code.add_data(text)
    return code.make_image().get_image().convert("L")


def _desk(size: tuple[int, int], shade: int, seed: int) -> Image.Image:
    random.seed(seed)
    return Image.blend(Image.new("L", size, shade), Image.effect_noise(size, 12), 0.15)


def _ticket_on(scene: Image.Image, code: Image.Image, centre: tuple[int, int],
               angle: float, paper: int = 235) -> Image.Image:
    ticket = Image.new("L", (code.width + 80, code.height + 120), paper)
    ticket.paste(code, (40, 40))
    shape = Image.new("L", ticket.size, 255)
    if angle:
        ticket = ticket.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
        shape = shape.rotate(angle, expand=True)
    scene.paste(ticket, (centre[0] - ticket.width // 2, centre[1] - ticket.height // 2), shape)
    return scene


def glare(text: str, seed: int) -> Image.Image:
    """A glossy ticket under a ceiling light: a hot spot washes out most of the code."""
    scene = _ticket_on(_desk((1280, 720), 150, seed), _qr(text, 7), (640, 360), 8 - seed)
    spot = Image.new("L", scene.size, 0)
    centre_x, size = 640 + 25 * (seed % 3), 260
    ImageDraw.Draw(spot).ellipse((centre_x - size, 310 - size * 3 // 4, centre_x + size,
                                  310 + size * 3 // 4), fill=255)
    spot = spot.filter(ImageFilter.GaussianBlur(size / 3))
    strength = 0.975 + 0.002 * (seed % 4)
    # Each pixel moved towards white by the light on it.
    light = spot.point(lambda g: int(g * strength))
    washed = Image.composite(Image.new("L", scene.size, 255), scene, light)
    return washed.filter(ImageFilter.GaussianBlur(2.5))


def heavy_blur(text: str, seed: int) -> Image.Image:
    """Held too close for the lens to focus, or moving: a blur of half a module."""
    scene = _ticket_on(_desk((1280, 720), 150, seed), _qr(text, 6), (600 + 20 * seed, 360),
                       5 - 2 * seed)
    return scene.filter(ImageFilter.GaussianBlur(3.0 + 0.15 * (seed % 3)))


def low_contrast(text: str, seed: int) -> Image.Image:
    """A dim room and a faded print: the code is 20-odd grey levels darker than its paper."""
    scene = _ticket_on(_desk((1280, 720), 150, seed), _qr(text, 6), (640, 360 + 10 * seed),
                       3 + seed)
    low = 118 + 4 * (seed % 3)
    span = 20 + 2 * (seed % 3)
    return scene.point(lambda v: low + v * span // 255)


def tiny(text: str, seed: int) -> Image.Image:
    """A wide camera, the ticket far off to one side: modules about 1.4 pixels across."""
    scene = _ticket_on(_desk((4200, 2360), 150, seed), _qr(text, 3),
                       (3300 - 200 * (seed % 4), 700 + 60 * (seed % 3)), 0)
    wide = scene.resize((1920, 1080), Image.Resampling.BILINEAR)
    return wide.filter(ImageFilter.GaussianBlur(0.4))


def dark_phone(text: str, seed: int) -> Image.Image:
    """A phone in dark mode turned down low: light modules on black, a glow on the glass."""
    code = ImageOps.invert(_qr(text, 5))
    screen = Image.new("L", (code.width + 60, code.height + 300), 20)
    dim = 0.07 + 0.01 * (seed % 3)
    screen.paste(code.point(lambda v: 20 + int(v * dim)), (30, 150))
    scene = _desk((1280, 720), 60, seed)
    scene.paste(screen, (640 - screen.width // 2 + 15 * seed, 360 - screen.height // 2))
    glow = Image.new("L", scene.size, 0)
    ImageDraw.Draw(glow).ellipse((500, 150, 900, 500), fill=70)
    scene = ImageChops.add(scene, glow.filter(ImageFilter.GaussianBlur(60)))
    return scene.filter(ImageFilter.GaussianBlur(1.6))


def clean(text: str, seed: int) -> Image.Image:
    """An easy frame, for comparison."""
    return _ticket_on(_desk((1280, 720), 150, seed), _qr(text, 6), (640, 360), 4 * seed)


HARD: dict[str, Frame] = {"glare": glare, "heavy blur": heavy_blur,
                          "very low contrast": low_contrast, "tiny code in a wide frame": tiny,
                          "phone screen in dark mode": dark_phone, "clean": clean}


def no_code(seed: int) -> Image.Image:
    """A frame with no code in it: an empty desk, printed text, bars, dots, noise."""
    rng = random.Random(seed)
    kind = seed % 5
    if kind == 0:
        return _desk((1280, 720), 150, seed)
    picture = Image.new("L", (1280, 720), 235)
    draw = ImageDraw.Draw(picture)
    if kind == 1:
        for line in range(30):
            draw.text((20, 20 + line * 22), "Together Against Trafficking 2026 — " * 4, fill=20)
    elif kind == 2:
        for x in range(0, 1280, 3):
            if rng.random() < 0.5:
                draw.rectangle((x, 200, x + 2, 500), fill=0)
    elif kind == 3:
        for _ in range(4000):
            x, y = rng.randrange(1280), rng.randrange(720)
            draw.rectangle((x, y, x + 6, y + 6), fill=0)
    else:
        random.seed(seed)
        picture = Image.effect_noise((1280, 720), 60)
    return picture
