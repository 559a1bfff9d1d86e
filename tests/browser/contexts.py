"""A phone-sized browser context on the live server: its size, place, language and waits."""

from __future__ import annotations

GRAND_PLACE = {"latitude": 50.8467, "longitude": 4.3525, "accuracy": 12}


# A loaded two-core machine can be slow to decode a 12 MP photo; waits are generous.
TIMEOUT_MS = 30_000


def new_context(browser, live_server, *, locale="en-GB", service_workers="allow", timezone_id=None):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale=locale,
        geolocation=GRAND_PLACE,
        permissions=["geolocation"],
        service_workers=service_workers,
        # None: the machine's own zone.
        timezone_id=timezone_id,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context
