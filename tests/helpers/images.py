"""Test photos made with Pillow: camera-like noise, EXIF orientation, GPS and camera tags, HEIC."""

from __future__ import annotations

import functools
import io
import zlib
from fractions import Fraction

import pillow_heif
from PIL import ExifTags, Image, ImageDraw, TiffImagePlugin

RED = (220, 30, 30)
BLUE = (30, 60, 220)
GRAND_PLACE = (50.8467, 4.3525)


def scene(width: int, height: int, seed: int = 0) -> Image.Image:
    """A photo-like picture: a gradient, a red top half marker and sensor noise.

    The top-left quarter is red and the bottom-right quarter blue, so a test can tell which
    way up an image was stored by sampling two pixels.
    """
    gradient = Image.linear_gradient("L")
    across = gradient.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    gradient = gradient.resize((width, height))
    image = Image.merge("RGB", (gradient, across, gradient))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 2, height // 2), fill=RED)
    draw.rectangle((width // 2, height // 2, width, height), fill=BLUE)
    noise = Image.merge(
        "RGB", [Image.effect_noise((width, height), 20 + seed + band) for band in range(3)]
    )
    return Image.blend(image, noise, 0.12)


def exif_bytes(
    orientation: int | None = None, gps: tuple[float, float] | None = None, camera: bool = True
) -> bytes:
    exif = Image.Exif()
    if camera:
        exif[ExifTags.Base.Make] = "Pavé Test Camera"
        exif[ExifTags.Base.Model] = "PT-1"
        exif[ExifTags.Base.BodySerialNumber] = "SN-0042-SECRET"
        exif[ExifTags.Base.Software] = "test"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps is not None:
        lat, lon = gps
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(
            {
                ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
                ExifTags.GPS.GPSLatitude: _dms(abs(lat)),
                ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
                ExifTags.GPS.GPSLongitude: _dms(abs(lon)),
            }
        )
    return exif.tobytes()


def _dms(value: float) -> tuple:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction((value - degrees - minutes / 60) * 3600).limit_denominator(10000)
    return (
        TiffImagePlugin.IFDRational(degrees, 1),
        TiffImagePlugin.IFDRational(minutes, 1),
        TiffImagePlugin.IFDRational(seconds.numerator, seconds.denominator),
    )


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg(
    width: int = 1600,
    height: int = 1200,
    *,
    orientation: int | None = None,
    gps: tuple[float, float] | None = None,
    quality: int = 90,
) -> bytes:
    """A camera JPEG with Make, Model, serial number, optional orientation and GPS, and XMP."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    return encoded(
        scene(width, height),
        "JPEG",
        quality=quality,
        exif=exif_bytes(orientation, gps),
        xmp=xmp,
        comment=b"secret comment",
        icc_profile=_srgb_profile(),
    )


def png(width: int = 1200, height: int = 900) -> bytes:
    return encoded(scene(width, height), "PNG")


def webp(width: int = 1200, height: int = 900) -> bytes:
    return encoded(scene(width, height), "WEBP", quality=85, exif=exif_bytes(gps=GRAND_PLACE))


def heic(width: int = 1200, height: int = 900) -> bytes:
    pillow_heif.register_heif_opener()
    return encoded(scene(width, height), "HEIF", quality=80, exif=exif_bytes(gps=GRAND_PLACE))


def gif() -> bytes:
    return encoded(scene(200, 150).convert("P"), "GIF")


@functools.cache
def png_bomb(side: int = 20_000) -> bytes:
    """A valid PNG of side x side grey pixels that compresses to a few hundred kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])  # 8-bit greyscale
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * side
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
