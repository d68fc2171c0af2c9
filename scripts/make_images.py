"""Draw the site's logo and default link-preview image (static/img/) with
Pillow, so they are plain files the project made itself, not fetched assets.
Run again after changing the design: `python scripts/make_images.py`."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

IMG_DIR = Path(__file__).resolve().parent.parent / "static" / "img"
DARK = (8, 63, 119)
ACCENT = (11, 92, 173)
PAPER = (255, 255, 255)
MUTED = (208, 215, 222)
FOCUS = (255, 191, 71)


def draw_paper(draw, left, top, size):
    """A folded newspaper: a page with a headline bar, a picture and lines."""
    unit = size / 16
    draw.rounded_rectangle(
        (left, top, left + size, top + size * 0.8), radius=unit, fill=PAPER
    )
    draw.rectangle(
        (left + unit, top + unit, left + size - unit, top + 3 * unit), fill=DARK
    )
    draw.rectangle(
        (left + unit, top + 4 * unit, left + 7 * unit, top + 9 * unit), fill=FOCUS
    )
    for row in range(4):
        y = top + (4 + row * 1.4) * unit
        draw.rectangle(
            (left + 8 * unit, y, left + size - unit, y + 0.6 * unit), fill=MUTED
        )
    for row in range(2):
        y = top + (10 + row * 1.4) * unit
        draw.rectangle((left + unit, y, left + size - unit, y + 0.6 * unit), fill=MUTED)


def logo():
    image = Image.new("RGB", (512, 512), DARK)
    draw_paper(ImageDraw.Draw(image), 96, 136, 320)
    image.save(IMG_DIR / "logo.png", optimize=True)


def share_default():
    image = Image.new("RGB", (1200, 630), DARK)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, 1200, 630), fill=ACCENT)
    draw_paper(draw, 90, 175, 340)
    # The site's name is a setting, so the picture names only what it is.
    font = ImageFont.load_default(size=96)
    draw.text((500, 250), "Newsroom", font=font, fill=PAPER)
    image.save(IMG_DIR / "share-default.png", optimize=True)


if __name__ == "__main__":
    logo()
    share_default()
