"""Open311 GeoReport v2 at /open311/v2: routes and documents (app/open311 holds the core)."""
