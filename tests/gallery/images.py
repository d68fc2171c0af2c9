"""Image files for upload tests: real ones in each accepted format, fakes,
oversized ones and decompression bombs, all made in memory and small."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
}


def image_bytes(fmt="PNG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, fmt)
    return buffer.getvalue()


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def real_image(fmt="PNG", name=None, size=(64, 48)):
    name = name or f"picture.{fmt.lower()}"
    return upload(name, image_bytes(fmt, size), CONTENT_TYPES[fmt])


def fake_png(name="notes.png"):
    """A text file renamed to .png."""
    return upload(name, b"Minutes of the district meeting, 6 July 2023.\n" * 20)


def oversized_png(total_bytes, name="huge.png"):
    """A real PNG that Pillow opens, padded after its end to total_bytes."""
    content = image_bytes("PNG")
    return upload(name, content + b"\0" * (total_bytes - len(content)))


def _chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def blank_png_bytes(width, height):
    """A valid black 1-bit PNG of any size: about 1 KB per megapixel, so a
    20000×20000 picture (a decompression bomb) is a 50 KB file."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(height))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def blank_png(width, height, name="big.png"):
    return upload(name, blank_png_bytes(width, height))
