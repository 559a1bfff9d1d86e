"""Photo processing with Pillow: sniff the type, bound the size, orient, strip, resize, re-encode."""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass
from typing import cast

from PIL import ExifTags, Image, ImageCms, ImageFile, ImageOps
from pillow_heif import register_heif_opener

from app.media.errors import (
    CorruptPhotoError,
    EmptyPhotoError,
    PhotoTooLargeError,
    PhotoTooManyPixelsError,
    PhotoTypeMismatchError,
    UnsupportedPhotoTypeError,
)
from app.problems import msg

register_heif_opener()

MB = 1024 * 1024
MAX_BYTES = 15 * MB
MAX_PIXELS = 50_000_000
# Pillow's own guard (a warning above the limit, an error above twice it) backs up the explicit
# check in `open_photo`, which refuses a bomb from its header before a single pixel is decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# A truncated upload must be refused, never padded with grey and stored.
ImageFile.LOAD_TRUNCATED_IMAGES = False

DISPLAY_EDGE = 1920
THUMBNAIL_EDGE = 320


@dataclass(frozen=True)
class OutputFormat:
    """How renditions are encoded; the pipeline takes one so the benchmark can compare them."""

    pillow_format: str
    content_type: str
    extension: str
    display_quality: int
    thumbnail_quality: int
    options: tuple[tuple[str, object], ...] = ()


# JPEG, measured against WebP (bench/photos.py prints both, interleaved, on 12 MP photos):
# at the same PSNR (34.9 dB) WebP q80 method 0 makes a display image of about 105 kB against
# 245 kB, but costs 40 ms more per photo (the encoder is the pipeline's largest step after the
# decode). With WebP the pipeline measured 1.4-2.2x plain Pillow and sometimes slower than
# pyvips; with JPEG 1.9-2.8x and always faster than pyvips, which are the goals of issue 3.
# Thumbnails, what lists show, differ by a few kB only. WEBP stays here, tested, for the day
# bandwidth matters more than upload CPU: switching is this one line (old URLs keep working,
# since a stored file's extension names its format).
WEBP = OutputFormat("WEBP", "image/webp", "webp", 80, 75, (("method", 0),))
JPEG = OutputFormat("JPEG", "image/jpeg", "jpg", 82, 80, (("optimize", True),))
OUTPUT = JPEG
EXTENSIONS = {f.extension: f.content_type for f in (WEBP, JPEG)}

# The accepted kinds, the Pillow plugin allowed to open each, and the content types that
# name them; a client may also say nothing useful (empty or application/octet-stream).
PLUGINS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF"}
CONTENT_TYPES = {
    "jpeg": {"image/jpeg", "image/jpg", "image/pjpeg"},
    "png": {"image/png"},
    "webp": {"image/webp"},
    "heif": {"image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence"},
}
GENERIC_CONTENT_TYPES = {"", "application/octet-stream"}
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

SRGB = ImageCms.createProfile("sRGB")
ORIENTATION_TAG = ExifTags.Base.Orientation


@dataclass(frozen=True)
class Rendition:
    """One stored image: re-encoded bytes without any metadata, and what describes them."""

    data: bytes
    width: int
    height: int
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class ProcessedPhoto:
    display: Rendition
    thumbnail: Rendition
    source_kind: str
    # Read from the original EXIF before it is dropped; offered once, never stored here.
    location_suggestion: Location | None


def sniff(data: bytes) -> str:
    """The kind of image the bytes really are; the filename and content type are not asked."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "heif"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        raise UnsupportedPhotoTypeError(msg("photo.gif"))
    head = data[:1024].lstrip().lower()
    if b"<svg" in head or head.startswith(b"<?xml"):
        raise UnsupportedPhotoTypeError(msg("photo.svg"))
    raise UnsupportedPhotoTypeError(msg("photo.not-image"))


def check_content_type(kind: str, declared: str | None) -> None:
    """Refuse a client that names another type than the bytes are: it is buggy or hostile."""
    declared = (declared or "").split(";", 1)[0].strip().lower()
    if declared in GENERIC_CONTENT_TYPES or declared in CONTENT_TYPES[kind]:
        return
    raise PhotoTypeMismatchError(
        f"The file was sent as {declared} but its content is {PLUGINS[kind]}; "
        "send it with its real content type."
    )


def check_size(data: bytes, max_bytes: int = MAX_BYTES) -> None:
    if not data:
        raise EmptyPhotoError(msg("photo.empty"))
    if len(data) > max_bytes:
        raise PhotoTooLargeError(
            msg("photo.too-large", size=len(data) / MB, limit=f"{max_bytes / MB:.0f}")
        )


def fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size with the same aspect ratio whose long edge is at most `edge`."""
    width, height = size
    scale = min(1.0, edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def open_photo(data: bytes, kind: str, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open with only the plugin of the sniffed kind; JPEGs are set to decode at reduced scale.

    Only the header has been read when this returns, so a decompression bomb is refused
    before any memory is spent on its pixels.
    """
    try:
        image = Image.open(io.BytesIO(data), formats=[PLUGINS[kind]])
    except Image.DecompressionBombError as exc:
        # Pillow's own guard fired while reading the header (above twice its limit).
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(pixels.group(1)) / 1e6:.0f} MP" if pixels else "far too many pixels"
        raise PhotoTooManyPixelsError(
            f"The photo has {size}; the limit is {max_pixels / 1e6:.0f} MP."
        ) from exc
    except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptPhotoError(f"The {PLUGINS[kind]} file cannot be read: {exc}") from exc
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoTooManyPixelsError(
            msg(
                "photo.too-many-pixels",
                width=width,
                height=height,
                mp=f"{width * height / 1e6:.0f}",
                limit=f"{max_pixels / 1e6:.0f}",
            )
        )
    if kind == "jpeg":
        # DCT scaling: libjpeg decodes straight at 1/2, 1/4 or 1/8 when the box still fits
        # inside the scaled image in both dimensions. The box must have the photo's own
        # aspect ratio (a square 1920 box never fits a 4:3 photo halved, and draft() then
        # silently decodes at full size).
        image.draft("RGB", fit(image.size, DISPLAY_EDGE))
    return image


def read_location(image: Image.Image) -> Location | None:
    """The GPS position in the EXIF, if any and plausible; malformed EXIF gives None."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    except (TypeError, ValueError, ZeroDivisionError, KeyError, SyntaxError, OSError):
        return None
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        # Cameras without a fix write zeros; that is not a place anyone stood.
        return None
    return Location(round(lat, 6), round(lon, 6))


def _degrees(dms, ref) -> float | None:
    if not dms or len(dms) != 3:
        return None
    value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    if not math.isfinite(value):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -value if (ref or "").strip().upper() in {"S", "W"} else value


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB pixels in sRGB: colour profiles are applied, then dropped; transparency on white."""
    icc = image.info.get("icc_profile")
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            # Not in place: a new image, never None.
            converted = ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
            return cast(Image.Image, converted)
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A broken profile is not worth refusing the photo for: assume sRGB.
            pass
    return image if image.mode == "RGB" else image.convert("RGB")


def encode(image: Image.Image, output: OutputFormat, quality: int) -> Rendition:
    """Re-encode with nothing but pixels: no EXIF, XMP, ICC profile or comment is passed on."""
    # Pillow's JPEG encoder copies a comment from image.info unless told otherwise (and a
    # future version might copy more): clearing info leaves it nothing to pass on.
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, output.pillow_format, quality=quality, **dict(output.options))
    return Rendition(
        buffer.getvalue(), image.width, image.height, output.content_type, output.extension
    )


def render(image: Image.Image, output: OutputFormat = OUTPUT) -> tuple[Rendition, Rendition]:
    """Upright, sRGB, metadata-free display and thumbnail renditions of an opened photo."""
    image.load()
    upright = ImageOps.exif_transpose(image) or image
    rgb = to_srgb(upright)
    display = rgb
    if max(rgb.size) > DISPLAY_EDGE:
        # Bicubic, not Lanczos: from a drafted JPEG the step is small (2000 → 1920), where the
        # two filters look the same and bicubic's narrower kernel costs a quarter less time.
        # reducing_gap first shrinks a full-size PNG, WebP or HEIC by an integer factor.
        display = rgb.resize(fit(rgb.size, DISPLAY_EDGE), Image.Resampling.BICUBIC, None, 3.0)
    # Made from the display image, never from the original: a tenth of the pixels to read.
    thumbnail = display.resize(
        fit(display.size, THUMBNAIL_EDGE), Image.Resampling.LANCZOS, None, 2.0
    )
    return (
        encode(display, output, output.display_quality),
        encode(thumbnail, output, output.thumbnail_quality),
    )


def process_photo(
    data: bytes,
    content_type: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    output: OutputFormat = OUTPUT,
) -> ProcessedPhoto:
    """Validate an upload and produce its stored renditions; raises a PhotoError if refused."""
    check_size(data, max_bytes)
    kind = sniff(data)
    check_content_type(kind, content_type)
    with warnings.catch_warnings():
        # Pillow warns about odd but harmless metadata (we drop all of it); a decompression
        # bomb warning, though, must refuse the photo.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_photo(data, kind, max_pixels)
            location = read_location(image)
            display, thumbnail = render(image, output)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PhotoTooManyPixelsError(str(exc)) from exc
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, RuntimeError) as exc:
            raise CorruptPhotoError(
                f"The {PLUGINS[kind]} file is damaged or truncated: {exc}"
            ) from exc
    return ProcessedPhoto(display, thumbnail, kind, location)
