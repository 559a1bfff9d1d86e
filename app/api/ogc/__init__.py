"""HTTP resource: OGC API Features at /ogc/ (app/ogc holds the domain side)."""
