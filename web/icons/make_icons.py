"""Draw the app's icons (PNG, no dependencies): `python3 web/icons/make_icons.py` writes them next to this file.

A white speech bubble holding three sound bars on the brand green. "any" icons have rounded
corners; the maskable one fills the square and keeps the drawing inside the central safe circle
(80 % of the width), as launchers crop it to their own shape.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

GREEN = (0x0B, 0x6E, 0x4F)
WHITE = (0xFF, 0xFF, 0xFF)
HERE = Path(__file__).resolve().parent
SAMPLES = 3  # per axis: 9 samples a pixel smooth the edges


def _inside_rounded(x: float, y: float, x0: float, y0: float, x1: float, y1: float, r: float) -> bool:
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def _inside_triangle(
    x: float, y: float, a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]
) -> bool:
    def side(p: tuple[float, float], q: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])

    s1, s2, s3 = side(a, b), side(b, c), side(c, a)
    return (s1 >= 0 and s2 >= 0 and s3 >= 0) or (s1 <= 0 and s2 <= 0 and s3 <= 0)


def _colour(x: float, y: float, maskable: bool) -> tuple[int, int, int] | None:
    """The colour at (x, y) in a unit square, None where the icon is transparent."""
    if not maskable and not _inside_rounded(x, y, 0, 0, 1, 1, 0.18):
        return None
    # the drawing, in a unit square; the maskable icon shrinks it into the safe circle
    s = 0.62 if maskable else 0.84
    u, v = (x - 0.5) / s + 0.5, (y - 0.5) / s + 0.5
    bubble = _inside_rounded(u, v, 0.12, 0.16, 0.88, 0.72, 0.16) or _inside_triangle(
        u, v, (0.26, 0.66), (0.46, 0.66), (0.22, 0.88)
    )
    if not bubble:
        return GREEN
    for left, top in ((0.31, 0.38), (0.46, 0.27), (0.61, 0.34)):
        if _inside_rounded(u, v, left, top, left + 0.08, 0.61, 0.04):
            return GREEN
    return WHITE


def draw(size: int, maskable: bool) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    c = _colour((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, maskable)
                    if c is not None:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            n = SAMPLES * SAMPLES
            row += bytes((r // a, g // a, b // a, 255 * a // n) if a else (0, 0, 0, 0))
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
    ):
        (HERE / name).write_bytes(draw(size, maskable))
        print(name)
