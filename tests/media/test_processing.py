"""Photo processing without a database: orientation, metadata, sizes, draft mode, bad input."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.media import processing
from app.media.errors import (
    CorruptPhotoError,
    EmptyPhotoError,
    PhotoTooLargeError,
    PhotoTooManyPixelsError,
    PhotoTypeMismatchError,
    UnsupportedPhotoTypeError,
)
from app.media.processing import JPEG, WEBP, fit, open_photo, process_photo
from tests.helpers import images


def stored(rendition) -> Image.Image:
    image = Image.open(io.BytesIO(rendition.data))
    image.load()
    return image


def assert_no_metadata(image: Image.Image) -> None:
    assert len(image.getexif()) == 0
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"):
        assert key not in image.info, key


def colour_at(image: Image.Image, fx: float, fy: float) -> str:
    r, _g, b = image.convert("RGB").getpixel((int(image.width * fx), int(image.height * fy)))
    return "red" if r > 150 > b else "blue" if b > 150 > r else "other"


def test_a_plain_jpeg_becomes_a_display_image_and_a_thumbnail_without_metadata():
    result = process_photo(images.jpeg(2400, 1800), "image/jpeg")

    display, thumbnail = stored(result.display), stored(result.thumbnail)
    assert display.format == processing.OUTPUT.pillow_format
    assert display.size == (1920, 1440)
    assert thumbnail.size == (320, 240)
    assert (result.display.width, result.display.height) == (1920, 1440)
    for image in (display, thumbnail):
        assert_no_metadata(image)
    assert b"SN-0042-SECRET" not in result.display.data
    assert b"secret comment" not in result.display.data


@pytest.mark.parametrize(
    ("orientation", "red_at", "blue_at"),
    [
        # 6: the camera was turned clockwise, the picture turns 90° clockwise to stand up.
        (6, (0.75, 0.25), (0.25, 0.75)),
        # 8: the other way round.
        (8, (0.25, 0.75), (0.75, 0.25)),
    ],
)
def test_rotated_photos_come_out_upright(orientation, red_at, blue_at):
    # Stored sideways as 1600 x 1200, red quarter top-left and blue quarter bottom-right.
    result = process_photo(images.jpeg(1600, 1200, orientation=orientation), "image/jpeg")

    display = stored(result.display)
    assert display.size == (1200, 1600)
    assert stored(result.thumbnail).size == (240, 320)
    assert_no_metadata(display)
    assert colour_at(display, *red_at) == "red"
    assert colour_at(display, *blue_at) == "blue"
    assert colour_at(display, 0.25, 0.25) == "other"


def test_small_photos_are_not_enlarged():
    result = process_photo(images.png(800, 600), "image/png")

    assert stored(result.display).size == (800, 600)
    assert stored(result.thumbnail).size == (320, 240)


def test_draft_mode_decodes_a_4000_by_3000_jpeg_at_half_scale():
    data = images.encoded(Image.new("RGB", (4000, 3000), (90, 120, 60)), "JPEG", quality=80)

    image = open_photo(data, "jpeg")

    # Right after draft(): libjpeg will decode 2000 x 1500 pixels, never the full 12 MP.
    assert image.size == (2000, 1500)
    assert fit((4000, 3000), 1920) == (1920, 1440)


def test_draft_mode_also_halves_a_portrait_photo():
    data = images.encoded(Image.new("RGB", (3000, 4000), (90, 120, 60)), "JPEG", quality=80)

    assert open_photo(data, "jpeg").size == (1500, 2000)


def test_gps_position_is_read_before_stripping():
    result = process_photo(images.jpeg(gps=(50.8467, 4.3525)), "image/jpeg")

    assert result.location_suggestion is not None
    assert result.location_suggestion.lat == pytest.approx(50.8467, abs=1e-5)
    assert result.location_suggestion.lon == pytest.approx(4.3525, abs=1e-5)
    assert_no_metadata(stored(result.display))


def test_southern_and_western_positions_are_negative():
    result = process_photo(images.jpeg(400, 300, gps=(-33.9, -70.6)), "image/jpeg")

    assert result.location_suggestion.lat == pytest.approx(-33.9, abs=1e-5)
    assert result.location_suggestion.lon == pytest.approx(-70.6, abs=1e-5)


def test_a_photo_without_gps_suggests_nothing():
    assert process_photo(images.jpeg(400, 300), "image/jpeg").location_suggestion is None


@pytest.mark.parametrize(
    ("make", "content_type", "kind"),
    [
        (images.png, "image/png", "png"),
        (images.webp, "image/webp", "webp"),
        (images.heic, "image/heic", "heif"),
        (images.jpeg, "application/octet-stream", "jpeg"),
        (images.jpeg, "", "jpeg"),
    ],
)
def test_every_accepted_type_is_processed(make, content_type, kind):
    result = process_photo(make(), content_type)

    assert result.source_kind == kind
    display = stored(result.display)
    assert display.size == (1200, 900) if kind != "jpeg" else (1600, 1200)
    assert_no_metadata(display)


def test_heic_gps_is_read():
    result = process_photo(images.heic(), "image/heic")

    assert result.location_suggestion is not None
    assert result.location_suggestion.lat == pytest.approx(50.8467, abs=1e-5)


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    result = process_photo(images.encoded(image, "PNG"), "image/png")

    display = stored(result.display).convert("RGB")
    assert all(channel > 240 for channel in display.getpixel((200, 150)))


@pytest.mark.parametrize("output", [JPEG, WEBP], ids=["jpeg", "webp"])
def test_both_output_formats_strip_everything(output):
    result = process_photo(images.jpeg(2400, 1800, gps=images.GRAND_PLACE), None, output=output)

    display, thumbnail = stored(result.display), stored(result.thumbnail)
    assert display.format == thumbnail.format == output.pillow_format
    assert display.size == (1920, 1440)
    for image in (display, thumbnail):
        assert_no_metadata(image)
    assert b"SN-0042-SECRET" not in result.display.data


@pytest.mark.parametrize(
    ("make", "content_type", "error", "says"),
    [
        (lambda: b"", "image/jpeg", EmptyPhotoError, "empty"),
        (lambda: b"hello, a text file\n", "image/jpeg", UnsupportedPhotoTypeError, "not a JPEG"),
        (lambda: images.png(300, 200), "image/jpeg", PhotoTypeMismatchError, "content is PNG"),
        (lambda: images.jpeg(300, 200), "image/gif", PhotoTypeMismatchError, "as image/gif"),
        (images.gif, "image/gif", UnsupportedPhotoTypeError, "GIF"),
        (lambda: images.SVG_WITH_SCRIPT, "image/svg+xml", UnsupportedPhotoTypeError, "SVG"),
        (images.png_bomb, "image/png", PhotoTooManyPixelsError, "400 MP"),
    ],
    ids=["empty", "text", "png-as-jpeg", "jpeg-as-gif", "gif", "svg", "png-bomb"],
)
def test_bad_input_is_refused_with_a_reason(make, content_type, error, says):
    with pytest.raises(error) as raised:
        process_photo(make(), content_type)

    assert says in raised.value.detail


def test_a_truncated_jpeg_is_refused():
    data = images.jpeg(1200, 900)

    with pytest.raises(CorruptPhotoError) as raised:
        process_photo(data[: len(data) // 2], "image/jpeg")
    assert "truncated" in raised.value.detail


def test_a_jpeg_header_with_garbage_after_it_is_refused():
    with pytest.raises(CorruptPhotoError):
        process_photo(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50, "image/jpeg")


def test_over_the_byte_limit_is_refused_before_decoding():
    with pytest.raises(PhotoTooLargeError) as raised:
        process_photo(images.jpeg(400, 300), "image/jpeg", max_bytes=1000)
    assert "limit is" in raised.value.detail


def test_the_pixel_limit_is_a_setting():
    with pytest.raises(PhotoTooManyPixelsError):
        process_photo(images.jpeg(1000, 1000), "image/jpeg", max_pixels=999_999)


def test_pillow_guard_is_set_deliberately():
    assert Image.MAX_IMAGE_PIXELS == processing.MAX_PIXELS == 50_000_000
