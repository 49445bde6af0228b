"""Read a QR code back: the PNG and SVG files the inbox hands out, decoded with zxing-cpp.

Without an imaging library: a PNG (8-bit or less, greyscale or palette, as segno writes)
is unfiltered with zlib, an SVG path of horizontal runs is drawn into a grid.
"""

from __future__ import annotations

import re
import struct
import zlib

import zxingcpp

WHITE, BLACK = 255, 0
SCALE = 4  # pixels per module when drawing an SVG


def decode(pixels: bytearray, width: int, height: int) -> str:
    """The text of the one QR code in a greyscale image (one byte per pixel)."""
    image = memoryview(bytes(pixels)).cast("B", (height, width))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"{len(found)} QR codes found"
    return found[0].text


def png_text(data: bytes) -> str:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    palette: list[int] = []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"PLTE":
            palette = [sum(body[i : i + 3]) // 3 for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert colour in (0, 3) and depth in (1, 2, 4, 8), (colour, depth)
    raw = zlib.decompress(idat)
    stride = (width * depth + 7) // 8
    rows, prev = [], bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        unfilter(filter_type, line, prev, max(1, depth // 8))
        rows.append(line)
        prev = line
    top = (1 << depth) - 1
    pixels = bytearray()
    for line in rows:
        for x in range(width):
            bit = x * depth
            value = (line[bit // 8] >> (8 - depth - bit % 8)) & top
            pixels.append(palette[value] if colour == 3 else value * 255 // top)
    return decode(pixels, width, height)


def unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 255
        elif kind == 2:
            line[i] = (line[i] + up) & 255
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 255


def svg_text(data: bytes) -> str:
    """An SVG as segno writes it: a viewBox or width/height, and one path of h-runs."""
    svg = data.decode()
    size = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg) or re.search(
        r'width="(\d+)" height="(\d+)"', svg
    )
    assert size, "no size"
    scale = re.search(r'transform="scale\((\d+)\)"', svg)
    divide = int(scale.group(1)) if scale else 1
    width, height = (int(size.group(i)) // divide for i in (1, 2))
    path = re.search(r' d="([^"]+)"', svg)
    assert path, "no path"
    grid = bytearray([WHITE]) * (width * SCALE * height * SCALE)
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path.group(1)):
        if op in "Mm":
            x, y = (float(a), float(b)) if op == "M" else (x + float(a), y + float(b))
            continue
        end = x + float(a) if op == "h" else float(a)
        row = int(y)  # a stroke centred on y+.5 covers row y
        for column in range(int(x), int(end)):
            for dy in range(SCALE):
                start = ((row * SCALE + dy) * width + column) * SCALE
                grid[start : start + SCALE] = bytes([BLACK]) * SCALE
        x = end
    return decode(grid, width * SCALE, height * SCALE)
