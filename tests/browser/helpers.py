"""What the browser tests share: a camera-like photo, filling the form, reading the database."""

from __future__ import annotations

import io
import json
import re
import time
import urllib.request
import uuid
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.contexts import TIMEOUT_MS

# Where the generated photo says it was taken: near the Grand-Place, a little off the phone.
PHOTO_GPS = (50.8466, 4.3528)
LOCALES = {"fr": "fr-BE", "nl": "nl-BE"}
SEND_SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "resident-send"


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    return (degrees, minutes, round((minutes_full - minutes) * 60, 4))


def camera_photo(path: Path, width: int = 4000, height: int = 3000) -> Path:
    """A 12 MP JPEG as a phone writes it: stored sideways with Orientation 6, GPS in EXIF.

    Upright, the scene is portrait with a red band along its top; the sensor stored it
    rotated a quarter turn, and Orientation 6 tells viewers to turn it back clockwise.
    """
    upright = Image.linear_gradient("L").resize((height, width)).convert("RGB")
    noise = Image.effect_noise((height, width), 24).convert("RGB")
    upright = Image.blend(upright, noise, 0.35)
    pen = ImageDraw.Draw(upright)
    pen.rectangle((0, 0, height, width // 8), fill=(220, 20, 20))
    stored = upright.rotate(90, expand=True)  # counter-clockwise: what Orientation 6 undoes
    exif = Image.Exif()
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = _dms(PHOTO_GPS[0])
    gps[3] = "E"
    gps[4] = _dms(PHOTO_GPS[1])
    stored.save(path, "JPEG", quality=92, exif=exif)
    return path


def top_is_red(jpeg: bytes) -> bool:
    """Is the top band of this image red, as in the upright scene?"""
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    r, g, b = image.resize((1, 16)).getpixel((0, 0))
    return r > 150 and g < 90 and b < 90


def marker() -> str:
    """A word to find this test's reports by in the shared database."""
    return f"browser-test-{uuid.uuid4().hex[:10]}"


def open_app(page: Page, path: str = "/") -> None:
    page.goto(path)
    expect(page.locator("body[data-ready='true']")).to_be_attached()


def wait_for_service_worker(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def open_details(page: Page) -> None:
    """Unfold the optional details (description, place, commune, email), folded at first."""
    details = page.locator("#more")
    description = page.locator("#description")
    # The form unfolds them itself for a place outside every commune; a tap landing just
    # after that would fold them again, so look once more before the final check.
    for _ in range(2):
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        try:
            expect(description).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            continue
    expect(description).to_be_visible()


def fill_report(page: Page, category: str, description: str, *, photo: Path | None = None):
    """Fill the form the way a resident does: photo, position, category, description."""
    if photo is not None:
        page.get_by_label("Take a photo").set_input_files(str(photo))
        expect(page.get_by_text("1 photo will be sent with the report.")).to_be_visible()
    page.get_by_role("button", name="Use my position").click()
    expect(page.get_by_text("Position found, accurate to about 12 m.")).to_be_visible()
    page.get_by_role("radio", name=category, exact=True).check()
    open_details(page)
    page.get_by_label("Description").fill(description)


# What the form says once Send saved the report: "saved", or already "sent" when online.
SAVED_OR_SENT = re.compile(r"Saved on your phone|Sent\. Reference: [0-9a-f]{8}\.")


def send(page: Page) -> None:
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status").filter(has_text=SAVED_OR_SENT)).to_be_visible()


def reports_with(engine, word: str) -> list[dict]:
    """The reports whose description holds `word`, with their commune and photos."""
    query = text(
        """
        SELECT r.id, r.idempotency_key, c.nis_code, cat.code AS category,
               (SELECT count(*) FROM photos p WHERE p.report_id = r.id) AS photos
        FROM reports r
        JOIN communes c ON c.id = r.commune_id
        JOIN categories cat ON cat.id = r.category_id
        WHERE r.description LIKE :pattern
        ORDER BY r.created_at
        """
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query, {"pattern": f"%{word}%"})]


def photos_of(engine, report_id) -> list[dict]:
    query = text(
        "SELECT display_sha256, display_width, display_height, content_type "
        "FROM photos WHERE report_id = :id ORDER BY position"
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query, {"id": report_id})]


def fill_report_in(page: Page, table: dict, description: str, *, photo: Path | None = None):
    """fill_report in the resident's language (`table`: its catalogue): a pothole, here."""
    if photo is not None:
        page.get_by_label(table["photos.take"]).set_input_files(str(photo))
        expect(page.locator("#photo-list img")).to_have_count(1)
    page.get_by_role("button", name=table["where.useMine"]).click()
    expect(page.locator("#where-status")).to_have_text(table["where.position"].replace("{m}", "12"))
    page.locator("input[name='category'][value='pothole']").check()
    open_details(page)
    page.get_by_label(table["details.description"]).fill(description)


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot of the resident app sending, under var/screenshots/resident-send."""
    SEND_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SEND_SCREENSHOTS / f"{name}.png"), full_page=True)


def post_report(live_server, body: dict, language: str | None = None) -> uuid.UUID:
    """A report made through the public API, as another phone would; returns its id."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    if language:
        headers["Accept-Language"] = language
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/reports",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return uuid.UUID(json.loads(response.read())["id"])


def saved_description(page: Page) -> str | None:
    """The description the draft holds on the phone, as IndexedDB has committed it."""
    return page.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open('pave-draft');
          open.onsuccess = () => {
            const get = open.result.transaction('draft').objectStore('draft').get('fields');
            get.onsuccess = () => { open.result.close(); resolve(get.result?.description ?? null); };
          };
        })"""
    )


def wait_for_draft(page: Page, word: str) -> None:
    """The draft is written as the resident types: wait until IndexedDB holds `word`.

    A loaded machine may take more than a few seconds; say so if it never does.
    """
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while word not in (saved_description(page) or ""):
        assert time.monotonic() < deadline, "the draft never held the description typed"
        page.wait_for_timeout(100)
