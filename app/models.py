"""Imports every model module so that the metadata knows all tables."""


def import_all() -> None:
    from app.accounts import login_throttle as _login_throttle  # noqa: F401
    from app.accounts import models as _accounts  # noqa: F401
    from app.bodies import models as _bodies  # noqa: F401
    from app.categories import models as _categories  # noqa: F401
    from app.delivery import models as _delivery  # noqa: F401
    from app.follow import links as _resident  # noqa: F401
    from app.geo import models as _geo  # noqa: F401
    from app.media import models as _media  # noqa: F401
    from app.notify import digest as _digest  # noqa: F401
    from app.notify import heartbeat as _heartbeat  # noqa: F401
    from app.opendata import summary_models as _summaries  # noqa: F401
    from app.reports import models as _reports  # noqa: F401
    from app.tickets import models as _tickets  # noqa: F401
